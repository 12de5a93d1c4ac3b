"""Exports of a call's applications: CSV, CSV files in a ZIP, and XLSX.

Memory stays flat whatever the number of applications:

- the applications are read with ``.iterator(chunk_size=CHUNK)`` as plain tuples (``values_list``,
  no model instances) and cut into batches of ``CHUNK``; what each batch needs from other tables
  (the collective's lead, the régions of the territory, the consolidated score) is fetched once per
  batch with ``IN (…)`` queries. The number of queries depends on the number of batches, never on
  the number of rows of a batch (no N+1);
- the side tables (challenges, collective members, marks) are streamed the same way;
- the CSV is produced batch by batch and sent as soon as each batch is written
  (``StreamingHttpResponse``): the first bytes (BOM and header) leave at once.

Every text answer goes through the form engine (``FormEngine.display``), the one place that knows
how an answer reads, so that pages, PDF and exports agree. Repeatable blocks are flattened into one
cell ("Défi 1 : Titre : … ; Budget : … | Défi 2 : …").

Cells starting with ``= + - @`` are prefixed with an apostrophe in CSV so that a spreadsheet never
runs them as formulas (CSV injection); XLSX cells are always written as strings or numbers.
"""

import codecs
import csv
import io
import itertools
import os
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.actors.models import CollectiveMember, CollectiveRole
from essaim.applications.models import Challenge
from essaim.applications.workflow import Status
from essaim.calls.formengine import FormEngine, condition_holds
from essaim.calls.models import Call, FormVersion
from essaim.geo.models import PerimeterCommune
from essaim.reviews.consolidation import consolidate
from essaim.reviews.models import CriterionMark, Recommendation, ReviewRequest, ReviewStatus

CHUNK = 2000
CSV_DELIMITER = ";"  # what French spreadsheets expect; the BOM tells them it is UTF-8
FORMULA_CHARS = frozenset("=+-@\t\r")


def _labels(choices) -> dict[str, str]:
    """The choices' labels translated once per export (not once per row)."""
    return {value: str(label) for value, label in choices}


class _Row(NamedTuple):
    """What ``consolidate`` needs of an application (it accepts objects with ``pk``/``call_id``)."""

    pk: int
    call_id: int


# --- Columns of the form ---------------------------------------------------------------------


TEXT_KINDS = {"short_text", "long_text", "email", "url"}
SCALAR_KINDS = {"choice", "yes_no", "number", "date", "multiple_choice"}
MEMO_SIZE = 10_000


def answer_formatter(engine: FormEngine, spec: dict):
    """A function giving one answer of ``spec`` as text, as ``FormEngine.display`` does (it is
    called for every kind but plain text), remembering the texts of repeated scalar answers
    (choices, yes/no, numbers, dates): a hundred thousand rows mostly repeat the same ones."""
    kind = spec["kind"]
    if kind in TEXT_KINDS:
        return lambda value: "" if value is None or value == "" else str(value)
    if kind == "repeat":
        return _repeat_formatter(engine, spec)
    if kind not in SCALAR_KINDS:
        return lambda value: engine.display(spec, value)
    memo: dict = {}

    def formatter(value):
        key = tuple(value) if isinstance(value, list) else value
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unexpected unhashable value
            return engine.display(spec, value)
        if len(memo) > MEMO_SIZE:
            memo.clear()
        text = memo[key] = engine.display(spec, value)
        return text

    return formatter


def _repeat_formatter(engine: FormEngine, spec: dict):
    """A repeatable block's blocks one after the other in one cell:
    "Défi 1 : Titre : … ; Budget : … | Défi 2 : …"."""
    subs = [
        (sub["key"], sub["label"], sub.get("show_if"), answer_formatter(engine, sub))
        for sub in spec.get("fields", [])
    ]
    item_label = spec.get("item_label") or spec["label"]

    def formatter(value):
        if not isinstance(value, list):
            return ""
        blocks = []
        for index, block in enumerate(value, start=1):
            block = block if isinstance(block, dict) else {}
            parts = []
            for key, label, show_if, text in subs:
                answer = block.get(key)
                if answer is None or answer == "" or answer == [] or answer == {}:
                    continue
                if show_if and not condition_holds(show_if, block):
                    continue
                parts.append(f"{label} : {text(answer)}")
            blocks.append(f"{item_label} {index} : {' ; '.join(parts)}")
        return " | ".join(blocks)

    return formatter


