"""Writes of a programme's settings page, by its admins (a superuser is admin of every programme):
its presentation, zone, logo and label validity; its support axes; its whole configuration
imported from a file. Each write checks ``operators.configure_programme``, locks the programme,
and records what changed in the programme's history (or the axis's).

The configuration file is the one ``essaim programme export`` writes: read and validated by
``essaim.operators.programme_file``, written by ``essaim.operators.services.import_programme``.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim.calls.history import ProgrammeAction
from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.models import HistoryEvent
from essaim.core.services import changed_fields, history_record
from essaim.operators import rules
from essaim.operators.programme_file import Problem, export_programme
from essaim.operators.services import (
    ImportResult,
    ProgrammeFileRefused,
    import_programme,
    published_version_problems,
)
from essaim.support.history import AxisAction
from essaim.support.models import SupportAxis

# The fields of the settings form, in the order of the page.
SETTINGS_FIELDS = (
    "name",
    "short_name",
    "label_name",
    "description",
    "home_text",
    "website",
    "contact_email",
    "single_window_email",
    "label_validity_years",
)


def _require(user, programme: Programme) -> None:
    if not rules.can_configure_programme(user, programme):
        raise PermissionDenied(_("Seuls les administrateurs du programme changent ses paramètres."))


def _locked(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def programme_settings_update(*, user, programme: Programme, regions=None, **data) -> Programme:
    """Change the programme's presentation, contact addresses, zone (``regions``) and label
    validity. Records the changed fields, old and new; changes nothing when nothing differs.
    A new label validity applies to labels granted from now on (granted ones keep their date)."""
    _require(user, programme)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    locked = _locked(programme)
    changes = changed_fields(locked, data)
    for name in changes:
        setattr(locked, name, data[name])
    if changes:
        locked.full_clean(exclude=["slug", "owner", "expert_partner", "logo"])
        locked.save(update_fields=list(changes))
    if regions is not None:
        before = sorted(locked.regions.values_list("pk", flat=True))
        after = sorted(region.pk for region in regions)
        if before != after:
            locked.regions.set(regions)
            changes["regions"] = [before, after]
    if changes:
        history_record(
            obj=locked, user=user, action=ProgrammeAction.SETTINGS, payload={"changes": changes}
        )
    return locked


@transaction.atomic
def programme_logo_set(*, user, programme: Programme, logo) -> Programme:
    """Replace the programme's logo by ``logo`` (an uploaded file the form has checked: PNG or
    JPEG, bounded), or remove it (``logo`` None). The former file is deleted once the change
    is committed."""
    _require(user, programme)
    locked = _locked(programme)
    former = locked.logo.name if locked.logo else ""
    if logo is None and not former:
        return locked
    if logo is None:
        locked.logo = ""
        locked.save(update_fields=["logo"])
        action = ProgrammeAction.LOGO_REMOVE
    else:
        locked.logo.save(f"{locked.slug}{_extension(logo)}", logo, save=False)
        locked.save(update_fields=["logo"])
        action = ProgrammeAction.LOGO
    history_record(
        obj=locked,
        user=user,
        action=action,
        payload={"changes": {"logo": [former, locked.logo.name if locked.logo else ""]}},
    )
    if former:
        storage = locked.logo.storage
        transaction.on_commit(lambda: storage.delete(former))
    return locked


def _extension(logo) -> str:
    return {"image/png": ".png", "image/jpeg": ".jpg"}.get(
        getattr(logo, "content_type", ""), ".png"
    )


# --- Support axes ------------------------------------------------------------------------------


def axes_with_use(programme: Programme) -> list[SupportAxis]:
    """The programme's axes in their order, each with ``action_count``: the plans' actions that
    use it (an axis in use is never deleted). One query."""
    return list(
        SupportAxis.objects.filter(programme=programme)
        .annotate(action_count=Count("actions"))
        .order_by("position", "pk")
    )


def axes_history(axes: list[SupportAxis], *, limit: int) -> list:
    """The latest ``limit`` events of ``axes``' histories, oldest first, in words, each naming
    its axis. One query."""
    titles = {str(axis.pk): axis.title for axis in axes}
    events = list(
        HistoryEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(SupportAxis),
            object_id__in=list(titles),
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:limit]
    )[::-1]
    rows = history.rows_for_events(SupportAxis, events)
    for row in rows:
        row.detail = titles.get(row.event.object_id, "")
    return rows


def _free_code(programme: Programme, title: str) -> str:
    base = (slugify(title) or "axe")[:32].strip("-") or "axe"
    taken = set(SupportAxis.objects.filter(programme=programme).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("L'intitulé de l'axe est obligatoire.")})
    return title


@transaction.atomic
def support_axis_add(
    *, user, programme: Programme, title: str, description: str = "", takes_links: bool = False
):
    """Add an axis at the end of the programme's axes; its code (its identifier in the
    configuration file) is made from its title. ``takes_links``: its actions link to
    introductions, events, indicators and campaigns (``support.links``)."""
    _require(user, programme)
    locked = _locked(programme)
    title = _check_title(title)
    last = SupportAxis.objects.filter(programme=locked).aggregate(last=Max("position"))["last"]
    axis = SupportAxis.objects.create(
        programme=locked,
        code=_free_code(locked, title),
        title=title,
        description=description.strip(),
        position=(last or 0) + 1,
        takes_links=bool(takes_links),
    )
    history_record(obj=axis, user=user, action=AxisAction.CREATED)
    return axis


def _locked_axis(programme: Programme, axis_id: int) -> SupportAxis:
    axis = SupportAxis.objects.select_for_update().filter(programme=programme, pk=axis_id).first()
    if axis is None:  # another programme's axis, or deleted meanwhile
        raise ValidationError(_("Cet axe n'existe plus."))
    return axis


@transaction.atomic
def support_axis_update(
    *, user, axis: SupportAxis, title: str, description: str = "", takes_links: bool = False
):
    """Rename or describe an axis, or say whether its actions take links (``support.links``;
    links already made stay, new ones are refused). Plans show the new words at once; the
    code stays."""
    _require(user, axis.programme)
    locked = _locked_axis(_locked(axis.programme), axis.pk)
    data = {
        "title": _check_title(title),
        "description": description.strip(),
        "takes_links": bool(takes_links),
    }
    changes = changed_fields(locked, data)
    if changes:
        for name in changes:
            setattr(locked, name, data[name])
        locked.save(update_fields=list(changes))
        history_record(
            obj=locked, user=user, action=AxisAction.UPDATED, payload={"changes": changes}
        )
    return locked


@transaction.atomic
def support_axis_move(*, user, axis: SupportAxis, offset: int) -> None:
    """Move an axis up (``offset`` -1) or down (+1) in the programme's order; the positions are
    renumbered 1, 2, 3… Moving the first up or the last down changes nothing."""
    _require(user, axis.programme)
    programme = _locked(axis.programme)
    axes = list(
        SupportAxis.objects.select_for_update()
        .filter(programme=programme)
        .order_by("position", "pk")
    )
    index = next((i for i, a in enumerate(axes) if a.pk == axis.pk), None)
    if index is None:
        raise ValidationError(_("Cet axe n'existe plus."))
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(axes):
        return
    axes[index], axes[target] = axes[target], axes[index]
    for position, row in enumerate(axes, start=1):
        if row.position != position:
            old = row.position
            row.position = position
            row.save(update_fields=["position"])
            history_record(
                obj=row,
                user=user,
                action=AxisAction.UPDATED,
                payload={"changes": {"position": [old, position]}},
            )


@transaction.atomic
def support_axis_delete(*, user, axis: SupportAxis) -> None:
    """Delete an axis no plan uses. An axis with actions is refused: the actions of the
    territories' plans are filed under it (their history and progress read through it), and the
    configuration file keys axes by code — rename it instead."""
    _require(user, axis.programme)
    programme = _locked(axis.programme)
    locked = _locked_axis(programme, axis.pk)
    used = locked.actions.count()
    if used:
        raise ValidationError(
            _(
                "L'axe « %(title)s » classe %(count)s action(s) des plans d'accompagnement : il "
                "ne peut pas être supprimé. Renommez-le ou décrivez-le plutôt."
            )
            % {"title": locked.title, "count": used}
        )
    history_record(
        obj=programme,
        user=user,
        action=ProgrammeAction.AXIS_DELETE,
        payload={"axis": {"code": locked.code, "title": locked.title}},
    )
    locked.delete()


# --- The configuration file, from the pages ----------------------------------------------------


def _file_problems(programme: Programme, data: dict) -> list[Problem]:
    """What refuses a file for *this* programme, beyond what ``programme_file.read`` says."""
    slug = data["programme"]["slug"]
    if slug != programme.slug:
        return [
            Problem(
                "programme.slug",
                _(
                    "ce fichier décrit le programme « %(file)s », pas « %(here)s » : importez-le "
                    "dans son programme, ou changez son identifiant"
                )
                % {"file": slug, "here": programme.slug},
            )
        ]
    return published_version_problems(data)


@dataclass(frozen=True)
class NamedChange:
    """One thing a file changes, in words: ``what`` (a field, an axis, a call…), ``name``,
    and for a programme's field its ``old`` and ``new`` values."""

    what: str
    name: str
    old: object = None
    new: object = None
    created: bool = False


