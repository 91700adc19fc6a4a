"""The four roles as Django groups with named permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

SOCIAL_WORKER = "social_worker"
APPROVER = "approver"
PAYMENT_OFFICER = "payment_officer"
AUDITOR = "auditor"

_READ_REGISTRY = [
    "beneficiaries.view_household",
    "beneficiaries.view_person",
    "beneficiaries.view_povertyassessment",
    "beneficiaries.view_case",
    # entitlements: one-off entitlements after a death
    "beneficiaries.view_oneoffentitlement",
]

# Certificates (certificates/): issued, printed and revoked by approvers (their communes) and
# auditors (every commune).
_CERTIFICATES = [
    "certificates.view_certificate",
    "certificates.issue_certificate",
    "certificates.print_certificate",
    "certificates.revoke_certificate",
]
_PAYMENT_LIST = ["certificates.print_payment_list"]

# Payments (payments/): payment officers keep accounts and run batches (approving one they did
# not generate); auditors read accounts (masked) and batches.
_PAYMENTS_READ = ["payments.view_paymentaccount", "payments.view_paymentbatch"]
_PAYMENTS_WRITE = [
    "payments.change_paymentaccount",
    "payments.view_account_number",
    "payments.add_paymentbatch",
    "payments.approve_paymentbatch",
    "payments.export_paymentbatch",
    "payments.reconcile_paymentbatch",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SOCIAL_WORKER: _READ_REGISTRY
    + [
        "beneficiaries.add_household",
        "beneficiaries.change_household",
        "beneficiaries.add_person",
        "beneficiaries.change_person",
        "beneficiaries.add_povertyassessment",
        "beneficiaries.add_case",
        "beneficiaries.change_case",
        "beneficiaries.submit_case",
        "beneficiaries.import_persons",
        "beneficiaries.record_death",
        "beneficiaries.move_person",
        # entitlements: record a family's or organiser's application for a one-off
        "beneficiaries.add_oneoffentitlement",
    ],
    APPROVER: _READ_REGISTRY
    + [
        "beneficiaries.decide_case",
        "beneficiaries.view_consistency_report",
        # entitlements
        "beneficiaries.decide_one_off",
        # audit2: erasure by anonymisation (Law 91/2025), in the approver's communes
        "beneficiaries.erase_person",
    ]
    + _CERTIFICATES
    + _PAYMENT_LIST,
    PAYMENT_OFFICER: _READ_REGISTRY + _PAYMENT_LIST + _PAYMENTS_READ + _PAYMENTS_WRITE,
    AUDITOR: _READ_REGISTRY
    + [
        "beneficiaries.view_sensitive",
        "beneficiaries.view_consistency_report",
        "registry.view_auditevent",
        "jobs.view_any_job",
    ]
    + _CERTIFICATES
    + _PAYMENTS_READ,
}
ROLES = tuple(ROLE_PERMISSIONS)
# Roles that read every commune (masked by default).
ALL_COMMUNE_ROLES = {AUDITOR}


def sync_roles() -> None:
    """Create the groups and give each exactly its permissions (those that exist so far)."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, **kwargs) -> None:
    if sender.name in {"registry", "jobs", "beneficiaries", "payments", "certificates"}:
        sync_roles()
