"""What an application still lacks before it may be submitted.

``missing_items`` is the single source for the completeness panel, the refusal of ``submit`` and
the API. The form engine (essaim.calls) contributes the form's required answers.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MissingItem:
    field: str  # a form field key, or "collective", "challenges", "perimeter", ...
    message: str


def missing_items(application) -> list[MissingItem]:
    from django.utils.translation import gettext as _

    items: list[MissingItem] = []
    if not application.title.strip():
        items.append(MissingItem("title", _("Donnez un titre à la candidature.")))
    if not application.challenges.exists():
        items.append(MissingItem("challenges", _("Décrivez au moins un défi.")))
    return items