def _differs(new: dict, current: dict | None) -> bool:
    """Whether ``new`` (an item of the file) says something else than ``current`` (the same
    item exported); keys the file leaves out keep their value, so they are not compared."""
    return current is None or any(new[key] != current.get(key) for key in new)


def _keyed(items, key: str) -> dict:
    return {item[key]: item for item in items or [] if isinstance(item, dict) and key in item}


def configuration_changes(programme: Programme, data: dict) -> list[NamedChange]:
    """The programme's fields, axes, waves and calls that ``data`` changes, named — by
    comparing the file with the programme's own export (what an import writes)."""
    current = export_programme(programme)
    changes = [
        NamedChange(
            "field",
            _field_label(name),
            old=_shown(current["programme"].get(name)),
            new=_shown(value),
        )
        for name, value in data["programme"].items()
        if name != "slug" and value != current["programme"].get(name)
    ]
    for section, key, what, title in (
        ("support_axes", "code", "axis", "title"),
        ("knowledge_categories", "code", "category", "title"),
        ("waves", "number", "wave", "title"),
        ("calls", "slug", "call", "title"),
    ):
        existing = _keyed(current.get(section), key)
        for item_key, item in _keyed(data.get(section), key).items():
            if _differs(item, existing.get(item_key)):
                changes.append(
                    NamedChange(
                        what,
                        str(item.get(title) or item_key),
                        created=item_key not in existing,
                    )
                )
    return changes


