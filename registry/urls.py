"""URL map: the API under /api/v1/, its schema and offline docs, the login page and admin.

Django's own 400/403/404/500 pages answer the JSON error envelope for paths under /api/.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from registry.login import RegistryLoginView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    # web: the browser application (social workers, approvers).
    path("app/", include("web.urls")),
    path("accounts/login/", RegistryLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include("registry.api.urls")),
    path("", include("certificates.urls_public")),
]

handler400 = "registry.api.errors.bad_request"
handler403 = "registry.api.errors.permission_denied"
handler404 = "registry.api.errors.page_not_found"
handler500 = "registry.api.errors.server_error"
