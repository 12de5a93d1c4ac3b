"""One word per state: what the applicants read of their application's state is the same word
in "Mes candidatures", on the application's page and in the API — ``ApplicantStatus``, whose
words are the workflow's own (``Status``) for the states they share."""

import html
import re

import pytest
from django.utils import timezone

from essaim.applications import queries
from essaim.applications.models import Application
from essaim.applications.tests.factories import ApplicationFactory, lead_of
from essaim.applications.workflow import ApplicantStatus, Status

pytestmark = pytest.mark.django_db

SEEN = [
    (Status.DRAFT, ApplicantStatus.DRAFT),
    (Status.SUBMITTED, ApplicantStatus.SUBMITTED),
    (Status.IN_REVIEW, ApplicantStatus.IN_REVIEW),
    (Status.CHANGES_REQUESTED, ApplicantStatus.CHANGES_REQUESTED),
    (Status.PROPOSED, ApplicantStatus.IN_COMMITTEE),
    (Status.WITHDRAWN, ApplicantStatus.WITHDRAWN),
]


def test_the_states_the_applicants_share_with_the_workflow_have_its_words():
    for status in Status:
        if status.value in ApplicantStatus.values:
            assert ApplicantStatus(status.value).label == status.label


@pytest.mark.parametrize(("status", "seen"), SEEN)
def test_the_applicant_reads_the_same_word_in_the_list_the_page_and_the_api(client, status, seen):
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).update(
        status=status, submitted_at=None if status == Status.DRAFT else timezone.now()
    )
    client.force_login(lead_of(application).user)
    word = str(seen.label)

    # The list's three tabs (the application is in one of them).
    mine = "".join(
        client.get("/candidatures/", {"onglet": tab}).text
        for tab in ("a-traiter", "suivis", "traites")
    )
    rows = [row for row in re.findall(r"<tr.*?</tr>", mine, re.S) if application.reference in row]
    assert len(rows) == 1
    texts = {html.unescape(t).strip() for t in re.findall(r">([^<]+)<", rows[0])}
    assert word in texts

    detail = client.get(f"/candidatures/{application.pk}/").text
    badge = re.search(r'id="application-status">(.*?)<', detail, re.S)
    assert html.unescape(badge.group(1)).strip() == word

    payload = client.get(f"/api/v1/applications/{application.pk}").json()
    assert (payload["status"], payload["status_label"]) == (seen.value, word)
    assert queries.status_label(seen) == word
