import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from essaim.core.history import history_rows
from essaim.core.models import HistoryEvent
from essaim.financing import services
from essaim.financing.alerts import send_digests
from essaim.financing.models import AlertSubscription, FinancingRequest, Instrument
from essaim.financing.workflow import RequestStatus


def send(world, instrument="FISO #2", amount=40_000, user=None):
    return services.financing_request_send(
        user=user or world.holder,
        project=world.supermarket,
        instrument=world.instruments[instrument],
        amount=amount,
        purpose="Aménagement du local",
        need=world.need,
    )


# --- Instruments --------------------------------------------------------------------------------


def test_band_with_min_over_max_is_refused_naming_the_field_and_the_limit(world):
    fiso = world.instruments["FISO #2"]
    with pytest.raises(ValidationError) as caught:
        services.instrument_update(
            user=world.financer,
            instrument=fiso,
            data={},
            bands=[{"stage": "seed", "min_amount": 50_000, "max_amount": 30_000}],
        )
    assert caught.value.message_dict == {
        "bands[0].min_amount": [
            "Le montant minimal (50 000 €) dépasse le montant maximal (30 000 €) de la tranche "
            "« amorçage »."
        ]
    }
    assert list(fiso.bands.values_list("min_amount", "max_amount")) == [(30_000, None)]


def test_financer_updates_own_instrument_with_history(world):
    fiso = world.instruments["FISO #2"]
    services.instrument_update(
        user=world.financer,
        instrument=fiso,
        data={"conditions": "Nouvelles conditions."},
        bands=[{"stage": "seed", "min_amount": 30_000, "max_amount": 200_000}],
    )
    fiso.refresh_from_db()
    assert fiso.conditions == "Nouvelles conditions."
    event = HistoryEvent.objects.for_object(fiso).get()
    assert event.actor == world.financer
    assert set(event.payload["changes"]) == {"conditions", "bands"}


@pytest.mark.parametrize("who", ["other_financer", "holder", "lead", "nobody"])
def test_only_the_provider_financers_update_an_instrument(world, who):
    fiso = world.instruments["FISO #2"]
    with pytest.raises(PermissionDenied):
        services.instrument_update(
            user=getattr(world, who), instrument=fiso, data={"conditions": "Piraté"}
        )
    fiso.refresh_from_db()
    assert fiso.conditions != "Piraté"
    assert not HistoryEvent.objects.for_object(fiso).exists()


def test_instrument_validation_names_fields(world):
    with pytest.raises(ValidationError) as caught:
        services.instrument_update(
            user=world.financer,
            instrument=world.instruments["PESS"],
            data={"min_age_years": 6, "max_age_years": 3},
        )
    assert "min_age_years" in caught.value.message_dict


# --- Requests -----------------------------------------------------------------------------------


def test_request_keeps_the_terms_it_was_sent_under(world):
    request = send(world)
    assert request.status == RequestStatus.RECEIVED
    assert request.terms["bands"] == [{"stage": "seed", "min_amount": 30_000, "max_amount": None}]
    services.instrument_update(
        user=world.financer,
        instrument=world.instruments["FISO #2"],
        data={"conditions": "Changées", "share_of_costs_max": "0.3"},
        bands=[{"stage": "seed", "min_amount": 60_000, "max_amount": 90_000}],
    )
    request.refresh_from_db()
    assert request.terms["bands"] == [{"stage": "seed", "min_amount": 30_000, "max_amount": None}]
    assert request.terms["share_of_costs_max"] == 0.5
    assert "Changées" not in request.terms["conditions"]


def test_request_above_the_maximum_is_refused_naming_amount_and_limit(world):
    with pytest.raises(ValidationError) as caught:
        send(world, instrument="Apport associatif France Active", amount=40_000)
    assert caught.value.message_dict == {
        "amount": [
            "Le montant demandé de 40 000 € dépasse le maximum de 30 000 € de l'outil "
            "« Apport associatif France Active »."
        ]
    }
    assert not FinancingRequest.objects.exists()