class FormColumns:
    """The form's fields as columns: those of the newest version first, then the fields only
    older versions had (an application keeps the version it answered)."""

    def __init__(self, call: Call):
        versions = list(FormVersion.objects.filter(call=call).order_by("-number", "-pk"))
        engines = {v.pk: FormEngine(v.schema) for v in versions}
        self.keys: list[str] = []
        self.labels: list[str] = []
        for version in versions:
            for key, spec in engines[version.pk].fields.items():
                if key not in self.keys:
                    self.keys.append(key)
                    self.labels.append(spec.get("label") or key)
        # Per version, per column: (key, show_if, formatter), or None where the version lacks it.
        self.plans = {
            pk: [
                (
                    key,
                    engine.fields[key].get("show_if"),
                    answer_formatter(engine, engine.fields[key]),
                )
                if key in engine.fields
                else None
                for key in self.keys
            ]
            for pk, engine in engines.items()
        }

    def texts(self, form_version_id: int, answers: dict) -> list[str]:
        plan = self.plans.get(form_version_id)
        if plan is None:
            return [""] * len(self.keys)
        answers = answers if isinstance(answers, dict) else {}
        cells = []
        for item in plan:
            if item is None:
                cells.append("")
                continue
            key, show_if, text = item
            if show_if and not condition_holds(show_if, answers):
                cells.append("")
            else:
                cells.append(text(answers.get(key)))
        return cells


# --- Rows ------------------------------------------------------------------------------------


def _batches(iterable: Iterable, size: int | None = None) -> Iterator[tuple]:
    return itertools.batched(iterable, size or CHUNK)


def _chunk() -> int:
    return CHUNK


def _datetime(value, zone) -> str:
    """``AAAA-MM-JJ HH:MM`` in the site's time zone."""
    if value is None:
        return ""
    return value.astimezone(zone).isoformat(" ", "minutes")[:16]


class _Regions:
    """The régions of each territory, asked once per territory (many applications share one),
    for the territories of a batch not seen yet; the memory is bounded."""

    LIMIT = 50_000

    def __init__(self):
        self.names: dict[int, str] = {}

    def fetch(self, perimeter_ids) -> dict[int, str]:
        missing = {pk for pk in perimeter_ids if pk not in self.names}
        if not missing:
            return self.names
        if len(self.names) + len(missing) > self.LIMIT:
            self.names.clear()
        rows = (
            PerimeterCommune.objects.filter(perimeter_id__in=missing)
            .values_list("perimeter_id", "commune__region__name")
            .distinct()
            .order_by("perimeter_id", "commune__region__name")
        )
        found: dict[int, list[str]] = defaultdict(list)
        for perimeter_id, name in rows:
            found[perimeter_id].append(name)
        for pk in missing:
            self.names[pk] = ", ".join(found.get(pk, []))
        return self.names


APPLICATION_FIELDS = (
    "pk",
    "call_id",
    "reference",
    "title",
    "perimeter_id",
    "perimeter__name",
    "collective__name",
    "status",
    "cutoff__date",
    "wave__number",
    "submitted_at",
    "form_version_id",
    "answers",
    "lead_name",
    "has_reviews",
)


