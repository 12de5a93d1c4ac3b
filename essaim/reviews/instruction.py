"""Reads for the instruction pages: an application's content rendered read-only, and what
changed between two submissions."""

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application
from essaim.applications.services import snapshot
from essaim.applications.workflow import Status
from essaim.calls.formengine import FormEngine
from essaim.core.models import HistoryEvent

logger = logging.getLogger(__name__)


def answer_sections(application) -> list[dict]:
    """The answers as sections of {label, text} (blocks for repeatable ones), through the form
    engine of ``essaim.calls`` when the form version has a schema; else a plain list."""
    schema = application.form_version.schema or {}
    answers = application.answers or {}
    if schema.get("sections"):
        try:
            return FormEngine(schema).readonly(answers)
        except Exception:  # a broken schema must not hide the answers: list them plainly
            logger.exception("Cannot render the answers of application %s", application.pk)
    if not answers:
        return []
    return [
        {
            "key": "answers",
            "title": _("Réponses"),
            "items": [
                {"label": key, "kind": "text", "text": _plain(value)}
                for key, value in answers.items()
            ],
        }
    ]


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_plain(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    return "" if value is None else str(value)


def application_content(application) -> dict:
    """Everything the applicant sent, for a read-only page (instructors, accepted experts)."""
    return {
        "application": application,
        "members": list(
            application.collective.members.select_related("organisation").order_by("position", "pk")
        ),
        "challenges": list(application.challenges.all()),
        "sections": answer_sections(application),
        "attachments": list(application.attachments.all()),
    }


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


TOP_LABELS = {
    "title": gettext_lazy("Titre"),
    "summary": gettext_lazy("Résumé"),
    "perimeter": gettext_lazy("Territoire"),
    "answers": gettext_lazy("Réponses"),
    "challenges": gettext_lazy("Défis"),
    "organisations": gettext_lazy("Collectif"),
}
TOP_ORDER = list(TOP_LABELS)


def _order(path: str) -> tuple[int, str]:
    head = path.split(".")[0]
    return (TOP_ORDER.index(head) if head in TOP_ORDER else len(TOP_ORDER), path)


def _flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}.{index + 1}", out)
    else:
        out[prefix] = _plain(value)


def _label(path: str) -> str:
    head, _sep, rest = path.partition(".")
    top = str(TOP_LABELS.get(head, head))
    return f"{top} › {rest.replace('.', ' › ')}" if rest else top


def _flatten_answers(answers, schema: dict, out: dict[str, str], labels: dict[str, str]) -> None:
    """The answers as leaves labelled with the form's words (« Territoire › Unité » rather than
    ``perimetre_unite › code``), each answer as the engine displays it; answers to questions the
    form does not have (any more) fall back on their keys."""
    if not isinstance(answers, dict):
        _flatten(answers, "answers", out)
        return
    engine = FormEngine(schema)
    known = set()
    for section in engine.sections:
        title = section.get("title") or section.get("key", "")
        for spec in section.get("fields", []):
            key = spec["key"]
            known.add(key)
            value = answers.get(key)
            if spec["kind"] != "repeat":
                path = f"answers.{key}"
                labels[path] = f"{title} › {spec['label']}"
                out[path] = _display(engine, spec, value)
                continue
            for index, item in enumerate(value if isinstance(value, list) else []):
                item = item if isinstance(item, dict) else {}
                name = f"{spec.get('item_label') or spec['label']} {index + 1}"
                for sub in spec.get("fields", []):
                    path = f"answers.{key}.{index + 1}.{sub['key']}"
                    labels[path] = f"{title} › {name} › {sub['label']}"
                    out[path] = _display(engine, sub, item.get(sub["key"]))
    for key, value in answers.items():
        if key not in known:
            _flatten(value, f"answers.{key}", out)


def _display(engine: FormEngine, spec: dict, value) -> str:
    try:
        return engine.display(spec, value)
    except (KeyError, TypeError, AttributeError):  # an answer of another shape: as stored
        return _plain(value)


def snapshot_diff(before: dict, after: dict, schema: dict | None = None) -> list[Change]:
    """Every leaf that differs between two snapshots (see ``applications.services.snapshot``);
    with the form's ``schema``, the answers are named by the questions' labels, in the form's
    order."""
    old, new, labels = {}, {}, {}
    for snap, out in ((before or {}, old), (after or {}, new)):
        if schema and schema.get("sections"):
            _flatten({k: v for k, v in snap.items() if k != "answers"}, "", out)
            _flatten_answers(snap.get("answers") or {}, schema, out, labels)
        else:
            _flatten(snap, "", out)
    position = {path: index for index, path in enumerate(labels)}

    def order(path: str) -> tuple:
        top, rest = _order(path)
        return (top, position.get(path, len(position)), rest)

    changes = []
    for path in sorted(set(old) | set(new), key=order):
        if old.get(path, "") != new.get(path, ""):
            label = labels.get(path) or _label(path)
            changes.append(Change(path, label, old.get(path, ""), new.get(path, "")))
    return changes


def _schema(application) -> dict:
    return (application.form_version.schema if application.form_version_id else None) or {}


def changes_since_last_submission(application) -> dict | None:
    """What changed since the previous submission: after a resubmission, between the snapshot
    it replaced (kept in its history row) and the current one; while changes are requested,
    between the last submission and the draft as it stands. ``None`` when there is nothing to
    compare."""
    if application.status == Status.CHANGES_REQUESTED and application.submitted_snapshot:
        return {
            "pending": True,
            "changes": snapshot_diff(
                application.submitted_snapshot, snapshot(application), _schema(application)
            ),
            "at": None,
        }
    event = (
        HistoryEvent.objects.for_object(application)
        .filter(action="resubmit")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None or "previous_snapshot" not in (event.payload or {}):
        return None
    return {
        "pending": False,
        "changes": snapshot_diff(
            event.payload["previous_snapshot"],
            application.submitted_snapshot,
            _schema(application),
        ),
        "at": event.at,
    }


def resubmissions():
    """The history rows of applications submitted again after a request for changes (filter
    them on ``object_id`` for one application: the "déposée à nouveau" marker of worklists)."""
    return HistoryEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        action=ApplicationAction.RESUBMIT,
    )
