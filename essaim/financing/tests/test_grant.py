"""Granting a financing request: the grant page's recap before the irreversible step, its
conditions and partial-amount reason, the disabled confirm button and its reason, the message
that says what happened; and the request form's pre-filled amount, within the instrument's
share and maximum."""

import pytest
from django.core import mail

from essaim.financing import services
from essaim.financing.models import FinancingRequest
from essaim.financing.tests.test_views import client_for, send

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def _in_review(world) -> FinancingRequest:
    request = send(world)
    services.financing_request_transition(user=world.financer, request=request, name="start_review")
    return request


def test_grant_page_recaps_then_grants_with_conditions_and_reason(
    world, django_capture_on_commit_callbacks
):
    request = _in_review(world)
    url = f"/financement/demandes/{request.pk}/accorder/"
    financer = client_for(world.financer)
    detail = _text(financer.get(f"/financement/demandes/{request.pk}/"))
    assert f'href="{url}"' in detail

    page = _text(financer.get(url))
    assert "FISO #2" in page and world.epicerie.name in page
    assert "40 000 €" in page
    assert "1 courriel au porteur" in page
    assert 'id="grant-review"' in page and "disabled" not in page.split('id="grant-review"')[1][:40]

    # partial without a reason: a field error, nothing typed lost, nothing written
    partial = {"amount": "20000", "conditions": "Bilan à 12 mois", "step": "review"}
    response = financer.post(url, partial)
    assert response.status_code == 422
    html = _text(response)
    assert 'href="#id_partial_reason"' in html
    assert "indiquez le motif du montant partiel" in html
    assert "Bilan à 12 mois" in html and 'value="20000"' in html
    request.refresh_from_db()
    assert request.status == "in_review"

    # with a reason: the recap, still nothing written
    response = financer.post(url, {**partial, "partial_reason": "Plafond annuel"})
    html = _text(response)
    assert response.status_code == 200
    assert 'id="recap-granted"' in html and "20 000 €" in html and "montant partiel" in html
    assert "Plafond annuel" in html and "L'accord est définitif" in html
    assert 'name="step" value="confirm"' in html
    request.refresh_from_db()
    assert request.status == "in_review"

    # "Modifier" goes back to the fields, values kept
    back = _text(
        financer.post(url, {**partial, "partial_reason": "Plafond annuel", "step": "edit"})
    )
    assert 'id="grant-review"' in back and "Plafond annuel" in back

    with django_capture_on_commit_callbacks(execute=True):
        response = financer.post(
            url, {**partial, "partial_reason": "Plafond annuel", "step": "confirm"}, follow=True
        )
    html = _text(response)
    assert "La demande a été accordée : 20 000 € ; le porteur en est informé par courriel." in html
    request.refresh_from_db()
    assert (request.status, request.granted_amount) == ("granted", 20_000)
    assert (request.grant_conditions, request.partial_reason) == (
        "Bilan à 12 mois",
        "Plafond annuel",
    )
    assert 'id="grant-conditions"' in html and 'id="partial-reason"' in html
    assert "conditions : Bilan à 12 mois ; motif du montant partiel : Plafond annuel" in html
    assert [m.to for m in mail.outbox] == [[world.holder.email]]
    assert "Bilan à 12 mois" in mail.outbox[0].body


def test_full_grant_needs_no_reason(world):
    request = _in_review(world)
    response = client_for(world.financer).post(
        f"/financement/demandes/{request.pk}/accorder/",
        {"amount": "40000", "partial_reason": "ignored", "step": "confirm"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.granted_amount, request.partial_reason) == (40_000, "")


def test_confirm_disabled_with_its_reason_when_not_grantable(world):
    request = send(world)  # received: not yet in review
    url = f"/financement/demandes/{request.pk}/accorder/"
    html = _text(client_for(world.financer).get(url))
    assert "mettez-la d&#x27;abord en instruction" in html
    assert 'disabled aria-describedby="grant-blocker"' in html
    response = client_for(world.financer).post(url, {"amount": "40000", "step": "confirm"})
    assert response.status_code == 422
    request.refresh_from_db()
    assert request.status == "received"


@pytest.mark.parametrize(
    ("who", "status"), [("holder", 403), ("other_financer", 404), ("staff", 403), (None, 302)]
)
def test_only_the_instruments_financer_reaches_the_grant_page(world, who, status):
    request = _in_review(world)
    client = client_for(getattr(world, who) if who else None)
    url = f"/financement/demandes/{request.pk}/accorder/"
    assert client.get(url).status_code == status
    assert client.post(url, {"amount": "40000", "step": "confirm"}).status_code == status
    request.refresh_from_db()
    assert request.status == "in_review"


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "9" * 40},
        {"amount": "50000"},
        {"amount": "-1"},
        {"amount": "abc"},
        {"amount": "40000", "conditions": "x" * 5001},
    ],
)
def test_grant_page_bounds_its_input(world, data):
    request = _in_review(world)
    response = client_for(world.financer).post(
        f"/financement/demandes/{request.pk}/accorder/", {**data, "step": "confirm"}
    )
    assert response.status_code == 422
    request.refresh_from_db()
    assert request.status == "in_review"


def test_grant_page_query_budget(world, django_assert_max_num_queries):
    request = _in_review(world)
    client = client_for(world.financer)
    url = f"/financement/demandes/{request.pk}/accorder/"
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        client.post(url, {"amount": "40000", "step": "review"})


def test_request_form_prefills_within_the_instruments_share_and_says_why(world):
    fiso = world.instruments["FISO #2"]
    fiso.share_of_costs_max = "0.5"
    fiso.save()
    url = f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/"
    html = _text(client_for(world.holder).get(url))
    assert 'value="20000"' in html
    assert (
        "Prérempli à 20 000 € : 50 % du besoin de 40 000 € (l'outil finance au plus 50 % des "
        "coûts). Vous pouvez le modifier."
    ) in html.replace("&#x27;", "'")
    fiso.share_of_costs_max = None
    fiso.save()
    html = _text(client_for(world.holder).get(url))
    assert 'value="40000"' in html and "Prérempli avec le besoin de 40 000 €." in html


def test_request_form_prefill_is_capped_by_the_instruments_maximum(world):
    fiso = world.instruments["FISO #2"]
    fiso.bands.all().delete()
    fiso.bands.create(stage="", min_amount=1_000, max_amount=15_000)
    html = _text(
        client_for(world.holder).get(
            f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/"
        )
    )
    assert 'value="15000"' in html
    assert "plafonné au montant maximal de l'outil pour ce stade (15 000 €)" in html.replace(
        "&#x27;", "'"
    )