def application_rows(call: Call, applications) -> Iterator[list]:
    """The header, then one row per application of ``applications`` (a queryset of ``call``'s
    applications). Numbers stay numbers (the XLSX keeps them); everything else is text."""
    columns = FormColumns(call)
    statuses = _labels(Status.choices)
    zone = timezone.get_current_timezone()
    yield [
        _("Numéro"),
        _("Titre"),
        _("Territoire"),
        _("Région(s)"),
        _("Collectif porteur"),
        _("Chef de file"),
        _("État"),
        _("Date limite de dépôt"),
        _("Vague"),
        _("Déposée le"),
        _("Avis rendus"),
        _("Note consolidée /100"),
        *columns.labels,
    ]
    # The lead organisation and whether opinions exist come with each row (correlated
    # subqueries on indexed foreign keys): one streamed query, no per-row round trip.
    rows = (
        applications.order_by("reference")
        .annotate(
            lead_name=Subquery(
                CollectiveMember.objects.filter(
                    collective=OuterRef("collective_id"), role=CollectiveRole.LEAD
                ).values("organisation__name")[:1]
            ),
            has_reviews=Exists(
                ReviewRequest.objects.filter(
                    application=OuterRef("pk"), status=ReviewStatus.SUBMITTED
                )
            ),
        )
        .values_list(*APPLICATION_FIELDS)
    )
    region_names = _Regions()
    for batch in _batches(rows.iterator(chunk_size=_chunk())):
        regions = region_names.fetch({row[4] for row in batch})
        # Consolidate only the applications that have opinions (the others have no score).
        scores = consolidate([_Row(row[0], row[1]) for row in batch if row[-1]])
        for (
            pk,
            _call_id,
            reference,
            title,
            perimeter_id,
            perimeter,
            collective,
            status,
            cutoff,
            wave,
            submitted_at,
            version_id,
            answers,
            lead,
            _has_reviews,
        ) in batch:
            score = scores.get(pk)
            yield [
                reference,
                title,
                perimeter,
                regions.get(perimeter_id, ""),
                collective,
                lead or "",
                statuses.get(status, status),
                cutoff.isoformat() if cutoff else "",
                wave if wave is not None else "",
                _datetime(submitted_at, zone),
                score.review_count if score else 0,
                score.total if score and score.total is not None else "",
                *columns.texts(version_id, answers),
            ]


def challenge_rows(applications) -> Iterator[list]:
    yield [_("Numéro"), _("Position"), _("Défi"), _("Description"), _("Axes de travail")]
    rows = (
        Challenge.objects.filter(application__in=applications.order_by().values("pk"))
        .order_by("application__reference", "position", "pk")
        .values_list("application__reference", "position", "title", "description", "lines")
    )
    for reference, position, title, description, lines in rows.iterator(chunk_size=_chunk()):
        lines = lines if isinstance(lines, list) else []
        yield [reference, position + 1, title, description, " ; ".join(str(x) for x in lines)]


def member_rows(applications) -> Iterator[list]:
    """One row per organisation of each application's collective: one streamed query joining
    the (filtered) applications to their collective's members."""
    yield [
        _("Numéro"),
        _("Collectif porteur"),
        _("Organisation"),
        _("SIRET"),
        _("Rôle"),
    ]
    roles = _labels(CollectiveRole.choices)
    rows = (
        applications.filter(collective__members__isnull=False)
        .order_by("reference", "collective__members__position", "collective__members__pk")
        .values_list(
            "reference",
            "collective__name",
            "collective__members__organisation__name",
            "collective__members__organisation__siret",
            "collective__members__role",
        )
    )
    for reference, collective, name, siret, role in rows.iterator(chunk_size=_chunk()):
        yield [reference, collective, name, siret, roles.get(role, role)]


def mark_rows(applications) -> Iterator[list]:
    """One row per submitted opinion × criterion (staff only: experts' marks)."""
    recommendations = _labels(Recommendation.choices)
    zone = timezone.get_current_timezone()
    yield [
        _("Numéro"),
        _("Expert"),
        _("Adresse électronique"),
        _("Avis rendu le"),
        _("Recommandation"),
        _("Critère"),
        _("Poids"),
        _("Note"),
        _("Commentaire"),
    ]
    rows = (
        CriterionMark.objects.filter(
            review__application__in=applications.order_by().values("pk"),
            review__status=ReviewStatus.SUBMITTED,
        )
        .order_by("review__application__reference", "review_id", "criterion__position", "pk")
        .values_list(
            "review__application__reference",
            "review__expert__first_name",
            "review__expert__last_name",
            "review__expert__email",
            "review__submitted_at",
            "review__recommendation",
            "criterion__title",
            "criterion__weight",
            "mark",
            "comment",
        )
    )
    for row in rows.iterator(chunk_size=_chunk()):
        reference, first, last, email, at, recommendation, criterion, weight, mark, comment = row
        yield [
            reference,
            f"{first} {last}".strip(),
            email,
            _datetime(at, zone),
            recommendations.get(recommendation, recommendation),
            criterion,
            float(weight),
            mark,
            comment,
        ]


