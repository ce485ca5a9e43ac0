"""The admin as operators use it: the project's own sections first, dj-stripe's folded at the end,
and shops found by an owner's email or their Stripe customer."""

from __future__ import annotations

import re

import pytest
from djstripe.models import Customer

from sixfb.models import Membership
from tests.base import add_member, make_owner, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(make_user(email="ops@example.com", is_staff=True, is_superuser=True))
    return client


def section_titles(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<a href="/admin/[^"]*" class="section"[^>]*>([^<]+)</a>', html)


def test_the_index_lists_our_sections_first_in_the_operators_order(operator):
    html = operator.get("/admin/").content.decode()
    titles = section_titles(html)
    ours = ["Shops & accounts", "Billing", "Agents", "Chat", "Agent actions", "Bookings", "Notifications", "Insights"]
    assert titles[: len(ours)] == [title.replace("&", "&amp;") for title in ours]
    # The Operations box (cost dashboard) still leads the page.
    assert html.index('id="operators-costs"') < html.index("Shops &amp; accounts")


def test_dj_stripe_models_are_one_folded_section_after_everything_else(operator):
    html = operator.get("/admin/").content.decode()
    folded = html[html.index('<details class="module" id="stripe-models">') :]
    assert "<details" in folded and " open" not in folded.split(">", 1)[0]
    assert "/admin/djstripe/customer/" in folded
    before = html[: html.index('id="stripe-models"')]
    assert "/admin/djstripe/" not in before  # none of its ~50 models above ours
    assert "/admin/waffle/" in before or "/admin/account/" in before  # the other libraries stay in the list


def test_the_sidebar_on_other_admin_pages_keeps_the_same_order(operator):
    html = operator.get("/admin/sixfb/shop/").content.decode()
    titles = section_titles(html)
    assert titles[0] == "Shops &amp; accounts" and titles[-1] == "Stripe (dj-stripe)"


def test_existing_admin_pages_still_open(operator):
    for path in ["/admin/sixfb/shop/", "/admin/billing/plan/", "/admin/djstripe/customer/", "/admin/djstripe/"]:
        assert operator.get(path).status_code == 200, path


def shop_names(client, term: str) -> set[str]:
    html = client.get("/admin/sixfb/shop/", {"q": term}).content.decode()
    return set(re.findall(r'<th class="field-name"><a href="/admin/sixfb/shop/\d+/change/[^"]*">([^<]+)</a>', html))


def test_shops_are_found_by_owner_email_but_not_by_a_barbers(operator):
    _owner, shop = make_owner(email="marcus@freshcuts.com", shop_name="Fresh Cuts")
    make_owner(email="dee@sharpfades.com", shop_name="Sharp Fades")
    add_member(shop=shop, role=Membership.Role.BARBER, email="kim@sharpfades.com")
    assert shop_names(operator, "marcus@fresh") == {"Fresh Cuts"}
    assert shop_names(operator, "sharpfades.com") == {"Sharp Fades"}  # Kim is a barber at Fresh Cuts, not its owner
    assert shop_names(operator, "Sharp") == {"Sharp Fades"}  # by name, as before


def test_shops_are_found_by_their_stripe_customer_id(operator):
    _owner, shop = make_owner(shop_name="Fresh Cuts")
    make_owner(shop_name="Sharp Fades")
    Customer.objects.create(id="cus_Q1w2E3r4T5y6U7", subscriber=shop, livemode=False)
    assert shop_names(operator, "cus_Q1w2E3r4T5y6U7") == {"Fresh Cuts"}
    assert shop_names(operator, "cus_nobody") == set()
