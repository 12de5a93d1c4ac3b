"""Every amount becomes a MoneyField (whole euros, 0 to MONEY_MAX, checked by the database).
Values the new check would refuse are clamped first, cents rounded to the euro."""

from django.db import migrations

import essaim.core.money
from essaim.core.money import clean_money_columns


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0002_initial"),
    ]

    operations = [
        clean_money_columns("financing_instrument", "max_yearly_budget"),
        clean_money_columns("financing_ticketband", "min_amount", "max_amount"),
        clean_money_columns("financing_financingrequest", "amount", "granted_amount"),
        migrations.AlterField(
            model_name="financingrequest",
            name="amount",
            field=essaim.core.money.MoneyField(verbose_name="montant demandé (€)"),
        ),
        migrations.AlterField(
            model_name="financingrequest",
            name="granted_amount",
            field=essaim.core.money.MoneyField(
                blank=True, null=True, verbose_name="montant accordé (€)"
            ),
        ),
        migrations.AlterField(
            model_name="instrument",
            name="max_yearly_budget",
            field=essaim.core.money.MoneyField(
                blank=True, null=True, verbose_name="budget annuel maximal de la structure (€)"
            ),
        ),
        migrations.AlterField(
            model_name="ticketband",
            name="max_amount",
            field=essaim.core.money.MoneyField(
                blank=True, null=True, verbose_name="montant maximal (€)"
            ),
        ),
        migrations.AlterField(
            model_name="ticketband",
            name="min_amount",
            field=essaim.core.money.MoneyField(
                blank=True, null=True, verbose_name="montant minimal (€)"
            ),
        ),
    ]