def sheets(call: Call, applications) -> list[tuple[str, Iterator[list]]]:
    """(name, rows) of every table of the export, the applications first."""
    return [
        ("candidatures", application_rows(call, applications)),
        ("defis", challenge_rows(applications)),
        ("membres", member_rows(applications)),
        ("notes", mark_rows(applications)),
    ]


# --- CSV ---------------------------------------------------------------------------------------


def _safe(row: list) -> list:
    """Text starting like a formula gets an apostrophe (CSV injection)."""
    return [
        "'" + value if value.__class__ is str and value and value[0] in FORMULA_CHARS else value
        for value in row
    ]


def csv_chunks(rows: Iterator[list], *, bom: bool = True) -> Iterator[bytes]:
    """The rows as UTF-8 CSV bytes, one piece per batch of rows (the header alone first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    encoder = codecs.getincrementalencoder("utf-8")()
    header = next(rows, None)
    if header is None:
        return
    writer.writerow(header)
    yield (codecs.BOM_UTF8 if bom else b"") + encoder.encode(buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()
    for batch in _batches(rows, 500):
        writer.writerows([_safe(row) for row in batch])
        yield encoder.encode(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()


# --- ZIP of CSV files --------------------------------------------------------------------------


class _Pipe:
    """A write-only, unseekable file for ``zipfile``: what is written waits here until the
    generator takes it (``zipfile`` then writes data descriptors instead of seeking back)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_chunks(tables: list[tuple[str, Iterator[list]]]) -> Iterator[bytes]:
    """The tables as CSV files in a ZIP, streamed: each compressed piece leaves as soon as it is
    written. Nothing is kept but the current batch and the ZIP's small central directory, and no
    temporary file is needed (unlike XLSX, a ZIP can be written front to back)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables:
            with archive.open(f"{name}.csv", mode="w", force_zip64=True) as member:
                for piece in csv_chunks(rows):
                    member.write(piece)
                    if data := pipe.take():
                        yield data
            if data := pipe.take():
                yield data
    yield pipe.take()


# --- XLSX --------------------------------------------------------------------------------------


def write_xlsx(tables: list[tuple[str, Iterator[list]]]):
    """Write the tables as sheets of an XLSX workbook in a temporary file and return it open,
    at its start, already unlinked (it disappears when closed).

    An XLSX is a ZIP whose parts (one XML per sheet, shared strings, the content types) are only
    complete once every row is known, and whose sheets must each be one member of the archive:
    it cannot be sent byte by byte while rows are read. ``constant_memory`` makes xlsxwriter
    flush each row to its own temporary file as soon as the next starts, so memory stays flat;
    the finished file is then streamed from disk by ``FileResponse``."""
    import xlsxwriter

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        workbook = xlsxwriter.Workbook(
            handle.name, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}
        )
        bold = workbook.add_format({"bold": True})
        for name, rows in tables:
            sheet = workbook.add_worksheet(name)
            for row_index, row in enumerate(rows):
                for col, value in enumerate(row):
                    if row_index == 0:
                        sheet.write_string(row_index, col, str(value), bold)
                    elif isinstance(value, int | float) and not isinstance(value, bool):
                        sheet.write_number(row_index, col, value)
                    elif value not in ("", None):
                        sheet.write_string(row_index, col, str(value))
            sheet.freeze_panes(1, 0)
        workbook.close()
        result = open(handle.name, "rb")  # noqa: SIM115 - closed by FileResponse
    finally:
        os.unlink(handle.name)
    return result


def export_filename(call: Call, extension: str) -> str:
    return f"candidatures-{call.slug}-{timezone.localdate():%Y%m%d}.{extension}"
