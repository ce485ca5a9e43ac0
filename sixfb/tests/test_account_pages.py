"""allauth's pages in the product's templates and words: errors under their own field, a short password
hint, the email page's actions per address, the two-factor pages."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.urls import reverse

from sixfb.models import User
from tests.base import PASSWORD, make_owner, make_user

pytestmark = pytest.mark.django_db


def signup(client, *, email: str, password: str = PASSWORD, shop_name: str = "Fresh Cuts Barbershop"):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "shop_name": shop_name})


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def element_with_id(html: str, element_id: str) -> str:
    match = re.search(rf'<div[^>]*id="{element_id}".*?</div>', html, re.S)
    assert match, f"no element with id {element_id}"
    return match.group(0)


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")  # where enumeration prevention lets the form say so
def test_an_address_already_registered_is_an_error_under_the_email_field_with_ways_back_in(client):
    make_user(email="owner@freshcuts.com")

    html = signup(client, email="owner@freshcuts.com").content.decode()

    email_input = input_tag(html, "email")
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_email_error"' in email_input
    error = element_with_id(html, "id_email_error")
    assert "already registered with this email" in error
    assert f'href="{reverse("account_login")}"' in error
    assert f'href="{reverse("account_reset_password")}"' in error
    # Under the email box, not the shop name's: the shop name field is fine and comes before it.
    assert "aria-invalid" not in input_tag(html, "shop_name")
    assert html.index('name="shop_name"') < html.index('name="email"') < html.index('id="id_email_error"')
    assert User.objects.count() == 1


def test_with_mandatory_verification_a_registered_address_gets_check_your_email_not_an_error(client):
    # Enumeration prevention (ACCOUNT_PREVENT_ENUMERATION with mandatory verification): the page must not
    # reveal the address has an account; its owner is told by email instead.
    make_user(email="owner@freshcuts.com")

    response = signup(client, email="owner@freshcuts.com")
    page = client.get(response["Location"]).content.decode()

    assert "Check your email" in page
    assert "already registered" not in page


def test_the_password_rules_are_one_short_hint_and_the_full_message_only_on_error(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert "At least 10 characters, not a common password, not only numbers, not like your email." in html
    assert "too similar to your other personal information" not in html  # Django's list of every validator
    assert 'aria-describedby="id_password1_helptext"' in input_tag(html, "password1")

    html = signup(client, email="new@freshcuts.com", password="short").content.decode()
    password_input = input_tag(html, "password1")
    assert 'aria-invalid="true"' in password_input
    assert "id_password1_error" in password_input
    assert "This password is too short" in element_with_id(html, "id_password1_error")


def test_sign_up_and_sign_in_use_the_products_words(client):
    signup_page = client.get(reverse("account_signup")).content.decode()
    login_page = client.get(reverse("account_login")).content.decode()

    assert "Then please" not in signup_page and "Already have an account?" in signup_page
    assert "Sign In" not in login_page and "<h1>Sign in</h1>" in login_page
    # "Remember me" is a checkbox with its label on one line, not "Remember Me:" above a box.
    assert re.search(
        r'<label class="checkbox">\s*<input type="checkbox" name="remember"[^>]*>\s*Remember me</label>', login_page
    )
    assert "Remember Me" not in login_page


def test_a_wrong_password_is_said_above_the_fields(client):
    make_owner(email="barber@example.com")
    html = client.post(reverse("account_login"), {"login": "barber@example.com", "password": "nope"}).content.decode()
    assert re.search(r'<p class="message error" role="alert">[^<]*not correct', html)


def test_the_primary_address_has_no_remove_button(client):
    user = make_user(email="owner@freshcuts.com")
    client.force_login(user)

    html = client.get(reverse("account_email")).content.decode()
    assert "owner@freshcuts.com" in html
    assert 'name="action_remove"' not in html

    EmailAddress.objects.create(user=user, email="second@freshcuts.com", verified=False, primary=False)
    html = client.get(reverse("account_email")).content.decode()
    rows = re.findall(r'<li class="email-row">.*?</li>', html, re.S)
    primary, second = rows  # the primary address first
    assert "owner@freshcuts.com" in primary and "action_" not in primary
    assert "second@freshcuts.com" in second
    assert 'name="action_remove"' in second and 'name="action_send"' in second
    assert 'name="action_primary"' not in second  # an unconfirmed address cannot become primary


def test_removing_the_second_address_works_from_its_row(client):
    user = make_user(email="owner@freshcuts.com")
    EmailAddress.objects.create(user=user, email="second@freshcuts.com", verified=True, primary=False)
    client.force_login(user)

    response = client.post(reverse("account_email"), {"email": "second@freshcuts.com", "action_remove": ""})

    assert response.status_code == 302
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["owner@freshcuts.com"]


def test_the_two_factor_pages_are_the_products(client):
    user, _shop = make_owner()
    client.force_login(user)

    index = client.get(reverse("mfa_index")).content.decode()
    assert "<h1>Two-factor sign-in</h1>" in index
    assert 'class="account-tabs"' in index
    assert f'href="{reverse("mfa_activate_totp")}"' in index

    confirm = client.get(reverse("mfa_activate_totp"), follow=True).content.decode()
    assert "<h1>Confirm it's you</h1>" in confirm  # allauth asks for the password again first
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'class="qr" src="data:image/svg+xml;base64,' in activate
    assert 'name="code"' in activate
    assert "Activate Authenticator App" not in activate


@pytest.mark.parametrize(
    ("template", "action"),
    [
        ("account/reauthenticate.html", "/accounts/reauthenticate/"),
        ("mfa/reauthenticate.html", "/accounts/2fa/reauthenticate/"),
    ],
)
def test_both_confirm_it_is_you_pages_post_their_own_form_to_their_own_address(rf, template, action):
    from django import forms
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    class CodeForm(forms.Form):
        code = forms.CharField()

    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string(template, {"form": CodeForm(), "redirect_field": ""}, request=request)
    assert re.findall(r'<form[^>]*action="([^"]*)"', html) == [action]
    assert 'name="code"' in html and "Confirm it's you" in html and ">Confirm<" in html.replace("\n", "")
