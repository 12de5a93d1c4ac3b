"""What an application still lacks before it may be submitted.

``missing_items`` is the single source for the completeness panel, the refusal of ``submit`` and
the API. The form engine (essaim.calls) contributes the form's required answers.
"""

from dataclasses import dataclass

from essaim.actors.models import CollectiveRole
from essaim.calls.formengine import FormEngine


@dataclass(frozen=True)
class MissingItem:
    field: str  # a form field path, or "title", "collective", "challenges", "signatory", ...
    message: str


def missing_items(application) -> list[MissingItem]:
    from django.utils.translation import gettext as _

    items: list[MissingItem] = []
    if not application.title.strip():
        items.append(MissingItem("title", _("Donnez un titre à la candidature.")))
    roles = [m.role for m in application.collective.members.all()]
    if CollectiveRole.LEAD not in roles:
        items.append(
            MissingItem("collective", _("Désignez l'organisation chef de file du collectif."))
        )
    if len(roles) < 2:
        items.append(
            MissingItem("collective", _("Le collectif doit réunir au moins deux organisations."))
        )
    challenges = list(application.challenges.all())
    if not challenges:
        items.append(MissingItem("challenges", _("Décrivez au moins un défi.")))
    for challenge in challenges:
        if not challenge.lines:
            items.append(
                MissingItem(
                    "challenges",
                    _("Défi « %(title)s » : indiquez au moins un axe de travail.")
                    % {"title": challenge.title},
                )
            )
    if not any(p.is_signatory and p.user_id for p in application.people.all()):
        items.append(
            MissingItem("people", _("Le collectif doit compter au moins un signataire inscrit."))
        )
    engine = FormEngine(application.form_version.schema)
    items.extend(
        MissingItem(path, message) for path, message in engine.missing(application.answers)
    )
    return items