def test_no_financing_request_to_an_orientation_only_instrument(world):
    with pytest.raises(ValidationError) as caught:
        send(world, instrument="HubESS", amount=10_000)
    assert caught.value.message_dict == {
        "instrument": [
            "« HubESS » oriente sans financer : prenez contact avec lui, sans demande "
            "de financement."
        ]
    }
    assert not FinancingRequest.objects.exists()


def test_request_to_a_closed_instrument_is_refused(world):
    import datetime

    fiso = world.instruments["FISO #2"]
    fiso.closes_on = datetime.date(2020, 12, 31)
    fiso.save()
    with pytest.raises(ValidationError) as caught:
        send(world)
    assert caught.value.message_dict == {"instrument": ["Cet outil est clos le 2020-12-31."]}


@pytest.mark.parametrize("who", ["other_holder", "financer", "nobody", "other_lead"])
def test_only_the_project_people_send_requests(world, who):
    with pytest.raises(PermissionDenied):
        send(world, user=getattr(world, who))
    assert not FinancingRequest.objects.exists()


def test_territory_lead_may_send(world):
    assert send(world, user=world.lead).sent_by == world.lead


def test_pipeline_received_review_grant_disburse(world):
    request = send(world)
    assert [t.name for t in services.request_allowed_transitions(request, world.holder)] == [
        "withdraw"
    ]
    assert [t.name for t in services.request_allowed_transitions(request, world.financer)] == [
        "start_review",
        "decline",
    ]
    services.financing_request_transition(user=world.financer, request=request, name="start_review")
    with pytest.raises(ValidationError) as caught:
        services.financing_request_transition(user=world.financer, request=request, name="grant")
    assert "amount" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.financing_request_transition(
            user=world.financer, request=request, name="grant", amount=50_000
        )
    assert caught.value.message_dict["amount"] == [
        "Le montant accordé (50 000 €) dépasse le montant demandé (40 000 €)."
    ]
    with pytest.raises(ValidationError) as caught:
        services.financing_request_transition(
            user=world.financer, request=request, name="grant", amount=35_000
        )
    assert caught.value.message_dict["partial_reason"] == [
        "Le montant accordé (35 000 €) est inférieur au montant demandé (40 000 €) : "
        "indiquez le motif du montant partiel."
    ]
    services.financing_request_transition(
        user=world.financer,
        request=request,
        name="grant",
        amount=35_000,
        conditions="  Justificatifs de dépenses sous 6 mois  ",
        partial_reason="Plafond annuel atteint",
    )
    request.refresh_from_db()
    assert (request.grant_conditions, request.partial_reason) == (
        "Justificatifs de dépenses sous 6 mois",
        "Plafond annuel atteint",
    )
    services.financing_request_transition(user=world.financer, request=request, name="disburse")
    request.refresh_from_db()
    assert request.status == RequestStatus.DISBURSED
    assert request.granted_amount == 35_000
    assert request.disbursed_at is not None
    events = HistoryEvent.objects.for_object(request)
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", "received"),
        ("received", "in_review"),
        ("in_review", "granted"),
        ("granted", "disbursed"),
    ]
    # the holder was told at each step (in-app notifications); the grant's words are in history
    assert world.holder.notifications.count() == 3
    grant_row = [row for row in history_rows(request) if row.to_label == "accordée"][0]
    assert grant_row.detail == (
        "35 000 € ; conditions : Justificatifs de dépenses sous 6 mois ; "
        "motif du montant partiel : Plafond annuel atteint"
    )


