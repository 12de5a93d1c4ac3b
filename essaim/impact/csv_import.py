"""Measurements uploaded as a CSV file, for one labelled territory.

The file is read and every row checked (``services.measurement_check``) before anything is
written: an unknown indicator code, a text in a number column, a wrong unit, a value out of the
indicator's bounds, a duplicate row (in the file, or a value already recorded) — each is reported
with its line (the header is line 1) and its column, in French. Nothing is imported while the
report has an error, unless the user explicitly accepts the valid rows: then those, and only
those, are written, in one transaction.

Columns (header line required, ``;`` or ``,`` separated, UTF-8 or Windows-1252):
``indicateur`` (code), ``periode`` (fin de période: AAAA-MM-JJ, JJ/MM/AAAA or AAAA for 31
December), ``valeur``, and optionally ``projet`` (the project's number), ``unite``, ``poids``,
``ventilation`` (``sexe=femme;age=moins-26``), ``source``, ``commentaire``.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.impact import services
from essaim.impact.models import Channel, Indicator, Measurement
from essaim.projects.models import Project

MAX_BYTES = 1_000_000
MAX_ROWS = 2000
REQUIRED = ("indicateur", "periode", "valeur")
OPTIONAL = ("projet", "unite", "poids", "ventilation", "source", "commentaire")
# The service's field names → the file's columns, for the report.
COLUMN_OF = {
    "indicator": "indicateur",
    "period_end": "periode",
    "value": "valeur",
    "project": "projet",
    "unit": "unite",
    "weight": "poids",
    "breakdown": "ventilation",
    "source": "source",
    "comment": "commentaire",
    "campaign": "campagne",
}


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    valid: list = field(default_factory=list)  # services.Checked
    imported: list[Measurement] = field(default_factory=list)

    @property
    def error_lines(self) -> int:
        return len({e.line for e in self.errors})

    @property
    def flagged(self) -> int:
        return sum(1 for m in self.imported if m.status == "flagged")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("Le fichier n'est ni en UTF-8 ni en Windows-1252.")})


def parse_period(text: str) -> datetime.date:
    text = (text or "").strip()
    try:
        if len(text) == 4 and text.isdigit():
            return datetime.date(int(text), 12, 31)
        if "/" in text:
            return datetime.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 - a date
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {
                "period_end": _("« %(t)s » n'est pas une date (AAAA-MM-JJ, JJ/MM/AAAA ou AAAA).")
                % {"t": text[:20]}
            }
        ) from None


def read_rows(data: bytes) -> list[dict]:
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("Le fichier dépasse 1 Mo.")})
    text = _decode(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise ValidationError(
            {"file": _("Colonnes manquantes : %(cols)s.") % {"cols": ", ".join(missing)}}
        )
    unknown = [h for h in headers if h not in REQUIRED + OPTIONAL]
    if unknown:
        raise ValidationError(
            {"file": _("Colonnes inconnues : %(cols)s.") % {"cols": ", ".join(unknown[:5])}}
        )
    reader.fieldnames = headers
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                {"file": _("Au plus %(n)s lignes par fichier.") % {"n": MAX_ROWS}}
            )
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    if not rows:
        raise ValidationError({"file": _("Le fichier ne contient aucune ligne de valeurs.")})
    return rows


def _add(report: ImportReport, line: int, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                report.errors.append(RowError(line, COLUMN_OF.get(name, name), message))
    else:
        for message in error.messages:
            report.errors.append(RowError(line, "", message))


def measurements_import(
    *,
    user,
    label,
    data: bytes,
    default_source: str = "",
    campaign=None,
    accept_valid: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row of the file; write them all when the file is clean, or the valid ones when
    ``accept_valid``; write nothing otherwise, nor ever with ``dry_run`` (the check alone).
    ``ValidationError`` for a file that cannot be read at all (size, encoding, columns), and for
    a value recorded meanwhile by someone else (the whole file is then rolled back)."""
    rows = read_rows(data)
    report = ImportReport(rows=len(rows))
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(programme_id=label.programme_id).select_related(
            "numerator", "denominator", "weight"
        )
    }
    project_ids = {r["projet"] for r in rows if r.get("projet", "").isdigit()}
    projects = Project.objects.in_bulk([int(p) for p in project_ids if len(p) < 12])
    seen: dict[tuple, int] = {}
    for line, row in enumerate(rows, start=2):
        indicator = indicators.get(row["indicateur"])
        if indicator is None:
            report.errors.append(
                RowError(
                    line,
                    "indicateur",
                    _("Indicateur « %(code)s » inconnu dans la bibliothèque du programme.")
                    % {"code": row["indicateur"][:40]},
                )
            )
            continue
        project = None
        if row.get("projet"):
            project = (
                projects.get(int(row["projet"]))
                if row["projet"].isdigit() and len(row["projet"]) < 12
                else None
            )
            if project is None:
                report.errors.append(
                    RowError(
                        line, "projet", _("Projet « %(p)s » inconnu.") % {"p": row["projet"][:20]}
                    )
                )
                continue
        try:
            period_end = parse_period(row["periode"])
            breakdown = services.parse_breakdown(row.get("ventilation", ""))
            checked = services.measurement_check(
                user=user,
                indicator=indicator,
                label=label,
                project=project,
                period_end=period_end,
                value=row["valeur"],
                weight=row.get("poids") or None,
                breakdown=breakdown,
                unit=row.get("unite", ""),
                source=row.get("source") or default_source,
                comment=row.get("commentaire", ""),
                campaign=campaign,
            )
        except ValidationError as error:
            _add(report, line, error)
            continue
        except PermissionDenied:
            report.errors.append(
                RowError(line, "projet", _("Vous ne pouvez pas saisir de valeur pour ce projet."))
            )
            continue
        key = (indicator.pk, project.pk if project else None, period_end, checked.breakdown_key)
        if key in seen:
            report.errors.append(
                RowError(line, "periode", _("Doublon de la ligne %(n)s.") % {"n": seen[key]})
            )
            continue
        seen[key] = line
        report.valid.append(checked)
    if dry_run or (report.errors and not accept_valid):
        return report
    with transaction.atomic():
        for checked in report.valid:
            report.imported.append(
                services.measurement_write(user=user, checked=checked, channel=Channel.CSV)
            )
    return report
