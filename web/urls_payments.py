"""The pages of payment officers: payment accounts, batches, suspension proposals (auditors read
the same pages without the actions)."""

from django.urls import path

from web.views import payments_accounts, payments_actions, payments_batches, payments_proposals

urlpatterns: list = [
    path("payments/accounts/", payments_accounts.account_search, name="payments-accounts"),
    path("payments/accounts/<int:pk>/", payments_accounts.account_detail, name="payments-account"),
    path("payments/batches/", payments_batches.batch_list, name="payments-batches"),
    path("payments/batches/new/", payments_batches.batch_new, name="payments-batch-new"),
    path("payments/batches/jobs/<int:pk>/", payments_batches.batch_job, name="payments-batch-job"),
    path("payments/batches/<int:pk>/", payments_batches.batch_detail, name="payments-batch"),
    path(
        "payments/batches/<int:pk>/regenerate/",
        payments_actions.batch_regenerate,
        name="payments-batch-regenerate",
    ),
    path(
        "payments/batches/<int:pk>/cancel/",
        payments_actions.batch_cancel,
        name="payments-batch-cancel",
    ),
    path(
        "payments/batches/<int:pk>/approve/",
        payments_actions.batch_approve,
        name="payments-batch-approve",
    ),
    path(
        "payments/batches/<int:pk>/export/",
        payments_actions.batch_export,
        name="payments-batch-export",
    ),
    path(
        "payments/batches/<int:pk>/reconcile/",
        payments_actions.batch_reconcile,
        name="payments-batch-reconcile",
    ),
    path("payments/proposals/", payments_proposals.proposals, name="payments-proposals"),
]
