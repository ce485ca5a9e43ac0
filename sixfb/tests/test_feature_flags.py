"""Flags decided per shop (the same on every device and for every member), waffle's person rules
after that, and kill switches that default to on."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group
from waffle.models import Switch

from sixfb import flags
from sixfb.models import Flag, Membership, Shop
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


def test_the_migrations_create_every_flag_and_switch_with_a_note():
    for name in (flags.NEW_DASHBOARD, flags.AI_AGENT_V2):
        assert Flag.objects.get(name=name).note
    assert Flag.objects.get(name=flags.NEW_DASHBOARD).shop_percent == 20
    # The note names where the flag is decided (migration 0011 moved it to insights).
    assert "insights.views.owner" in Flag.objects.get(name=flags.NEW_DASHBOARD).note
    for name in (flags.AI_CHAT_ENABLED, flags.SIGNUP_OPEN, flags.SMS_ENABLED, flags.ONLINE_BOOKING_ENABLED):
        switch = Switch.objects.get(name=name)
        assert switch.active and switch.note


def test_new_dashboard_reaches_about_a_fifth_of_shops_by_a_stable_hash():
    flag = Flag.objects.get(name=flags.NEW_DASHBOARD)
    shops = [Shop(uuid=uuid.uuid4(), name="x", slug="x") for _ in range(4000)]
    inside = [shop for shop in shops if flag.shop_bucket(shop) < 20]
    assert 0.17 < len(inside) / len(shops) < 0.23
    assert all(flag.shop_bucket(shop) == flag.shop_bucket(shop) for shop in shops[:50])
    other = Flag(name="another_flag")  # independent between flags
    assert sum(1 for shop in inside if other.shop_bucket(shop) < 20) < len(inside) * 0.3


def _shop_in_bucket(flag: Flag, *, inside: bool):
    while True:
        owner, shop = make_owner()
        if (flag.shop_bucket(shop) < float(flag.shop_percent or 0)) == inside:
            return owner, shop


def test_every_member_of_a_shop_gets_the_same_answer():
    flag = Flag.objects.get(name=flags.NEW_DASHBOARD)
    owner, shop = _shop_in_bucket(flag, inside=True)
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=shop, user=owner)
    assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=shop, user=barber)
    outsider_owner, outsider = _shop_in_bucket(flag, inside=False)
    assert not flags.flag_is_active(flags.NEW_DASHBOARD, shop=outsider, user=outsider_owner)


def test_an_admin_moves_a_shop_in_or_out():
    flag = Flag.objects.get(name=flags.NEW_DASHBOARD)
    in_owner, in_shop = _shop_in_bucket(flag, inside=True)
    out_owner, out_shop = _shop_in_bucket(flag, inside=False)
    flag.excluded_shops.add(in_shop)
    flag.shops.add(out_shop)
    assert not flags.flag_is_active(flags.NEW_DASHBOARD, shop=in_shop, user=in_owner)
    assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=out_shop, user=out_owner)


def test_ai_agent_v2_for_the_beta_group_and_named_shops():
    owner, shop = make_owner()
    assert not flags.flag_is_active(flags.AI_AGENT_V2, shop=shop, user=owner)
    owner.groups.add(Group.objects.get(name="beta"))
    assert flags.flag_is_active(flags.AI_AGENT_V2, shop=shop, user=owner)
    other_owner, other_shop = make_owner()
    Flag.objects.get(name=flags.AI_AGENT_V2).shops.add(other_shop)
    assert flags.flag_is_active(flags.AI_AGENT_V2, shop=other_shop, user=other_owner)


def test_an_unknown_flag_is_off_and_a_missing_switch_is_on():
    assert not flags.flag_is_active("no_such_flag")
    assert flags.switch_is_on("no_such_switch")
    Switch.objects.filter(name=flags.SMS_ENABLED).update(active=False)
    Switch.objects.get(name=flags.SMS_ENABLED).save()  # waffle flushes its cache on save
    assert not flags.switch_is_on(flags.SMS_ENABLED)


def test_a_flags_shop_lists_are_cached_and_a_change_from_either_side_counts_at_once(django_assert_num_queries):
    flag = Flag.objects.get(name=flags.NEW_DASHBOARD)
    owner, shop = _shop_in_bucket(flag, inside=True)
    other_owner, other_shop = _shop_in_bucket(flag, inside=False)
    assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=shop, user=owner)  # reads and caches the lists
    with django_assert_num_queries(0):  # every answer asks: no query while the lists are cached
        assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=shop, user=owner)

    flag.excluded_shops.add(shop)
    assert not flags.flag_is_active(flags.NEW_DASHBOARD, shop=shop, user=owner)
    flag.excluded_shops.remove(shop)
    assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=shop, user=owner)

    assert not flags.flag_is_active(flags.NEW_DASHBOARD, shop=other_shop, user=other_owner)
    other_shop.flag_set.add(flag)  # from the shop's side
    assert flags.flag_is_active(flags.NEW_DASHBOARD, shop=other_shop, user=other_owner)
    other_shop.flag_set.clear()
    assert not flags.flag_is_active(flags.NEW_DASHBOARD, shop=other_shop, user=other_owner)


def test_within_decided_once_a_flag_is_decided_once_for_a_shop_and_person(django_assert_num_queries):
    owner, shop = make_owner()
    other_owner, other_shop = make_owner()
    flag = Flag.objects.get(name=flags.AI_AGENT_V2)
    with flags.decided_once():
        assert not flags.flag_is_active(flags.AI_AGENT_V2, shop=shop, user=owner)
        flag.shops.add(shop)  # an admin, meanwhile: this answer keeps the decision it took
        with django_assert_num_queries(0):
            assert not flags.flag_is_active(flags.AI_AGENT_V2, shop=shop, user=owner)
        assert not flags.flag_is_active(flags.AI_AGENT_V2, shop=other_shop, user=other_owner)  # its own
    assert flags.flag_is_active(flags.AI_AGENT_V2, shop=shop, user=owner)  # the next answer sees it
