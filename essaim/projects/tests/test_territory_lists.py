"""The project form's collective and challenge lists depend on its territory: each option names
its territory (data-territory, read by projects/territory-lists.js) and the service refuses a
challenge of another territory, naming the field, whatever the page sent."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from essaim.applications.models import Application, Challenge
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import WaveFactory
from essaim.projects import services
from essaim.projects.tests.test_projects import client_for

pytestmark = pytest.mark.django_db


def _challenges(world):
    """A challenge of each territory, both labelled (a project links to a labelled territory's
    challenges; a draft's are its collective's own)."""
    applications = Application.objects.filter(
        collective__in=[world.collective, world.other_collective]
    )
    wave = WaveFactory(programme=applications[0].call.programme)
    applications.update(status=Status.LABELLED, submitted_at=timezone.now(), wave=wave)
    mine = Application.objects.get(collective=world.collective)
    theirs = Application.objects.get(collective=world.other_collective)
    return (
        Challenge.objects.create(application=mine, title="Alimentation (fictif)"),
        Challenge.objects.create(application=theirs, title="Mobilité lyonnaise (fictif)"),
    )


def _form(world, **changes):
    return {
        "title": "Supermarché coopératif",
        "summary": "Résumé",
        "stage": "seed",
        "domains": ["food"],
        "perimeter": world.collective.perimeter_id,
        "collective": world.collective.pk,
        **changes,
    }


def test_options_carry_their_territory_and_the_script_narrows_them(world):
    mine, theirs = _challenges(world)
    html = client_for(world.holder).get(f"/projets/{world.supermarket.pk}/modifier/")
    html = html.content.decode()
    perimeter, other = world.collective.perimeter_id, world.other_collective.perimeter_id

    def option(pk, territory) -> bool:  # the project's current choice also says "selected"
        return re.search(rf'value="{pk}"(?: selected)? data-territory="{territory}"', html)

    assert option(world.collective.pk, perimeter)
    assert option(mine.pk, perimeter)
    assert option(theirs.pk, other)
    assert 'data-territory-list="id_perimeter"' in html
    assert "projects/territory-lists.js" in html
    assert "les défis de la candidature du territoire choisi" in html


def test_a_challenge_of_another_territory_is_refused_with_a_field_error(world):
    mine, theirs = _challenges(world)
    client = client_for(world.holder)
    url = f"/projets/{world.supermarket.pk}/modifier/"
    response = client.post(url, _form(world, challenge=theirs.pk, title="Titre gardé"))
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["form"].errors
    assert errors["challenge"] == [
        "Ce défi appartient à la candidature d'un autre territoire : choisissez un défi de "
        "« Région Nouvelle-Aquitaine »."
    ]
    assert "Titre gardé" in response.content.decode()
    world.supermarket.refresh_from_db()
    assert world.supermarket.challenge is None

    assert client.post(url, _form(world, challenge=mine.pk)).status_code == 302
    world.supermarket.refresh_from_db()
    assert world.supermarket.challenge == mine


def test_a_drafts_challenge_is_neither_listed_nor_linkable_for_a_holder(world):
    """A holder outside the collective never sees a draft application's challenges — not in
    the form's list, not by naming its id (the API answered its title)."""
    draft = Application.objects.get(collective=world.collective)
    secret = Challenge.objects.create(application=draft, title="Défi confidentiel (fictif)")
    client = client_for(world.holder)
    url = f"/projets/{world.supermarket.pk}/modifier/"
    assert "Défi confidentiel" not in client.get(url).content.decode()
    response = client.post(url, _form(world, challenge=secret.pk))
    assert response.status_code == 200 and "challenge" in response.context["form"].errors
    api = client.patch(
        f"/api/v1/projects/{world.supermarket.pk}",
        {"challenge_id": secret.pk},
        content_type="application/json",
    )
    assert api.status_code == 422 and "confidentiel" not in api.content.decode()
    world.supermarket.refresh_from_db()
    assert world.supermarket.challenge is None
    # Its collective's lead may link it.
    lead = client_for(world.lead)
    assert lead.post(url, _form(world, challenge=secret.pk)).status_code == 302


def test_a_challenge_without_territory_is_refused(world):
    mine, _theirs = _challenges(world)
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            user=world.holder,
            holder=world.epicerie,
            data={
                "title": "Sans territoire",
                "summary": "Résumé",
                "stage": "seed",
                "challenge": mine,
            },
        )
    assert list(caught.value.message_dict) == ["challenge"]


def test_project_form_query_budget(world, django_assert_max_num_queries):
    for n in range(30):
        _challenges(world)
        Challenge.objects.create(
            application=Application.objects.get(collective=world.collective), title=f"Défi {n}"
        )
    client = client_for(world.holder)
    with django_assert_max_num_queries(14):
        assert client.get(f"/projets/{world.supermarket.pk}/modifier/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/projets/nouveau/").status_code == 200
