"""What a new form version of the call does to its applications (receivers of
``essaim.calls.hooks``, registered in ``ApplicationsConfig.ready``)."""

from essaim.applications import workflow
from essaim.applications.models import Application
from essaim.calls.formengine import is_empty
from essaim.calls.formengine.impact import answer_problems
from essaim.calls.formschema import schema_diff
from essaim.calls.models import FormVersion
from essaim.calls.services import AffectedDraft

DRAFT_STATES = [workflow.Status.DRAFT, workflow.Status.CHANGES_REQUESTED]


def _answered(answers: dict, path: str) -> bool:
    if ".*." in path:
        block, sub = path.split(".*.")
        return any(
            isinstance(item, dict) and not is_empty(item.get(sub))
            for item in answers.get(block) or []
        )
    return not is_empty(answers.get(path))


def drafts_affected_by(*, version: FormVersion) -> list[AffectedDraft]:
    """Draft applications of the call (and those sent back for changes) whose answers
    ``version`` would touch: fields they answered that it removes or changes, and the problems
    their saved answers have once validated against it (a question newly required left empty, a
    removed option chosen, a type changed: what would block them). Receiver of
    ``calls.hooks.form_version_drafts``: every draft, touched or not (``AffectedDraft.touched``)."""
    previous = {
        v.pk: v.schema
        for v in FormVersion.objects.filter(call_id=version.call_id, published_at__isnull=False)
    }
    result = []
    drafts = (
        Application.objects.filter(call_id=version.call_id, status__in=DRAFT_STATES)
        .only("pk", "reference", "title", "answers", "form_version_id", "status")
        .order_by("reference", "pk")
    )
    diffs: dict[int, dict] = {}
    for application in drafts:
        if application.form_version_id not in diffs:
            diffs[application.form_version_id] = schema_diff(
                previous.get(application.form_version_id, {}), version.schema
            )
        diff = diffs[application.form_version_id]
        touched = [
            path
            for path in diff["removed"] + diff["changed"]
            if _answered(application.answers, path)
        ]
        problems = answer_problems(
            previous.get(application.form_version_id), version.schema, application.answers
        )
        result.append(AffectedDraft(application=application, fields=touched, problems=problems))
    return result


def drafts_move_to(*, version: FormVersion, user) -> dict:
    """Move the call's draft applications (and those sent back for changes) to the version just
    published; they keep their answers (answers to removed fields stay in the data, no longer
    shown). Submitted applications keep the version they answered. Receiver of
    ``calls.hooks.form_version_published``, inside its transaction; returns what the call's
    history records."""
    affected = [a for a in drafts_affected_by(version=version) if a.touched]
    moved = Application.objects.filter(call_id=version.call_id, status__in=DRAFT_STATES).update(
        form_version=version
    )
    return {
        "moved_applications": moved,
        "affected": {a.application.reference: a.fields for a in affected},
        "blocked": [a.application.reference for a in affected if a.blocked],
    }
