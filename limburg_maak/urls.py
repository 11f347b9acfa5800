from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from budgets import views as budget_views
from limburg_maak import sign_in
from limburg_maak.admin import money_preview
from programs import views as program_views

# ADR: no trailing slashes, the API root included (`/api/v1`, not `/api/v1/`).
router = DefaultRouter(trailing_slash=False)
router.include_root_view = False
router.register("documents", budget_views.DocumentWithOverviewViewSet, basename="document")
router.register("programs", program_views.ProgramViewSet, basename="program")
router.register("budget-lines", budget_views.BudgetLineViewSet, basename="budget-line")
router.register("subsidies", budget_views.SubsidyViewSet, basename="subsidy")
router.register("commitments", program_views.CommitmentViewSet, basename="commitment")
router.register("organisations", program_views.OrganisationViewSet, basename="organisation")
router.register("themes", program_views.ThemeViewSet, basename="theme")
router.register("actions", program_views.ActionViewSet, basename="action")
router.register("indicators", program_views.IndicatorViewSet, basename="indicator")

api_v1 = [
    path("", router.get_api_root_view(), name="api-root"),
    path("/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("/changes", budget_views.ChangesView.as_view(), name="changes"),
    # Swagger UI from our own static files (drf-spectacular-sidecar); its script is a file too,
    # so the Content-Security-Policy needs no inline code.
    path(
        "/docs",
        SpectacularSwaggerSplitView.as_view(url_name="api:openapi", template_name="api/docs.html"),
        name="docs",
    ),
    path("/", include(router.urls)),
]

urlpatterns = [
    path("", include("website.urls")),
    path("", include("subscriptions.urls")),
    path("api/v1", include((api_v1, "api"))),
    path(f"{settings.ADMIN_URL}bedrag-lezen", money_preview, name="money-preview"),
    # The admin's login is allauth's sign-in (the identity provider, or a password and TOTP).
    path(f"{settings.ADMIN_URL}login/", sign_in.admin_login),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Without a CSRF token: a page holding none is the same bytes for every reader, so a shared
    # cache can keep it and its ETag holds. A foreign page can at most switch a reader's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

handler400 = "common.api.bad_request"
handler403 = "common.api.permission_denied"
handler404 = "common.api.not_found"
handler500 = "common.api.server_error"
