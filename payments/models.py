"""Payment batches and lines arrive with the payments issue."""
