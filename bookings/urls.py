"""Staff pages of the shop's business: the calendar, customers, services and barbers."""

from django.urls import path

from bookings import views

urlpatterns = [
    path("bookings/", views.calendar, name="bookings_calendar"),
    path("bookings/new/", views.appointment_new, name="appointment_new"),
    path("bookings/slots/", views.slots, name="appointment_slots"),
    path("bookings/settings/", views.booking_settings, name="booking_settings"),
    path("bookings/appointments/<str:appointment_id>/", views.appointment_detail, name="appointment_detail"),
    path("bookings/appointments/<str:appointment_id>/move/", views.appointment_move, name="appointment_move"),
    path("bookings/appointments/<str:appointment_id>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path(
        "bookings/appointments/<str:appointment_id>/complete/", views.appointment_complete, name="appointment_complete"
    ),
    path(
        "bookings/appointments/<str:appointment_id>/confirm/",
        views.appointment_status,
        {"status": "confirmed"},
        name="appointment_confirm",
    ),
    path(
        "bookings/appointments/<str:appointment_id>/no-show/",
        views.appointment_status,
        {"status": "no_show"},
        name="appointment_no_show",
    ),
    path("customers/", views.customer_list, name="customers"),
    path("customers/new/", views.customer_new, name="customer_new"),
    path("customers/picker/", views.customer_picker, name="customer_picker"),
    path("customers/<str:customer_id>/", views.customer_detail, name="customer_detail"),
    path("customers/<str:customer_id>/merge/", views.customer_merge, name="customer_merge"),
    path("services/", views.service_list, name="services"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<str:service_id>/", views.service_edit, name="service_edit"),
    path("barbers/", views.barber_list, name="barbers"),
    path("barbers/new/", views.barber_edit, name="barber_new"),
    path("barbers/<str:barber_id>/", views.barber_edit, name="barber_edit"),
    path("barbers/<str:barber_id>/hours/", views.barber_hours, name="barber_hours"),
    path("barbers/<str:barber_id>/time-off/", views.time_off_add, name="time_off_add"),
    path("barbers/<str:barber_id>/time-off/<int:time_off_id>/delete/", views.time_off_remove, name="time_off_remove"),
]
