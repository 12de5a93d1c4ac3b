"""Every amount becomes a MoneyField (whole euros, 0 to MONEY_MAX), its range checked by the
database. On SQLite, values the new checks would refuse are clamped first and cents rounded to the
euro (essaim.core.money.clean_money_columns). The ordering check (spent ≤ committed ≤ planned) is
set aside while the three columns change type one after the other: on PostgreSQL each change
rounds its column, and 1000.50 ≥ 1000.49 holds before and after, not in between."""

from django.conf import settings
from django.db import migrations, models

import essaim.core.money
from essaim.core.money import clean_money_columns


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0003_person_is_fictitious"),
        ("applications", "0002_applicationperson_invitation_token_and_more"),
        ("support", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        clean_money_columns("support_action", "budget_planned", "budget_committed", "budget_spent"),
        migrations.RemoveConstraint(model_name="action", name="support_action_budgets_ordered"),
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
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("budget_planned__isnull", True),
                    models.Q(("budget_planned__gte", 0), ("budget_planned__lte", 100000000000)),
                    _connector="OR",
                ),
                name="support_action_budget_planned_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("budget_committed__isnull", True),
                    models.Q(("budget_committed__gte", 0), ("budget_committed__lte", 100000000000)),
                    _connector="OR",
                ),
                name="support_action_budget_committed_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("budget_spent__isnull", True),
                    models.Q(("budget_spent__gte", 0), ("budget_spent__lte", 100000000000)),
                    _connector="OR",
                ),
                name="support_action_budget_spent_money",
            ),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("budget_spent__gte", 0),
                    ("budget_committed__gte", models.F("budget_spent")),
                    ("budget_planned__gte", models.F("budget_committed")),
                ),
                name="support_action_budgets_ordered",
            ),
        ),
    ]
