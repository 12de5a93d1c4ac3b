"""Every amount becomes a MoneyField (whole euros, 0 to MONEY_MAX), its range checked by the
database. On SQLite, values the new checks would refuse are clamped first and cents rounded to the
euro (essaim.core.money.clean_money_columns)."""

from django.conf import settings
from django.db import migrations, models

import essaim.core.money
from essaim.core.money import clean_money_columns


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0003_person_is_fictitious"),
        ("financing", "0002_initial"),
        ("geo", "0002_search_population_referenceload"),
        ("projects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
        migrations.AddConstraint(
            model_name="financingrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("amount__isnull", True),
                    models.Q(("amount__gte", 0), ("amount__lte", 100000000000)),
                    _connector="OR",
                ),
                name="financing_request_amount_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="financingrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("granted_amount__isnull", True),
                    models.Q(("granted_amount__gte", 0), ("granted_amount__lte", 100000000000)),
                    _connector="OR",
                ),
                name="financing_request_granted_amount_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="instrument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("max_yearly_budget__isnull", True),
                    models.Q(
                        ("max_yearly_budget__gte", 0), ("max_yearly_budget__lte", 100000000000)
                    ),
                    _connector="OR",
                ),
                name="instrument_max_yearly_budget_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="ticketband",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("min_amount__isnull", True),
                    models.Q(("min_amount__gte", 0), ("min_amount__lte", 100000000000)),
                    _connector="OR",
                ),
                name="ticket_band_min_amount_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="ticketband",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("max_amount__isnull", True),
                    models.Q(("max_amount__gte", 0), ("max_amount__lte", 100000000000)),
                    _connector="OR",
                ),
                name="ticket_band_max_amount_money",
            ),
        ),
    ]
