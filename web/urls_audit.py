"""The pages of auditors (read-only browsing, certificates, the audit trail)."""

from django.urls import path

from web.views import audit_certificates as certificates
from web.views import audit_consistency, audit_printing, audit_trail

urlpatterns: list = [
    path("audit/certificates/", certificates.certificate_list, name="audit-certificates"),
    path("audit/certificates/<int:pk>/", certificates.certificate_detail, name="audit-certificate"),
    path(
        "audit/certificates/<int:pk>/pdf/",
        certificates.certificate_pdf,
        name="audit-certificate-pdf",
    ),
    path(
        "audit/certificates/<int:pk>/revoke/",
        certificates.certificate_revoke,
        name="audit-certificate-revoke",
    ),
    path(
        "audit/persons/<int:pk>/certificates/",
        certificates.person_certificates,
        name="audit-person-certificates",
    ),
    path(
        "audit/households/<int:pk>/certificates/",
        certificates.household_certificates,
        name="audit-household-certificates",
    ),
    path("audit/certificates/print/", audit_printing.batch_print, name="audit-print"),
    path("audit/certificates/print/<int:pk>/", audit_printing.print_job, name="audit-print-job"),
    path(
        "audit/certificates/print/<int:pk>/pdf/", audit_printing.print_pdf, name="audit-print-pdf"
    ),
    path("audit/trail/", audit_trail.audit_trail, name="audit-trail"),
    path("audit/trail/verify/", audit_trail.chain_verify, name="audit-chain-verify"),
    path("audit/trail/verify/<int:pk>/", audit_trail.chain_job, name="audit-chain-job"),
    path("audit/consistency/", audit_consistency.consistency_report, name="audit-consistency"),
]
