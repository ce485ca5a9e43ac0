from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/index.html")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:  # the page arrives with the notification center
    raise Http404


def customer_preferences(request: HttpRequest, token: str) -> HttpResponse:  # with the email channel
    raise Http404


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:  # with the email channel
    raise Http404
