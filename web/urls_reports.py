"""The pages of the reports page."""

urlpatterns: list = []
