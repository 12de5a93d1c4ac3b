"""Dead end: the lead of a newly labelled territory got a 404 on their own support plan, because
the collective created through the application gave its applicant no role."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Role
from essaim.accounts.permissions import lead_collectives
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.services.applying import application_create
from essaim.applications.workflow import Status
from essaim.labels.models import Label, Outcome
from essaim.labels.services import DecisionInput, wave_decide, wave_publish
from essaim.labels.tests.factories import FormVersionFactory, PerimeterFactory, WaveFactory
from essaim.support.models import SupportPlan
from essaim.support.tests.factories import member
from essaim.testing import close_response

pytestmark = pytest.mark.django_db


def test_the_applicant_leads_the_new_collective_and_reaches_label_certificate_and_plan():
    form = FormVersionFactory(published_at=timezone.now())
    programme = form.call.programme
    admin = member(Role.PROGRAMME_ADMIN, programme=programme)
    applicant = UserFactory()
    application = application_create(
        user=applicant, call=form.call, perimeter=PerimeterFactory(), title="Niort, terre d'ESS"
    )
    assert application.collective_id in lead_collectives(applicant)

    # The instruction is elsewhere: the application reaches the committee and is labelled.
    wave = WaveFactory(programme=programme, announced_on=timezone.localdate())
    type(application).objects.filter(pk=application.pk).update(
        wave=wave, status=Status.PROPOSED, submitted_at=timezone.now()
    )
    wave_decide(
        wave=wave,
        decisions=[
            DecisionInput(
                application_id=application.pk, outcome=Outcome.LABELLED, motivation="Solide."
            )
        ],
        user=admin,
    )
    wave_publish(wave=wave, user=admin)
    label = Label.objects.get(application=application)
    plan = SupportPlan.objects.get(label=label)

    client = Client()
    client.force_login(applicant)
    assert client.get(reverse("support:mine"), follow=True).status_code == 200
    assert client.get(reverse("support:plan", args=[plan.pk])).status_code == 200
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for url in (
        label.get_absolute_url(),
        label.get_certificate_url(),
        reverse("support:plan", args=[plan.pk]),
    ):
        assert f'href="{url}"' in html, url
    # The links lead somewhere.
    certificate = client.get(label.get_certificate_url())
    assert certificate.status_code == 200
    close_response(certificate)
    assert client.get(label.get_absolute_url()).status_code == 200

    # Another signed-in person sees neither the plan nor its link.
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(reverse("support:plan", args=[plan.pk])).status_code in (403, 404)
