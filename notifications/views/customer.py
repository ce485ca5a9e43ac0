from django.http import Http404, HttpRequest, HttpResponse


def customer_preferences(request: HttpRequest, token: str) -> HttpResponse:  # built with the email channel
    raise Http404


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:  # built with the email channel
    raise Http404
