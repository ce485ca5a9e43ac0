"""Starting prices (USD per million tokens, OpenAI's list prices); admins add newer rows as prices change."""

import datetime
from decimal import Decimal

from django.db import migrations

PRICES = [
    ("gpt-4o-mini", datetime.date(2024, 7, 18), "0.15", "0.60"),
    ("gpt-4o", datetime.date(2024, 8, 6), "2.50", "10.00"),
    ("gpt-4.1", datetime.date(2025, 4, 14), "2.00", "8.00"),
    ("gpt-4.1-mini", datetime.date(2025, 4, 14), "0.40", "1.60"),
    ("gpt-4.1-nano", datetime.date(2025, 4, 14), "0.10", "0.40"),
]


def add_prices(apps, schema_editor):
    ModelPrice = apps.get_model("chat", "ModelPrice")
    for model, effective_from, prompt, completion in PRICES:
        ModelPrice.objects.get_or_create(
            model=model,
            effective_from=effective_from,
            defaults={"input_per_million_usd": Decimal(prompt), "output_per_million_usd": Decimal(completion)},
        )


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial")]

    operations = [migrations.RunPython(add_prices, migrations.RunPython.noop)]
