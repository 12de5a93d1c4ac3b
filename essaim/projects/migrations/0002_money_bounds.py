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
        ("applications", "0002_applicationperson_invitation_token_and_more"),
        ("geo", "0002_search_population_referenceload"),
        ("projects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
        migrations.AddConstraint(
            model_name="need",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("amount__isnull", True),
                    models.Q(("amount__gte", 0), ("amount__lte", 100000000000)),
                    _connector="OR",
                ),
                name="need_amount_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("yearly_budget__isnull", True),
                    models.Q(("yearly_budget__gte", 0), ("yearly_budget__lte", 100000000000)),
                    _connector="OR",
                ),
                name="project_yearly_budget_money",
            ),
        ),
    ]
