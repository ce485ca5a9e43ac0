"""Model prices: the one in effect on a date, found for dated model names, and the cost it gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import ModelPrice

pytestmark = [pytest.mark.django_db]


def test_prices_follow_the_effective_date_and_dated_model_names():
    ModelPrice.objects.create(
        model="gpt-4o-mini", effective_from=timezone.now().date() + timedelta(days=30),
        input_per_million_usd=1, output_per_million_usd=1,
    )  # fmt: skip
    price = ModelPrice.objects.effective_for("gpt-4o-mini-2024-07-18", on=timezone.now().date())
    assert (str(price.input_per_million_usd), str(price.output_per_million_usd)) == ("0.1500", "0.6000")
    assert price.cost(prompt_tokens=1_000_000, completion_tokens=1_000_000) == 0.75
    assert ModelPrice.objects.effective_for("llama-local", on=timezone.now().date()) is None