def test_decline_needs_a_reason_and_final_states_stay_final(world):
    request = send(world)
    with pytest.raises(ValidationError) as caught:
        services.financing_request_transition(user=world.financer, request=request, name="decline")
    assert caught.value.message_dict == {"comment": ["Indiquez le motif."]}
    services.financing_request_transition(
        user=world.financer, request=request, name="decline", comment="Hors cible"
    )
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Hors cible")
    with pytest.raises(ValidationError) as caught:
        services.financing_request_transition(
            user=world.financer, request=request, name="start_review"
        )
    assert "refusée" in caught.value.message_dict["status"][0]


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("holder", "start_review"),
        ("other_financer", "start_review"),
        ("lead", "decline"),
        ("financer", "withdraw"),
        ("nobody", "withdraw"),
    ],
)
def test_transition_permissions(world, who, name):
    request = send(world)
    with pytest.raises(PermissionDenied):
        services.financing_request_transition(
            user=getattr(world, who), request=request, name=name, comment="x"
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    assert HistoryEvent.objects.for_object(request).count() == 1


def test_holder_withdraws(world):
    request = send(world)
    services.financing_request_transition(user=world.holder, request=request, name="withdraw")
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_totals_per_territory_instrument_and_stage(world):
    first = send(world)
    send(world, instrument="Apport associatif France Active", amount=20_000)
    services.financing_request_transition(user=world.financer, request=first, name="start_review")
    services.financing_request_transition(
        user=world.financer, request=first, name="grant", amount=30_000, partial_reason="Plafond"
    )
    totals = services.request_totals(FinancingRequest.objects.all())
    assert totals["territory"] == [
        {
            "id": world.collective.perimeter_id,
            "name": "Région Nouvelle-Aquitaine",
            "count": 2,
            "requested": 60_000,
            "granted_count": 1,
            "granted": 30_000,
            "disbursed": 0,
            "open_count": 1,
        }
    ]
    by_instrument = {row["name"]: row for row in totals["instrument"]}
    assert by_instrument["FISO #2 — Fonds d'innovation sociale"]["granted"] == 30_000
    assert by_instrument["France Active — contrat d'apport associatif"]["requested"] == 20_000
    assert [(str(r["name"]), r["count"]) for r in totals["stage"]] == [("amorçage", 2)]


# --- Alerts -------------------------------------------------------------------------------------


def test_alert_digest_sends_new_or_changed_matching_instruments_once(world):
    subscription = services.alert_subscribe(user=world.holder, project=world.supermarket)
    assert send_digests() == 0  # nothing changed since subscribing
    services.instrument_update(
        user=world.financer,
        instrument=world.instruments["FISO #2"],
        data={"conditions": "Nouvelle vague de FISO."},
    )
    services.instrument_update(  # changed, but excluded for the project: not in the digest
        user=world.financer,
        instrument=world.instruments["PESS"],
        data={"conditions": "PESS modifié."},
    )
    assert send_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.holder.email]
    assert "FISO #2" in message.body
    assert "PESS" not in message.body
    subscription.refresh_from_db()
    assert subscription.last_sent_at is not None
    assert send_digests() == 0  # nothing new since the digest


def test_alert_task_and_command(world):
    from essaim.financing.tasks import send_alert_digests

    services.alert_subscribe(user=world.lead, collective=world.collective)
    services.instrument_update(
        user=world.financer, instrument=world.instruments["FISO #2"], data={"conditions": "x"}
    )
    result = send_alert_digests.enqueue()
    assert result.return_value == 1
    services.instrument_update(
        user=world.financer, instrument=world.instruments["FISO #2"], data={"conditions": "y"}
    )
    call_command("financing_alerts_digest", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 2


def test_alert_subscription_permissions(world):
    with pytest.raises(PermissionDenied):
        services.alert_subscribe(user=world.other_holder, project=world.supermarket)
    with pytest.raises(PermissionDenied):
        services.alert_subscribe(user=world.other_lead, collective=world.collective)
    assert not AlertSubscription.objects.exists()
    first = services.alert_subscribe(user=world.holder, project=world.supermarket)
    assert services.alert_subscribe(user=world.holder, project=world.supermarket) == first


def test_instrument_count_unchanged(world):
    assert Instrument.objects.count() == 8


def test_documents_of_an_unknown_type_are_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as caught:
        services.financing_request_send(
            user=world.holder,
            project=world.supermarket,
            instrument=world.instruments["FISO #2"],
            amount=40_000,
            purpose="Local",
            documents=[SimpleUploadedFile("virus.exe", b"MZ")],
        )
    assert list(caught.value.message_dict) == ["documents[0]"]
    assert "virus.exe" in caught.value.message_dict["documents[0]"][0]
    assert not FinancingRequest.objects.exists()
