"""/api/v1/programmes/{programme_id}/settings, /configuration and /instruments: a programme's
settings page in the API, run by its admins (anyone else, other programmes' staff included: a
404, as on ``operators:settings``); and ``POST /programmes``, a superuser starting a programme
from a shipped configuration (``operators:programme_create``). Writes go through
``operators.settings_services``, ``operators.services`` and ``financing.programme_instruments``,
which ask the same rules again; the logo is checked by the page's form (PNG or JPEG, bounded)."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Status, UploadedFile

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import LABEL_VALIDITY_MAX_YEARS, LABEL_VALIDITY_MIN_YEARS, Programme
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.financing import programme_instruments
from essaim.financing.models import Instrument, ProgrammeInstrument
from essaim.geo.models import Region
from essaim.operators import programme_file, rules, settings_services
from essaim.operators.api import programme_of
from essaim.operators.programme_file import Problem
from essaim.operators.services import ImportResult, ProgrammeFileRefused, programme_start
from essaim.operators.settings_forms import CONFIGURATION_MAX_BYTES, TEXT_MAX_LENGTH, LogoForm

router = Router(tags=["programme settings"], auth=BearerOrSession())

RegionCode = Annotated[str, Field(max_length=3, description="a région's INSEE code")]


def _programme(request, programme_id: int) -> Programme:
    return programme_of(request, programme_id, "operators.configure_programme")


# --- Settings ----------------------------------------------------------------------------------


class ProgrammeSettingsOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    label_name: str
    description: str
    home_text: str
    website: str
    contact_email: str
    single_window_email: str
    label_validity_years: int
    regions: list[str] = Field(description="the régions' INSEE codes; none: all of France")
    logo_url: str | None


class ProgrammeSettingsIn(Schema):
    """Only the fields sent change."""

    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=60)
    label_name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=TEXT_MAX_LENGTH)
    home_text: str | None = Field(None, max_length=TEXT_MAX_LENGTH)
    website: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    single_window_email: str | None = Field(None, max_length=254)
    label_validity_years: int | None = Field(
        None, ge=LABEL_VALIDITY_MIN_YEARS, le=LABEL_VALIDITY_MAX_YEARS
    )
    regions: list[RegionCode] | None = Field(
        None, max_length=30, description="INSEE codes of régions; an empty list: all of France"
    )


def _settings_out(programme: Programme) -> dict:
    return {
        **{name: getattr(programme, name) for name in settings_services.SETTINGS_FIELDS},
        "id": programme.pk,
        "slug": programme.slug,
        "regions": sorted(programme.regions.values_list("code", flat=True)),
        "logo_url": f"/programmes/{programme.slug}/logo/" if programme.logo else None,
    }


@router.get(
    "/programmes/{programme_id}/settings",
    response=ProgrammeSettingsOut,
    summary="The programme's settings: presentation, contacts, zone, label validity",
)
def programme_settings(request, programme_id: int):
    return _settings_out(_programme(request, programme_id))


def _regions(codes: list[str]) -> list[Region]:
    wanted = {code.strip() for code in codes}
    regions = list(Region.objects.filter(code__in=wanted))
    unknown = wanted - {region.code for region in regions}
    if unknown:
        raise ValidationError(
            {"regions": _("Région inconnue : %(codes)s.") % {"codes": ", ".join(sorted(unknown))}}
        )
    return regions


@router.patch(
    "/programmes/{programme_id}/settings",
    response=ProgrammeSettingsOut,
    summary="Change the programme's settings (recorded in its history)",
)
def programme_settings_update(request, programme_id: int, payload: ProgrammeSettingsIn):
    """A field the programme refuses (an address that is not one, an empty name…) is a 422
    naming it; ``null`` is ignored, like a field left out."""
    programme = _programme(request, programme_id)
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    regions = _regions(sent.pop("regions")) if "regions" in sent else None
    programme = settings_services.programme_settings_update(
        user=request.user, programme=programme, regions=regions, **sent
    )
    return _settings_out(programme)


@router.post(
    "/programmes/{programme_id}/logo",
    response=ProgrammeSettingsOut,
    summary="Replace the programme's logo (multipart: a PNG or JPEG, at most 512 KB and 2000 px)",
)
def programme_logo_set(request, programme_id: int, logo: File[UploadedFile]):
    """An SVG, a file that is no readable PNG or JPEG, too heavy or too large: a 422 on ``logo``."""
    programme = _programme(request, programme_id)
    form = LogoForm(data={}, files={"logo": logo})
    if not form.is_valid():
        raise ValidationError(
            {"logo": [str(m) for m in form.errors.get("logo") or form.non_field_errors()]}
        )
    programme = settings_services.programme_logo_set(
        user=request.user, programme=programme, logo=form.cleaned_data["logo"]
    )
    return _settings_out(programme)


@router.delete(
    "/programmes/{programme_id}/logo",
    response={204: None},
    summary="Remove the programme's logo",
)
def programme_logo_remove(request, programme_id: int):
    programme = _programme(request, programme_id)
    settings_services.programme_logo_set(user=request.user, programme=programme, logo=None)
    return Status(204, None)


# --- The configuration file --------------------------------------------------------------------


class ConfigurationOut(Schema):
    filename: str
    content: str = Field(description="the YAML file, as `essaim programme export` writes it")


class ConfigurationIn(Schema):
    content: str = Field(min_length=1, max_length=CONFIGURATION_MAX_BYTES, description="YAML")
    dry_run: bool = Field(
        False, description="only say what importing would change (nothing is written)"
    )


class ImportCountOut(Schema):
    what: str
    created: int
    updated: int


class ImportChangeOut(Schema):
    what: str = Field(description="field, axis, category, wave or call")
    name: str
    old: str | None
    new: str | None
    created: bool


class ImportOut(Schema):
    dry_run: bool
    changed: bool
    summary: str
    counts: list[ImportCountOut]
    changes: list[ImportChangeOut] = Field(
        description="what the file changes, named (with dry_run only)"
    )


@router.get(
    "/programmes/{programme_id}/configuration",
    response=ConfigurationOut,
    summary="The programme's whole configuration, as a YAML file",
)
def programme_configuration(request, programme_id: int):
    programme = _programme(request, programme_id)
    return {
        "filename": f"{programme.slug}.yaml",
        "content": programme_file.dump(programme_file.export_programme(programme)),
    }


def _refused(problems: list[Problem]) -> ValidationError:
    """The file's problems as a 422, each at its path in the file (``programme.website``…)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.path or "content", []).append(problem.message)
    return ValidationError(errors)


