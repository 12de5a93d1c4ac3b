"""The permission matrix's rows of the synergies step (engaged companies, offers, introductions,
events), merged into ``permission_matrix.PAGES`` and ``API``. Same columns and letters.

The matrix has no engaged-company column: the company's own pages (its space, its offers, "Je
peux aider", reporting) answer 403 to every identity here; ``essaim/synergies/tests`` ask them as
the company and as another company."""

SYNERGIES_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "synergies:company_space": ("", "l d d d d d d d d d", "l d d d d d d d d d"),
    "synergies:offer_list": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "synergies:my_offers": ("", "l d d d d d d d d d", "l d d d d d d d d d"),
    "synergies:offer_create": ("", "l d d d d d d d d d", "l d d d d d d d d d"),
    "synergies:offer_detail": ("pk=offer", "o o o o o o o o o o", "o o o o o o o o o o"),
    "synergies:offer_edit": ("pk=offer", "l d d d d d d d d o", "l d d d d d d d d o"),
    "synergies:offer_status": ("pk=offer", "l x x x x x x x x x", "l d d d d d d d d r"),
    "synergies:need_help": ("need_pk=need", "l d d d d d d d d d", "l d d d d d d d d d"),
    "synergies:introduction_list": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "synergies:introduction_detail": (
        "pk=introduction",
        "l d o o d o d d o o",
        "l d o o d o d d o o",
    ),
    "synergies:introduction_transition": (
        "pk=introduction",
        "l x x x x x x x x x",
        "l d b b d b d d b b",
    ),
    "synergies:introduction_report": (
        "pk=introduction",
        "l d d d d d d d d d",
        "l d d d d d d d d d",
    ),
    "synergies:overview": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "synergies:event_list": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "synergies:event_create": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "synergies:event_detail": ("pk=event", "l d o o d o d d o o", "l d o o d o d d o o"),
    "synergies:event_edit": ("pk=event", "l d o o d d d d d o", "l d o o d d d d d o"),
    "synergies:event_register": ("pk=event", "l x x x x x x x x x", "l d d d d r d d r d"),
    "synergies:event_unregister": ("pk=event", "l x x x x x x x x x", "l d r r d r d d r r"),
    "synergies:event_attendance": ("pk=event", "l x x x x x x x x x", "l d r r d d d d d r"),
    # Ending a project's relation: who may declare one (the holder's members, a superuser); an
    # empty form is refused (422) and ends nothing.
    "synergies:project_relation_end": (
        "pk=project_relation",
        "l d d d d d d d o o",
        "l d d d d d d d b b",
    ),
}

SYNERGIES_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/offers": ("", "o o o o o o o o o o", None),
    "POST /api/v1/offers": (
        "",
        "u d d d d d d d d o",
        {
            "company_id": "@company",
            "kind": "mentoring",
            "title": "Matrice",
            "description": "Matrice",
            "is_national": True,
        },
    ),
    "GET /api/v1/offers/{offer_id}": ("offer_id=offer", "o o o o o o o o o o", None),
    "PATCH /api/v1/offers/{offer_id}": (
        "offer_id=offer",
        "u d d d d d d d d o",
        {"conditions": "Matrice"},
    ),
    "GET /api/v1/needs": ("", "o o o o o o o o o o", None),
    "GET /api/v1/introductions": ("", "u o o o o o o o o o", None),
    "POST /api/v1/introductions": (
        "",
        "u d d d d d d d d d",
        {"need_id": "@need", "company_id": "@company", "message": "Matrice"},
    ),
    "GET /api/v1/introductions/{introduction_id}": (
        "introduction_id=introduction",
        "u d o o d o d d o o",
        None,
    ),
    "POST /api/v1/introductions/{introduction_id}/transitions": (
        "introduction_id=introduction",
        "u d d d d o d d o d",
        {"name": "accept"},
    ),
}
