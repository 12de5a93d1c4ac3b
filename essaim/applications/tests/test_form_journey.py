"""Forms that guide, on the applicant's pages: the error summary (one for the page's forms,
links to the fields), a refused SIRET kept in its form, challenges described once (their page),
the territory picked with the draft carried into the form."""

import pytest
from django.contrib.messages import get_messages

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Application, Challenge
from essaim.applications.tests.factories import ApplicationFactory, complete, lead_of
from essaim.calls.tests.factories import FormVersionFactory
from essaim.demo.calls import FORM_V1
from essaim.geo.models import Departement
from essaim.geo.tests.factories import load_tiny_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_and_application():
    application = ApplicationFactory(answers={"pitch": "Avant"})
    return lead_of(application).user, application


def test_edit_page_error_summary_links_to_each_field(client, lead_and_application):
    user, application = lead_and_application
    client.force_login(user)
    url = f"/candidatures/{application.pk}/modifier/"
    response = client.post(
        url, {"title": application.title, "email": "pas-une-adresse", "action": "save"}
    )
    html = response.text
    assert html.count("data-error-summary") == 1
    summary = html[html.index("essaim-error-summary") : html.index('id="section-')]
    assert "Le formulaire contient une erreur" in summary
    assert 'href="#id_email"' in summary and "Courriel" in summary
    assert 'id="id_email"' in html and 'value="pas-une-adresse"' in html  # kept
    assert 'tabindex="-1"' in summary
    assert "core/error-summary.js" in html  # focuses it on load


def test_refused_submission_lists_what_is_missing_in_the_summary(client, lead_and_application):
    user, application = lead_and_application
    client.force_login(user)
    response = client.post(
        f"/candidatures/{application.pk}/modifier/",
        {"title": application.title, "pitch": "Salut", "action": "submit"},
    )
    html = response.text
    summary = html[html.index("essaim-error-summary") : html.index('id="section-')]
    assert "Dépôt refusé" in summary
    assert "Décrivez au moins un défi." in summary
    assert not list(get_messages(response.wsgi_request))  # not as page banners


def test_invalid_siret_keeps_what_was_typed_under_the_field(client, lead_and_application):
    user, application = lead_and_application
    client.force_login(user)
    response = client.post(
        f"/candidatures/{application.pk}/collectif/ajouter/",
        {"siret": "123 456 789 00000", "name": "Coop des Pentes", "role": "member"},
    )
    assert response.status_code == 422
    html = response.text
    assert 'value="123 456 789 00000"' in html and 'value="Coop des Pentes"' in html
    assert 'id="id_siret-desc-error"' in html  # under the field
    assert 'href="#id_siret"' in html  # and in the summary
    assert not list(get_messages(response.wsgi_request))
    assert not application.collective.members.exists()


def test_invalid_siret_in_the_form_stays_under_its_field(client, lead_and_application):
    user, application = lead_and_application
    client.force_login(user)
    response = client.post(
        f"/candidatures/{application.pk}/modifier/",
        {"title": application.title, "coordinator": "123 456 789 00000", "action": "save"},
    )
    html = response.text
    assert 'value="123 456 789 00000"' in html
    assert 'id="id_coordinator-desc-error"' in html and 'href="#id_coordinator"' in html
    assert not list(get_messages(response.wsgi_request))


def test_invalid_invitation_keeps_the_address(client, lead_and_application):
    user, application = lead_and_application
    client.force_login(user)
    response = client.post(
        f"/candidatures/{application.pk}/personnes/inviter/", {"email": "pas@adresse"}
    )
    assert response.status_code == 422
    assert 'value="pas@adresse"' in response.text and 'href="#id_email"' in response.text


def test_demo_form_asks_challenges_once_and_names_real_pages():
    keys = [f["key"] for s in FORM_V1["sections"] for f in s["fields"]]
    assert "defis" not in keys
    texts = " ".join(s.get("help", "") for s in FORM_V1["sections"])
    assert "onglet" not in texts
    assert "« Défis et axes de travail »" in texts and "« Le collectif porteur »" in texts


def test_challenges_given_once_make_the_panel_green(client, lead_and_application):
    user, application = lead_and_application
    complete(application)
    Challenge.objects.filter(application=application).delete()
    client.force_login(user)
    url = f"/candidatures/{application.pk}/modifier/"
    html = client.get(url).text
    assert "Décrivez au moins un défi." in html
    assert f'href="/candidatures/{application.pk}/defis/"' in html
    client.post(
        f"/candidatures/{application.pk}/defis/",
        {"title": "Mobilité solidaire", "lines": "Covoiturage rural"},
    )
    html = client.get(url).text
    assert "La candidature est complète" in html
    assert "Mobilité solidaire" in html  # the form shows the challenges given on their page


def test_create_groups_the_territory_alternatives_and_carries_the_unit(client):
    load_tiny_geography()
    departement = Departement.objects.order_by("code").first()
    version = FormVersionFactory()
    client.force_login(UserFactory())
    url = f"/candidatures/nouvelle/?appel={version.call.slug}"
    html = client.get(url).text
    fieldset = html[html.index('id="territory-fieldset"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert 'name="perimeter"' in fieldset and 'id="unit-search"' in fieldset
    response = client.post(url, {"title": ""})
    assert 'href="#id_title"' in response.text and 'href="#id_perimeter"' in response.text
    response = client.post(
        url,
        {"title": "Ma candidature", "unit_kind": "departement", "unit_code": departement.code},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.answers["unit"]["code"] == departement.code
    assert application.answers["unit"]["kind"] == "departement"
    html = client.get(f"/candidatures/{application.pk}/modifier/").text
    assert f'value="{departement.code}"' in html


def test_form_pages_query_budget(client, lead_and_application, django_assert_max_num_queries):
    user, application = lead_and_application
    complete(application)
    for n in range(5):
        Challenge.objects.create(application=application, title=f"Défi {n}", lines=["a", "b"])
    client.force_login(user)
    with django_assert_max_num_queries(25):
        response = client.get(f"/candidatures/{application.pk}/modifier/")
    assert response.status_code == 200 and "Défi 4" in response.text
    with django_assert_max_num_queries(25):
        response = client.post(
            f"/candidatures/{application.pk}/collectif/ajouter/",
            {"siret": "123", "name": "", "role": "member"},
        )
    assert response.status_code == 422
