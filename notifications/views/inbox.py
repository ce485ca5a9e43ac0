from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/index.html")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:  # built with the notification center
    raise Http404
