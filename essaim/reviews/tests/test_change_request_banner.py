"""Dead end: a request for changes was hard to find. It is a message of the application's thread,
and a banner at the top of the application and of its form repeats it until the collective
answers in the thread or resubmits."""

import pytest
from django.urls import reverse

from essaim.reviews.tests.factories import ApplicationFactory, GridFactory, applicant, staff

pytestmark = pytest.mark.django_db

REQUEST = "Précisez la gouvernance du collectif."


def _request_changes(client, instructor, application):
    client.force_login(instructor)
    url = reverse("reviews:instruction_transition", args=[application.pk, "request_changes"])
    response = client.post(url, {"request_changes-comment": REQUEST})
    assert response.status_code == 302


def test_the_request_is_a_message_and_a_banner_until_answered(client):
    call = GridFactory().call
    application = ApplicationFactory(in_review=True, call=call)
    instructor, lead = staff(call.programme), applicant(application)
    _request_changes(client, instructor, application)

    client.force_login(lead)
    detail = reverse("applications:detail", args=[application.pk])
    edit = reverse("applications:edit", args=[application.pk])
    content = client.get(detail).content.decode()
    assert "Aucun message." not in content
    # The banner, at the top, then the thread (and the history) below.
    banner = content.index('id="change-request"')
    assert banner < content.index(REQUEST) < content.index('id="messages"')
    assert REQUEST in content[content.index('id="messages"') :]
    form_page = client.get(edit).content.decode()
    assert 'id="change-request"' in form_page and REQUEST in form_page

    # The collective answers in the thread: the banner goes, the thread keeps both.
    response = client.post(
        reverse("applications:message_create", args=[application.pk]),
        {"body": "Voici la gouvernance : un comité de pilotage mensuel."},
    )
    assert response.status_code == 302
    content = client.get(detail).content.decode()
    assert 'id="change-request"' not in content
    assert REQUEST in content and "comité de pilotage mensuel" in content
    assert 'id="change-request"' not in client.get(edit).content.decode()

    # A second request shows again, until the collective resubmits.
    application.status = "in_review"
    application.save(update_fields=["status"])
    _request_changes(client, instructor, application)
    client.force_login(lead)
    assert 'id="change-request"' in client.get(detail).content.decode()
    application.status = "in_review"  # as "resubmit" leaves it
    application.save(update_fields=["status"])
    assert 'id="change-request"' not in client.get(detail).content.decode()
