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

from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.actors.models import CollectiveMember, CollectiveRole
from essaim.applications.models import Challenge
from essaim.applications.workflow import Status
from essaim.calls.formengine import FormEngine, condition_holds, is_empty
from essaim.calls.models import Call, FormVersion
from essaim.geo.models import PerimeterCommune
from essaim.reviews.consolidation import consolidate
from essaim.reviews.models import CriterionMark, Recommendation, ReviewStatus

CHUNK = 2000
CSV_DELIMITER = ";"  # what French spreadsheets expect; the BOM tells them it is UTF-8
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = dict(Status.choices)
ROLE_LABELS = dict(CollectiveRole.choices)
RECOMMENDATION_LABELS = dict(Recommendation.choices)


class _Row(NamedTuple):
    """What ``consolidate`` needs of an application (it accepts objects with ``pk``/``call_id``)."""

    pk: int
    call_id: int


# --- Columns of the form ---------------------------------------------------------------------


class FormColumns:
    """The form's fields as columns: those of the newest version first, then the fields only
    older versions had (an application keeps the version it answered)."""

    def __init__(self, call: Call):
        versions = list(FormVersion.objects.filter(call=call).order_by("-number", "-pk"))
        self.engines = {v.pk: FormEngine(v.schema) for v in versions}
        self.keys: list[str] = []
        self.labels: list[str] = []
        for version in versions:
            for key, spec in self.engines[version.pk].fields.items():
                if key not in self.keys:
                    self.keys.append(key)
                    self.labels.append(spec.get("label") or key)

    def texts(self, form_version_id: int, answers: dict) -> list[str]:
        engine = self.engines.get(form_version_id)
        answers = answers if isinstance(answers, dict) else {}
        if engine is None:
            return [""] * len(self.keys)
        cells = []
        for key in self.keys:
            spec = engine.fields.get(key)
            if spec is None or not condition_holds(spec.get("show_if"), answers):
                cells.append("")
            else:
                cells.append(answer_text(engine, spec, answers.get(key)))
        return cells


def answer_text(engine: FormEngine, spec: dict, value) -> str:
    """One answer as text, a repeatable block as its blocks one after the other."""
    if spec["kind"] != "repeat":
        return engine.display(spec, value)
    if not isinstance(value, list):
        return ""
    blocks = []
    for index, block in enumerate(value, start=1):
        block = block if isinstance(block, dict) else {}
        parts = [
            f"{sub['label']} : {engine.display(sub, block.get(sub['key']))}"
            for sub in spec.get("fields", [])
            if condition_holds(sub.get("show_if"), block) and not is_empty(block.get(sub["key"]))
        ]
        blocks.append(f"{spec.get('item_label') or spec['label']} {index} : {' ; '.join(parts)}")
    return " | ".join(blocks)


# --- Rows ------------------------------------------------------------------------------------


def _batches(iterable: Iterable, size: int = CHUNK) -> Iterator[tuple]:
    return itertools.batched(iterable, size)


def _datetime(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _regions(perimeter_ids) -> dict[int, str]:
    rows = (
        PerimeterCommune.objects.filter(perimeter_id__in=set(perimeter_ids))
        .values_list("perimeter_id", "commune__region__name")
        .distinct()
        .order_by("perimeter_id", "commune__region__name")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for perimeter_id, name in rows:
        names[perimeter_id].append(name)
    return {pk: ", ".join(values) for pk, values in names.items()}


def _leads(collective_ids) -> dict[int, str]:
    return dict(
        CollectiveMember.objects.filter(
            collective_id__in=set(collective_ids), role=CollectiveRole.LEAD
        ).values_list("collective_id", "organisation__name")
    )


APPLICATION_FIELDS = (
    "pk",
    "call_id",
    "reference",
    "title",
    "perimeter_id",
    "perimeter__name",
    "collective_id",
    "collective__name",
    "status",
    "cutoff__date",
    "wave__number",
    "submitted_at",
    "form_version_id",
    "answers",
)


def application_rows(call: Call, applications) -> Iterator[list]:
    """The header, then one row per application of ``applications`` (a queryset of ``call``'s
    applications). Numbers stay numbers (the XLSX keeps them); everything else is text."""
    columns = FormColumns(call)
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
    rows = applications.order_by("reference").values_list(*APPLICATION_FIELDS)
    for batch in _batches(rows.iterator(chunk_size=CHUNK)):
        regions = _regions(row[4] for row in batch)
        leads = _leads(row[6] for row in batch)
        scores = consolidate([_Row(row[0], row[1]) for row in batch])
        for (
            pk,
            _call_id,
            reference,
            title,
            perimeter_id,
            perimeter,
            collective_id,
            collective,
            status,
            cutoff,
            wave,
            submitted_at,
            version_id,
            answers,
        ) in batch:
            score = scores.get(pk)
            yield [
                reference,
                title,
                perimeter,
                regions.get(perimeter_id, ""),
                collective,
                leads.get(collective_id, ""),
                str(STATUS_LABELS.get(status, status)),
                cutoff.isoformat() if cutoff else "",
                wave if wave is not None else "",
                _datetime(submitted_at),
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
    for reference, position, title, description, lines in rows.iterator(chunk_size=CHUNK):
        lines = lines if isinstance(lines, list) else []
        yield [reference, position + 1, title, description, " ; ".join(str(x) for x in lines)]


def member_rows(applications) -> Iterator[list]:
    yield [
        _("Numéro"),
        _("Collectif porteur"),
        _("Organisation"),
        _("SIRET"),
        _("Rôle"),
    ]
    rows = applications.order_by("reference").values_list("reference", "collective_id")
    for batch in _batches(rows.iterator(chunk_size=CHUNK)):
        members: dict[int, list[tuple]] = defaultdict(list)
        for collective_id, collective, name, siret, role in (
            CollectiveMember.objects.filter(collective_id__in={c for _r, c in batch})
            .order_by("collective_id", "position", "pk")
            .values_list(
                "collective_id",
                "collective__name",
                "organisation__name",
                "organisation__siret",
                "role",
            )
        ):
            members[collective_id].append((collective, name, siret, role))
        for reference, collective_id in batch:
            for collective, name, siret, role in members.get(collective_id, []):
                yield [reference, collective, name, siret, str(ROLE_LABELS.get(role, role))]


def mark_rows(applications) -> Iterator[list]:
    """One row per submitted opinion × criterion (staff only: experts' marks)."""
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
    for row in rows.iterator(chunk_size=CHUNK):
        reference, first, last, email, at, recommendation, criterion, weight, mark, comment = row
        yield [
            reference,
            f"{first} {last}".strip(),
            email,
            _datetime(at),
            str(RECOMMENDATION_LABELS.get(recommendation, recommendation)),
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


def _csv_cell(value) -> str | int | float:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
        writer.writerows([[_csv_cell(v) for v in row] for row in batch])
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
