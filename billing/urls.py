from django.urls import include, path

from billing import views

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("billing/", views.billing_home, name="billing"),
    path("billing/checkout/<slug:plan_slug>/", views.checkout, name="billing_checkout"),
    path("billing/success/", views.checkout_success, name="billing_checkout_success"),
    path("billing/portal/", views.portal, name="billing_portal"),
    path("billing/enterprise/", views.enterprise, name="billing_enterprise"),
    # dj-stripe's webhook endpoint, under its own name, behind our guard (billing/webhooks.py):
    # /stripe/webhook/<endpoint uuid>/ (see register_stripe_webhook).
    path(
        "stripe/",
        include(
            ([path("webhook/<uuid:uuid>/", views.stripe_webhook, name="djstripe_webhook_by_uuid")], "djstripe"),
        ),
    ),
]
