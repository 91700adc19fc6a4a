"""Long operations run in the background on Django's Tasks framework, each with a Job record.

An operation puts itself on a job by being a `jobs.operations.job_task` in its own app; see
docs/architecture.md ("Putting an operation on a job").
"""
