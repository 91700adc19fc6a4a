"""The pages of payment officers."""

urlpatterns: list = []