def _counts(result: ImportResult) -> list[dict]:
    kinds = sorted({what for (_kind, what) in result.counts})
    return [
        {
            "what": what,
            "created": result.counts[("created", what)],
            "updated": result.counts[("updated", what)],
        }
        for what in kinds
        if result.counts[("created", what)] or result.counts[("updated", what)]
    ]


@router.post(
    "/programmes/{programme_id}/configuration",
    response=ImportOut,
    summary="Import a configuration file into the programme (or, dry_run, say what it changes)",
)
def programme_configuration_import(request, programme_id: int, payload: ConfigurationIn):
    """The file is validated whole: every problem is a 422 naming its path in the file; the
    file must describe this programme (``programme.slug``). The same file twice changes nothing
    the second time."""
    programme = _programme(request, programme_id)
    data, problems = programme_file.read(payload.content)
    if problems:
        raise _refused(problems)
    try:
        if payload.dry_run:
            preview = settings_services.programme_configuration_preview(
                user=request.user, programme=programme, data=data
            )
            result, named = preview.result, preview.named
        else:
            result = settings_services.programme_configuration_import(
                user=request.user, programme=programme, data=data
            )
            named = []
    except ProgrammeFileRefused as refused:
        raise _refused(refused.problems) from None
    return {
        "dry_run": payload.dry_run,
        "changed": result.changed,
        "summary": result.summary(),
        "counts": _counts(result),
        "changes": [
            {
                "what": change.what,
                "name": change.name,
                "old": None if change.old is None else str(change.old),
                "new": None if change.new is None else str(change.new),
                "created": change.created,
            }
            for change in named
        ],
    }


