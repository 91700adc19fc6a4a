# Two commands for a fresh machine: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: demo test lint serve install messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# DEBUG is off, so the admin's and /api/docs/' static files are served by whitenoise from staticfiles/.
# with_worker runs the web server and a job worker (db_worker) together; one Ctrl-C stops both.
# The demo users log in with a password alone; production asks payment officers and approvers
# for a TOTP code too (REGISTRY_OTP_REQUIRED_ROLES, docs/security.md).
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_admin_units
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	REGISTRY_OTP_REQUIRED_ROLES= $(PY) manage.py with_worker runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# English catalogues: one per app (<app>/locale/en) plus locale/en for the project templates.
# Never run makemessages for "vi": locale/vi holds only DRF's own messages, written by hand.
MESSAGE_IGNORES := -i ".venv/*" -i "var/*" -i "staticfiles/*" -i "tests/*" -i "bench/*"
messages: $(STAMP)
	$(PY) manage.py makemessages -l en --add-location file --no-obsolete $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l en -i .venv

# Benchmarks (bench/run.py, docs/performance.md): a generated province, then every figure of
# issue 17 beside its limit. SQLite in a temporary file by default; on PostgreSQL:
#   make bench BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pg
# (a fresh test_<name> database is created beside it and dropped). Exits 1 when a figure misses.
.PHONY: bench bench-full
BENCH_DB := $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
bench: $(STAMP)
	$(PY) bench/run.py --persons 100000 --load-seconds 30 $(BENCH_DB) $(BENCH_ARGS)

bench-full: $(STAMP)
	$(PY) bench/run.py --persons 1000000 --load-seconds 60 --pages 1000 $(BENCH_DB) $(BENCH_ARGS)
