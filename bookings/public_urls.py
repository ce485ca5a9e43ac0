"""The public booking page, for the shop's customers (no account): /book/<shop slug>/..."""

from django.urls import path

from bookings.public import manage, views

urlpatterns = [
    path("<slug:slug>/", views.service_list, name="book"),
    path("<slug:slug>/s/<str:service_id>/", views.barber_list, name="book_barbers"),
    path("<slug:slug>/s/<str:service_id>/times/", views.time_list, name="book_times"),
    path("<slug:slug>/s/<str:service_id>/details/", views.details, name="book_details"),
    path("<slug:slug>/a/<str:token>/", manage.appointment_detail, name="book_appointment"),
    path("<slug:slug>/a/<str:token>/cancel/", manage.appointment_cancel, name="book_cancel"),
    path("<slug:slug>/a/<str:token>/move/", manage.appointment_reschedule, name="book_reschedule"),
]