# --- Referenced financing instruments ----------------------------------------------------------


class ReferencedInstrumentOut(Schema):
    instrument_id: int
    name: str
    financer: str
    since: datetime.date
    added_by: str | None


class ReferenceIn(Schema):
    instrument_id: Id = Field(description="a published instrument of the shared catalogue")


def _reference_out(reference: ProgrammeInstrument) -> dict:
    instrument = reference.instrument
    return {
        "instrument_id": instrument.pk,
        "name": instrument.name,
        "financer": instrument.provider.name if instrument.provider_id else "",
        "since": reference.since,
        "added_by": str(reference.added_by) if reference.added_by_id else None,
    }


@router.get(
    "/programmes/{programme_id}/instruments",
    response=list[ReferencedInstrumentOut],
    summary="The catalogue's financing instruments the programme references, by name",
)
@paginate(PageNumberPagination, page_size=100)
def programme_instrument_list(request, programme_id: int):
    programme = _programme(request, programme_id)
    return mapped(programme_instruments.referenced(programme), _reference_out)


@router.post(
    "/programmes/{programme_id}/instruments",
    response={201: ReferencedInstrumentOut},
    summary="Reference a published instrument of the catalogue (again: no change)",
)
def programme_instrument_add(request, programme_id: int, payload: ReferenceIn):
    programme = _programme(request, programme_id)
    instrument = Instrument.objects.published().filter(pk=payload.instrument_id).first()
    if instrument is None:
        raise ValidationError(
            {"instrument_id": _("Cet outil n'est pas publié dans le catalogue commun.")}
        )
    reference = programme_instruments.programme_instrument_add(
        user=request.user, programme=programme, instrument=instrument
    )
    reference = ProgrammeInstrument.objects.select_related("instrument__provider", "added_by").get(
        pk=reference.pk
    )
    return Status(201, _reference_out(reference))


@router.delete(
    "/programmes/{programme_id}/instruments/{instrument_id}",
    response={204: None},
    summary="Stop referencing an instrument (the catalogue keeps it)",
)
def programme_instrument_remove(request, programme_id: int, instrument_id: int):
    programme = _programme(request, programme_id)
    reference = (
        ProgrammeInstrument.objects.filter(programme=programme, instrument_id=instrument_id)
        .select_related("instrument")
        .first()
    )
    if reference is None:
        raise Http404(_("Outil %(id)s non référencé par le programme.") % {"id": instrument_id})
    programme_instruments.programme_instrument_remove(
        user=request.user, programme=programme, instrument=reference.instrument
    )
    return Status(204, None)


# --- A new programme ---------------------------------------------------------------------------


class ProgrammeCreateIn(Schema):
    template: str = Field(max_length=50, description="a shipped configuration (its name)")
    slug: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str = Field(min_length=1, max_length=200)
    label_name: str = Field("", max_length=200, description="empty: the programme's name")


@router.post(
    "/programmes",
    response={201: ProgrammeSettingsOut},
    summary="Start a programme from a shipped configuration (a superuser); then invite its team",
)
def programme_create(request, payload: ProgrammeCreateIn):
    if not rules.can_create_programme(request.user):
        raise PermissionDenied(_("Seul l'exploitant de la plateforme crée un programme."))
    templates = programme_file.template_names()
    if payload.template not in templates:
        raise ValidationError(
            {
                "template": _("Modèle inconnu ; modèles possibles : %(names)s.")
                % {"names": ", ".join(templates)}
            }
        )
    try:
        result = programme_start(
            user=request.user,
            template=payload.template,
            slug=payload.slug,
            name=payload.name,
            label_name=payload.label_name,
        )
    except ProgrammeFileRefused as refused:
        raise _refused(refused.problems) from None
    return Status(201, _settings_out(result.programme))
