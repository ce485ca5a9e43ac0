"""allauth's forms in the product's words (ACCOUNT_FORMS): sign-up with the shop's name, labels in
sentence case, and the password rules as one short line; a failing validator still says exactly what
is wrong, under the field, when it fails."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import password_validation
from django.db import transaction
from django.http import HttpRequest

from sixfb.models import available_timezones

EMAIL_TAKEN = "email_taken"  # allauth's error code for an address another account has


def password_hint() -> str:
    """The configured validators as one line, e.g. "At least 10 characters, not a common password."."""
    rules = {
        password_validation.MinimumLengthValidator: lambda v: f"at least {v.min_length} characters",
        password_validation.CommonPasswordValidator: lambda v: "not a common password",
        password_validation.NumericPasswordValidator: lambda v: "not only numbers",
        password_validation.UserAttributeSimilarityValidator: lambda v: "not like your email",
    }
    validators = password_validation.get_default_password_validators()
    parts = [say(v) for kind, say in rules.items() for v in validators if isinstance(v, kind)]
    if not parts:
        return ""
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def relabel(form: forms.Form, labels: dict[str, str]) -> None:
    """Sentence-case labels; the placeholder allauth copies from the label goes (the label shows)."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)


def hint_new_password(form: forms.Form, name: str = "password1") -> None:
    if name in form.fields:
        form.fields[name].help_text = password_hint()


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up plus the shop's name; the adapter creates the shop with its owner."""

    shop_name = forms.CharField(
        max_length=120,
        label="Shop name",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Fresh Cuts Barbershop", "autocomplete": "organization"}),
    )

    # Filled in by the browser (Intl API) so the shop starts in the owner's time zone.
    timezone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-detect-timezone": ""}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["shop_name", "email", "password1", "timezone"])
        relabel(self, {"email": "Email", "password1": "Password"})
        self.fields["email"].widget.attrs["placeholder"] = "you@yourshop.com"
        hint_new_password(self)

    @property
    def email_taken(self) -> bool:
        # Only ever true where allauth's enumeration prevention lets it say so (docs/architecture.md, Accounts).
        return self.has_error("email", EMAIL_TAKEN)

    def clean_shop_name(self) -> str:
        name = self.cleaned_data["shop_name"].strip()
        if not name:
            raise forms.ValidationError("Give your shop a name.")
        return name

    def clean_timezone(self) -> str:
        # A guess from the browser: an unknown value falls back to the default, never an error.
        value = (self.cleaned_data.get("timezone") or "").strip()
        return value if value in available_timezones() else ""

    def try_save(self, request: HttpRequest) -> Any:
        # The user, their shop and their email address are created together or not at all.
        with transaction.atomic():
            return super().try_save(request)

    def signup(self, request: HttpRequest, user: Any) -> None:
        from sixfb.services import shop_create

        shop_create(owner=user, name=self.cleaned_data["shop_name"], timezone=self.cleaned_data.get("timezone"))


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relabel(self, {"login": "Email", "password": "Password", "remember": "Remember me"})


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relabel(
            self, {"oldpassword": "Current password", "password1": "New password", "password2": "New password again"}
        )
        hint_new_password(self)


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relabel(self, {"password1": "Password", "password2": "Password again"})
        hint_new_password(self)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relabel(self, {"password1": "New password", "password2": "New password again"})
        hint_new_password(self)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relabel(self, {"email": "Email"})
        self.fields["email"].widget.attrs["placeholder"] = "you@yourshop.com"
