"""The database refuses an application whose state disagrees with its submission date, wave or
cut-off (``Application.Meta.constraints``), and the service moving the state sets them together."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from essaim.applications.models import Application
from essaim.applications.services import application_transition
from essaim.applications.tests.factories import ApplicationFactory, complete, lead_of
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import CutOffFactory, WaveFactory

pytestmark = pytest.mark.django_db


def refused(constraint: str, **fields) -> None:
    """Creating the application with ``fields`` breaks ``constraint``, and the database says so."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ApplicationFactory(**fields)


def test_a_draft_has_no_submission_date():
    refused("application_draft_not_submitted", status=Status.DRAFT, submitted_at=timezone.now())


@pytest.mark.parametrize("status", sorted(set(Status.values) - {Status.DRAFT, Status.WITHDRAWN}))
def test_a_submitted_or_later_application_has_a_submission_date(status):
    wave = WaveFactory() if status in {Status.LABELLED, Status.NOT_LABELLED} else None
    refused("application_submitted_has_date", status=status, submitted_at=None, wave=wave)


def test_a_draft_is_in_no_wave_and_tied_to_no_cutoff():
    refused("application_draft_no_wave_no_cutoff", status=Status.DRAFT, wave=WaveFactory())
    refused("application_draft_no_wave_no_cutoff", status=Status.DRAFT, cutoff=CutOffFactory())


@pytest.mark.parametrize("status", [Status.LABELLED, Status.NOT_LABELLED])
def test_a_decided_application_is_in_a_wave(status):
    refused("application_decided_in_wave", status=status, wave=None)


def test_an_update_behind_the_services_back_is_refused_too():
    application = ApplicationFactory(status=Status.PROPOSED, wave=WaveFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(wave=None, status=Status.LABELLED)


def test_the_rows_the_workflow_makes_are_accepted():
    wave = WaveFactory()
    for status in Status.values:
        ApplicationFactory(status=status, wave=None if status == Status.DRAFT else wave)
    # Withdrawn as a draft (never submitted) or later.
    ApplicationFactory(status=Status.WITHDRAWN, submitted_at=None)
    assert Application.objects.count() == len(Status.values) + 1


def test_model_validation_explains_the_rule_in_words():
    application = ApplicationFactory.build(
        status=Status.LABELLED, wave=None, submitted_at=timezone.now()
    )
    with pytest.raises(ValidationError) as caught:
        application.validate_constraints()
    assert caught.value.messages == [
        "Une candidature labellisée ou non labellisée est dans une vague."
    ]


def test_submitting_sets_the_state_the_date_and_the_cutoff_together():
    application = complete(ApplicationFactory())
    cutoff = CutOffFactory(call=application.call)
    lead = lead_of(application).user
    assert application.submitted_at is None and application.cutoff is None
    before = timezone.now()
    application_transition(application=application, user=lead, name="submit")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_at >= before
    assert application.cutoff == cutoff


def test_the_migration_refuses_breaking_rows_and_names_them():
    """A database holding rows that break the rules (hand edits) is not migrated: the migration
    stops and names the applications and what to correct."""
    migration = importlib.import_module("essaim.applications.migrations.0003_state_invariants")
    draft = ApplicationFactory(status=Status.DRAFT)
    decided = ApplicationFactory(status=Status.PROPOSED, wave=WaveFactory())
    migration.refuse_breaking_rows(django_apps, None)  # nothing breaks the rules: no error
    with connection.cursor() as cursor:
        # Let breaking rows in, as in a database from before the constraints.
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on the table
            for constraint in Application._meta.constraints:
                cursor.execute(
                    f"ALTER TABLE {Application._meta.db_table} DROP CONSTRAINT {constraint.name}"
                )
        try:
            Application.objects.filter(pk=draft.pk).update(submitted_at=timezone.now())
            Application.objects.filter(pk=decided.pk).update(status=Status.LABELLED, wave=None)
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
            else:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with pytest.raises(RuntimeError) as caught:
        migration.refuse_breaking_rows(django_apps, None)
    message = str(caught.value)
    assert "application_draft_not_submitted (1): a draft has a submission date" in message
    assert draft.reference in message and decided.reference in message
    assert "application_decided_in_wave (1)" in message
    assert "application_submitted_has_date" not in message