def _shown(value) -> str:
    """A value of the file in words: an organisation by its name, a list joined."""
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _field_label(name: str) -> str:
    try:
        return str(Programme._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@dataclass
class ImportPreview:
    """What importing a file would do, counted by kind, without writing anything; and the
    fields, axes, waves and calls it changes, named."""

    result: ImportResult
    named: list[NamedChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.result.changed

    def rows(self) -> list[tuple[str, int, int]]:
        """``(what, created, updated)`` for every kind of object the file touches."""
        kinds = sorted({what for (_kind, what) in self.result.counts})
        return [
            (
                what,
                self.result.counts[("created", what)],
                self.result.counts[("updated", what)],
            )
            for what in kinds
            if self.result.counts[("created", what)] or self.result.counts[("updated", what)]
        ]


def programme_configuration_preview(*, user, programme: Programme, data: dict) -> ImportPreview:
    """Import ``data`` (a file ``programme_file.read`` accepted) into ``programme`` inside a
    transaction that is always rolled back: the counts say what a real import would change."""
    _require(user, programme)
    problems = _file_problems(programme, data)
    if problems:
        raise ProgrammeFileRefused(problems)
    named = configuration_changes(programme, data)
    with transaction.atomic():
        result = _import(data, user=user)
        transaction.set_rollback(True)
    return ImportPreview(result, named if result.changed else [])


def _import(data: dict, *, user) -> ImportResult:
    """``import_programme``, with what the models refuse beyond the schema (a website that is
    not an address…) turned into problems of the file: every write is then rolled back."""
    try:
        with transaction.atomic():
            return import_programme(data, user=user)
    except ValidationError as error:
        raise ProgrammeFileRefused(validation_problems(error)) from error


def validation_problems(error: ValidationError) -> list[Problem]:
    """A model's ``ValidationError`` as problems of the file: a programme's field at its path
    in the file, anything else at the file's level."""
    if not hasattr(error, "error_dict"):
        return [Problem("", message) for message in error.messages]
    fields = {f.name for f in Programme._meta.get_fields()}
    return [
        Problem(f"programme.{name}" if name in fields else "", message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


@transaction.atomic
def programme_configuration_import(*, user, programme: Programme, data: dict) -> ImportResult:
    """Import ``data`` into ``programme``, by its admins: the file must describe this programme
    (same identifier); every problem refuses the whole file. The same file twice changes
    nothing the second time. Recorded in the programme's history with its counts."""
    _require(user, programme)
    _locked(programme)
    problems = _file_problems(programme, data)
    if problems:
        raise ProgrammeFileRefused(problems)
    result = _import(data, user=user)
    if result.changed:
        history_record(
            obj=result.programme,
            user=user,
            action=ProgrammeAction.IMPORT,
            comment=result.summary(),
        )
    return result
