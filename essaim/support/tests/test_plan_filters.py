"""The plan page's late-actions filter (a link, a bounded parameter, a way back), the instrument a
financing action uses, partners ticked from a list (no ctrl-click) and the milestone form's row."""

import datetime

import pytest
from django.urls import reverse

from essaim.actors.tests.factories import OrganisationFactory
from essaim.financing.models import Instrument
from essaim.support.models import Action
from essaim.support.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 1, 10)
FUTURE = datetime.date(2099, 1, 10)


def _late_and_on_time(world):
    late = ActionFactory(
        plan=world.plan,
        title="Action en retard",
        starts_on=None,
        due_on=PAST,
        created_by=world.lead,
    )
    on_time = ActionFactory(
        plan=world.plan, title="Action à l'heure", due_on=FUTURE, created_by=world.lead
    )
    return late, on_time


def test_late_count_is_a_link_to_the_late_actions_only(client, world):
    _late_and_on_time(world)
    client.force_login(world.lead)
    url = reverse("support:plan", args=[world.plan.pk])
    html = client.get(url).content.decode()
    assert 'href="?retard=1#filtre-retard"' in html
    assert "Action en retard" in html and "Action à l&#x27;heure" in html
    assert 'id="filtre-retard"' not in html

    late_only = client.get(url, {"retard": "1"}).content.decode()
    assert "Action en retard" in late_only
    assert "Action à l&#x27;heure" not in late_only
    assert 'id="filtre-retard"' in late_only
    assert f'href="{url}" id="show-all-actions"' in late_only
    assert "Aucune action en retard sur cet axe." in late_only


@pytest.mark.parametrize("value", ["0", "oui", "1" * 500, "", "-1"])
def test_late_filter_reads_only_its_one_value(client, world, value):
    _late_and_on_time(world)
    client.force_login(world.lead)
    response = client.get(reverse("support:plan", args=[world.plan.pk]), {"retard": value})
    assert response.status_code == 200
    assert "Action à l&#x27;heure" in response.content.decode()


def test_late_filter_keeps_the_plans_readers(client, world):
    _late_and_on_time(world)
    client.force_login(world.other_lead)
    response = client.get(reverse("support:plan", args=[world.plan.pk]), {"retard": "1"})
    assert response.status_code == 404


def test_late_filter_query_budget(client, world, django_assert_max_num_queries):
    for i in range(60):
        ActionFactory(
            plan=world.plan,
            axis=world.axes[i % 6],
            due_on=PAST if i % 2 else FUTURE,
            starts_on=None,
            instrument=_instrument(f"Outil {i % 3}"),
            created_by=world.lead,
        )
    client.force_login(world.lead)
    url = reverse("support:plan", args=[world.plan.pk])
    with django_assert_max_num_queries(20):
        assert client.get(url, {"retard": "1"}).status_code == 200


def _instrument(name="Apport associatif (test)", published=True):
    provider = OrganisationFactory(name=f"Financeur {name}")
    instrument, _ = Instrument.objects.get_or_create(
        name=name, defaults={"provider": provider, "kinds": ["grant"], "is_published": published}
    )
    return instrument


def test_a_financing_action_links_to_the_instrument_it_uses(client, world):
    action = ActionFactory(plan=world.plan, axis=world.axes[1], created_by=world.lead)
    instrument = _instrument()
    client.force_login(world.lead)
    response = client.post(
        reverse("support:action_edit", args=[action.pk]),
        {"axis": world.axes[1].pk, "title": action.title, "instrument": instrument.pk},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.instrument == instrument
    link = f'href="{instrument.get_absolute_url()}"'
    assert link in client.get(reverse("support:action", args=[action.pk])).content.decode()
    assert link in client.get(reverse("support:plan", args=[world.plan.pk])).content.decode()


def test_an_unpublished_instrument_is_refused_with_a_field_error(client, world):
    action = ActionFactory(plan=world.plan, created_by=world.lead)
    hidden = _instrument("Outil caché", published=False)
    client.force_login(world.lead)
    response = client.post(
        reverse("support:action_edit", args=[action.pk]),
        {"axis": action.axis_id, "title": "Titre gardé", "instrument": hidden.pk},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["instrument"]
    assert "Titre gardé" in response.content.decode()
    action.refresh_from_db()
    assert action.instrument is None


def test_partners_are_ticked_from_a_searchable_list_and_work_without_script(client, world):
    collective = world.plan.label.application.collective
    organisations = list(
        collective.members.select_related("organisation").values_list("organisation", flat=True)
    )
    assert organisations, "the plan's collective has member organisations"
    client.force_login(world.lead)
    url = reverse("support:action_create", args=[world.plan.pk])
    html = client.get(url).content.decode()
    assert 'type="checkbox" name="partners"' in html
    assert (
        '<select name="partners"' not in html and "multiple" not in html.split("partners")[1][:80]
    )
    assert "data-partner-search-box hidden" in html
    assert "support/partner-search.js" in html
    response = client.post(
        url,
        {"axis": world.axes[0].pk, "title": "Avec partenaires", "partners": organisations[:1]},
    )
    assert response.status_code == 302
    assert (
        list(Action.objects.get(title="Avec partenaires").partners.values_list("pk", flat=True))
        == organisations[:1]
    )
    stranger = OrganisationFactory()
    response = client.post(
        url, {"axis": world.axes[0].pk, "title": "Intrus", "partners": [stranger.pk]}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["partners"]


def test_milestone_form_fields_share_one_aligned_row(client, world):
    client.force_login(world.lead)
    html = client.get(reverse("support:plan", args=[world.plan.pk])).content.decode()
    form = html.split('id="milestone-form"')[1].split("</fieldset>")[0]
    assert "fr-grid-row--bottom" in form
    assert form.index('name="title"') < form.index('name="due_on"') < form.index("Ajouter le jalon")
