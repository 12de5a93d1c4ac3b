"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
partners page's other writes in the API — an organisation created with its partnership, someone
invited into a partner organisation (the programme's admins; anyone else a 404, as on the
page) — and an experimentation request filed directly (anyone signed in, as on the page). The
partnership asked about is the world's financer's; the call is the world's experimentation call."""

PROGRAMME = "programme_id=programme_id"
ADMINS = "u d o d d d d d d o"

PARTNERS_MORE_API: dict[str, tuple[str, str | None, dict | None]] = {
    "POST /api/v1/programmes/{programme_id}/partners/new-organisation": (
        PROGRAMME,
        ADMINS,
        {
            "name": "Matrice",
            "siret": "52601815501004",
            "organisation_kind": "financer",
            "kind": "financer",
        },
    ),
    "POST /api/v1/programmes/{programme_id}/partners/{partnership_id}/invitations": (
        f"{PROGRAMME} partnership_id=partner",
        ADMINS,
        {"email": "matrice@example.org", "role": "financer"},
    ),
    "POST /api/v1/experimentation-requests": (
        "",
        "u o o o o o o o o o",
        {
            "call_id": "@experimentation_call",
            "title": "Matrice",
            "derogation_asked": "Matrice",
            "rule_text": "Matrice",
            "rule_level": "decree",
            "duration_months": 12,
            "evaluation_plan": "Matrice",
        },
    ),
}
