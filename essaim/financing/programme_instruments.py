"""The instruments of the shared catalogue a programme references, chosen by its admins: add,
remove, search the catalogue. Each change is recorded in the programme's history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from essaim.calls.history import ProgrammeAction
from essaim.calls.models import Programme
from essaim.core.services import history_record
from essaim.financing import rules
from essaim.financing.models import Instrument, ProgrammeInstrument

SEARCH_SHOWN = 20


def _require(user, programme: Programme) -> None:
    if not rules.can_reference_instruments(user, programme):
        raise PermissionDenied(
            _("Seuls les administrateurs du programme choisissent ses outils de financement.")
        )


def referenced(programme: Programme) -> list[ProgrammeInstrument]:
    """The programme's references with their instrument and financer, by name (one query)."""
    return list(
        ProgrammeInstrument.objects.filter(programme=programme)
        .select_related("instrument__provider", "added_by")
        .order_by("instrument__name")
    )


def published_for(programme: Programme) -> list[Instrument]:
    """The published instruments the programme references (its public page; one query)."""
    return list(
        Instrument.objects.published()
        .filter(programme_references__programme=programme)
        .select_related("provider")
        .order_by("name")
    )


def catalogue_search(programme: Programme, q: str) -> list[Instrument]:
    """Published instruments not referenced yet whose name, short name or financer matches
    ``q`` (every instrument when ``q`` is empty), at most ``SEARCH_SHOWN``. One query."""
    queryset = (
        Instrument.objects.published()
        .exclude(programme_references__programme=programme)
        .select_related("provider")
        .order_by("name")
    )
    for word in (q or "").split()[:5]:
        word = word[:60]
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(short_name__icontains=word)
            | Q(provider__name__icontains=word)
        )
    return list(queryset[:SEARCH_SHOWN])


def _locked(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def programme_instrument_add(*, user, programme: Programme, instrument: Instrument):
    """Reference a published instrument; referencing it again changes nothing."""
    _require(user, programme)
    locked = _locked(programme)
    if not Instrument.objects.published().filter(pk=instrument.pk).exists():
        raise ValidationError(
            {"instrument": _("Cet outil n'est pas publié dans le catalogue commun.")}
        )
    reference, created = ProgrammeInstrument.objects.get_or_create(
        programme=locked, instrument=instrument, defaults={"added_by": user}
    )
    if created:
        history_record(
            obj=locked,
            user=user,
            action=ProgrammeAction.INSTRUMENT_ADD,
            payload={"instrument": instrument.name},
        )
    return reference


@transaction.atomic
def programme_instrument_remove(*, user, programme: Programme, instrument: Instrument) -> bool:
    """Stop referencing an instrument (the catalogue keeps it). Whether it was referenced."""
    _require(user, programme)
    locked = _locked(programme)
    deleted, _rows = ProgrammeInstrument.objects.filter(
        programme=locked, instrument=instrument
    ).delete()
    if deleted:
        history_record(
            obj=locked,
            user=user,
            action=ProgrammeAction.INSTRUMENT_REMOVE,
            payload={"instrument": instrument.name},
        )
    return bool(deleted)
