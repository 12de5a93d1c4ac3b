"""Every amount becomes a MoneyField (whole euros, 0 to MONEY_MAX, checked by the database).
Values the new check would refuse are clamped first, cents rounded to the euro."""

from django.db import migrations

import essaim.core.money
from essaim.core.money import clean_money_columns


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        clean_money_columns("projects_project", "yearly_budget"),
        clean_money_columns("projects_need", "amount"),
        migrations.AlterField(
            model_name="need",
            name="amount",
            field=essaim.core.money.MoneyField(
                blank=True,
                help_text="pour un besoin de financement",
                null=True,
                verbose_name="montant (€)",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="yearly_budget",
            field=essaim.core.money.MoneyField(
                blank=True, null=True, verbose_name="budget annuel (€)"
            ),
        ),
    ]
