"""The browser application's pages. Social workers' and approvers' pages are here; payment
officers', auditors' and the reports page each have their own module (urls_payments, urls_audit,
urls_reports), joined at the end."""

from django.urls import path

from web import urls_audit, urls_payments, urls_reports
from web.views import approvals, cases, dashboard, households, imports, persons

app_name = "web"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("search/", dashboard.search, name="search"),
    path("households/", households.household_list, name="households"),
    path("households/new/", households.household_new, name="household-new"),
    path("households/<int:pk>/", households.household_detail, name="household"),
    path("households/<int:pk>/persons/new/", persons.person_new, name="person-new"),
    path("households/<int:pk>/assessments/new/", households.assessment_new, name="assessment-new"),
    path(
        "households/<int:pk>/assessments/preview/",
        households.assessment_preview,
        name="assessment-preview",
    ),
    path("persons/<int:pk>/", persons.person_detail, name="person"),
    path("persons/<int:pk>/death/", persons.person_death, name="person-death"),
    path("persons/<int:pk>/move/", persons.person_move, name="person-move"),
    path("persons/<int:pk>/cases/new/", cases.case_new, name="case-new"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/submit/", cases.case_submit, name="case-submit"),
    path("cases/<int:pk>/adjust/", cases.case_adjust, name="case-adjust"),
    path("cases/<int:pk>/approve/", approvals.case_approve, name="case-approve"),
    path("cases/<int:pk>/approval-preview/", approvals.approval_preview, name="approval-preview"),
    path("cases/<int:pk>/reject/", approvals.case_reject, name="case-reject"),
    path("approvals/", approvals.queue, name="approvals"),
    path("adjustments/<int:pk>/approve/", approvals.adjustment_approve, name="adjustment-approve"),
    path("adjustments/<int:pk>/reject/", approvals.adjustment_reject, name="adjustment-reject"),
    path("imports/", imports.import_page, name="import"),
    path("imports/template/", imports.import_template, name="import-template"),
    path("imports/jobs/<int:pk>/", imports.import_job, name="import-job"),
]

urlpatterns += urls_payments.urlpatterns + urls_audit.urlpatterns + urls_reports.urlpatterns
