from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def pricing(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/pricing.html")


@login_required
def billing_home(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/index.html")
