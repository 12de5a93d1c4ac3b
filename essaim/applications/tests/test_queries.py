"""The applicants' view of the states: one table (``workflow.APPLICANT_VIEW``), answered the same
in Python (pages, API detail, receipt) and in SQL (lists and their filters)."""

import itertools

import pytest

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications import queries, workflow
from essaim.applications.models import Application
from essaim.applications.tests.factories import ApplicationFactory, lead_of, staff
from essaim.applications.workflow import Status
from essaim.calls.models import WaveStatus
from essaim.calls.tests.factories import WaveFactory

pytestmark = pytest.mark.django_db


def test_listed_status_matches_the_applicant_view_table():
    first = ApplicationFactory()
    programme = first.call.programme
    waves = {
        None: None,
        **{s: WaveFactory(programme=programme, status=s) for s in WaveStatus.values},
    }
    lead, instructor = UserFactory(), staff(programme, Role.INSTRUCTOR)
    expected = {}
    for status, wave_status in itertools.product(Status.values, waves):
        if (status == Status.DRAFT and wave_status is not None) or (
            status in {Status.LABELLED, Status.NOT_LABELLED} and wave_status is None
        ):
            continue  # the database refuses these (``Application.Meta.constraints``)
        application = ApplicationFactory(
            form_version=first.form_version, status=status, wave=waves[wave_status]
        )
        lead_of(application, user=lead)
        expected[application.pk] = workflow.applicant_status(status, wave_status)
    applications = Application.objects.filter(pk__in=expected).select_related("wave", "call")
    assert {a.pk: a.shown_status for a in queries.with_shown_status(applications, lead)} == expected
    assert {a.pk: queries.shown_status(lead, a) for a in applications} == expected
    assert {a.pk: a.shown_status for a in queries.with_shown_status(applications, instructor)} == {
        a.pk: a.status for a in applications
    }
    # "en comité" for everything between the instructor's proposal and the publication.
    assert workflow.applicant_status(Status.LABELLED, WaveStatus.DECIDED) == "in_committee"
    assert workflow.applicant_status(Status.NOT_LABELLED, WaveStatus.PLANNED) == "in_committee"
    assert workflow.applicant_status(Status.PROPOSED, None) == "in_committee"
    assert workflow.applicant_status(Status.LABELLED, WaveStatus.PUBLISHED) == "labelled"
