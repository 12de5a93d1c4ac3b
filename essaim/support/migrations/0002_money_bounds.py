"""Every amount becomes a MoneyField (whole euros, 0 to MONEY_MAX, checked by the database).
Values the new check would refuse are clamped first, cents rounded to the euro."""

from django.db import migrations

import essaim.core.money
from essaim.core.money import clean_money_columns


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
    ]

    operations = [
        clean_money_columns("support_action", "budget_planned", "budget_committed", "budget_spent"),
        migrations.AlterField(
            model_name="action",
            name="budget_committed",
            field=essaim.core.money.MoneyField(default=0, verbose_name="budget engagé (€)"),
        ),
        migrations.AlterField(
            model_name="action",
            name="budget_planned",
            field=essaim.core.money.MoneyField(default=0, verbose_name="budget prévu (€)"),
        ),
        migrations.AlterField(
            model_name="action",
            name="budget_spent",
            field=essaim.core.money.MoneyField(default=0, verbose_name="budget dépensé (€)"),
        ),
    ]
