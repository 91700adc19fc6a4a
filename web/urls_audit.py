"""The pages of auditors (read-only browsing, certificates, the audit trail)."""

urlpatterns: list = []
