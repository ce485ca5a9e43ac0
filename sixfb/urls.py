from allauth.account.decorators import secure_admin_login
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sixfb import views

# Swagger UI styles itself inline; scripts stay 'self' only.
api_docs = csp_update({"style-src": [SELF, UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api_schema"))

# The admin signs in through allauth: one login page, with its rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth documents this wrap

# Django's error pages, except under /api/: JSON in the API's error contract there.
handler400 = "sixfb.api_errors.bad_request"
handler403 = "sixfb.api_errors.permission_denied"
handler404 = "sixfb.api_errors.page_not_found"
handler500 = "sixfb.api_errors.server_error"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("dashboard/", include("insights.dashboard_urls")),  # new_dashboard flag; off: views.dashboard
    path("settings/", views.shop_settings_current, name="shop_settings_current"),
    path("shops/<slug:shop_slug>/settings/", views.shop_settings, name="shop_settings"),
    path("shops/<slug:shop_slug>/switch/", views.shop_switch, name="shop_switch"),
    path("account/", views.account_profile, name="account_profile"),
    path("account/tokens/", views.api_token_create, name="api_token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("accounts/", include("allauth.urls")),
    path("agents/", include("agents.urls")),
    path("chat/", include("chat.urls")),
    path("", include("billing.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("bookings.urls")),
    path("book/", include("bookings.public_urls")),
    path("insights/", include("insights.urls")),
    path("staff/", include("insights.staff_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", api_docs, name="api_docs"),
    path("api/v1/", include("sixfb.api_urls")),
    path("admin/", admin.site.urls),
]
