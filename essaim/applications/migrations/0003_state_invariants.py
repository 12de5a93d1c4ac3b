"""The database ties an application's state to its submission date, wave and cut-off.

Every code path has always set these fields together with the state (``submit`` sets
``submitted_at`` and the cut-off, a decision is taken only inside the application's wave, only a
proposed application joins a wave), so rows breaking these rules can only come from hand edits.
The migration does not guess a date or a wave for them: it refuses to run and names them, to be
corrected by hand (e.g. from the application's history) before migrating again.
"""

from django.db import migrations, models

# (constraint, what a breaking row looks like, what to do with it)
RULES = [
    (
        "application_draft_not_submitted",
        models.Q(status="draft", submitted_at__isnull=False),
        "a draft has a submission date: clear submitted_at, or set the state it reached",
    ),
    (
        "application_submitted_has_date",
        ~models.Q(status__in=["draft", "withdrawn"]) & models.Q(submitted_at__isnull=True),
        "a submitted (or later) application has no submission date: set submitted_at "
        "(the date of its 'submit' history row)",
    ),
    (
        "application_draft_no_wave_no_cutoff",
        models.Q(status="draft") & (models.Q(wave__isnull=False) | models.Q(cutoff__isnull=False)),
        "a draft is in a wave or tied to a cut-off: clear wave and cutoff",
    ),
    (
        "application_decided_in_wave",
        models.Q(status__in=["labelled", "not_labelled"], wave__isnull=True),
        "a decided application is in no wave: set wave (the wave of its decision)",
    ),
]


def refuse_breaking_rows(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    problems = []
    for name, breaking, advice in RULES:
        references = list(
            Application.objects.filter(breaking).order_by("pk").values_list("reference", flat=True)
        )
        if references:
            shown = ", ".join(references[:20]) + (" …" if len(references) > 20 else "")
            problems.append(f"- {name} ({len(references)}): {advice}. Applications: {shown}")
    if problems:
        raise RuntimeError(
            "Cannot add the application state constraints: some applications break them. "
            "Correct them by hand, then migrate again.\n" + "\n".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_applicationperson_invitation_token_and_more"),
        ("calls", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_breaking_rows, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="draft") | models.Q(submitted_at__isnull=True),
                name="application_draft_not_submitted",
                violation_error_message="Un brouillon n'a pas de date de dépôt.",
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(status__in=["draft", "withdrawn"])
                | models.Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
                violation_error_message="Une candidature déposée a une date de dépôt.",
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="draft")
                | models.Q(wave__isnull=True, cutoff__isnull=True),
                name="application_draft_no_wave_no_cutoff",
                violation_error_message=(
                    "Un brouillon n'est ni dans une vague ni rattaché à une date limite."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=~models.Q(status__in=["labelled", "not_labelled"])
                | models.Q(wave__isnull=False),
                name="application_decided_in_wave",
                violation_error_message=(
                    "Une candidature labellisée ou non labellisée est dans une vague."
                ),
            ),
        ),
    ]
