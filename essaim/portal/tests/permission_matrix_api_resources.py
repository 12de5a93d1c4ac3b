"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API's news, webhooks, own tokens, and a programme's team, partners and settings. The objects asked
about are those of the pages' rows: French Impact's draft post (``news_draft``), its admin's
webhook subscription and failed delivery, the lead's API token, the instructor's team role, a
pending invitation, a category no article uses and the first support axis."""

PROGRAMME = "programme_id=programme_id"

API_RESOURCES: dict[str, tuple[str, str | None, dict | None]] = {
    # Own API tokens: each caller lists theirs; only the lead owns the token asked about.
    "GET /api/v1/auth/tokens": ("", "u o o o o o o o o o", None),
    "DELETE /api/v1/auth/tokens/{token_id}": ("token_id=api_token", "u d d d d o d d d d", None),
    # News: published posts for anyone, drafts for their programme's team.
    "GET /api/v1/news": ("", "o o o o o o o o o o", None),
    "POST /api/v1/news": (
        "",
        "u d o o d d d d d o",
        {"programme_id": "@programme_id", "title": "Matrice", "summary": "S.", "body": "B."},
    ),
    "GET /api/v1/news/{news_id}": ("news_id=news_draft", "d d o o d d d d d o", None),
    "PATCH /api/v1/news/{news_id}": (
        "news_id=news_draft",
        "u d o o d d d d d o",
        {"title": "Matrice"},
    ),
    "POST /api/v1/news/{news_id}/publish": ("news_id=news_draft", "u d o o d d d d d o", None),
    "POST /api/v1/news/{news_id}/unpublish": (
        "news_id=news_draft",
        "u d b b d d d d d b",  # a draft: nothing to unpublish
        {"comment": "Matrice"},
    ),
    # Webhooks: the owner's only (French Impact's admin).
    "GET /api/v1/webhooks": ("", "u o o o o o o o o o", None),
    "POST /api/v1/webhooks": (
        "",
        "u d o o b d d d d o",
        {
            "programme_id": "@programme_id",
            "url": "http://127.0.0.1:9/matrice",
            "events": ["label.granted"],
        },
    ),
    "GET /api/v1/webhooks/{subscription_id}": (
        "subscription_id=webhook",
        "u d o d d d d d d d",
        None,
    ),
    "PATCH /api/v1/webhooks/{subscription_id}": (
        "subscription_id=webhook",
        "u d o d d d d d d d",
        {"name": "Matrice"},
    ),
    "POST /api/v1/webhooks/{subscription_id}/secret/rotate": (
        "subscription_id=webhook",
        "u d o d d d d d d d",
        None,
    ),
    "GET /api/v1/webhooks/{subscription_id}/deliveries": (
        "subscription_id=webhook",
        "u d o d d d d d d d",
        None,
    ),
    "POST /api/v1/webhook-deliveries/{delivery_id}/replay": (
        "delivery_id=webhook_delivery",
        "u d o d d d d d d d",
        None,
    ),
    # A programme's team and partners: its admins (a superuser is admin of every programme).
    "GET /api/v1/programmes/{programme_id}/team/members": (PROGRAMME, "u d o d d d d d d o", None),
    "DELETE /api/v1/programmes/{programme_id}/team/members/{membership_id}": (
        f"{PROGRAMME} membership_id=team_member",
        "u d o d d d d d d o",
        None,
    ),
    "GET /api/v1/programmes/{programme_id}/team/invitations": (
        PROGRAMME,
        "u d o d d d d d d o",
        None,
    ),
    "POST /api/v1/programmes/{programme_id}/team/invitations": (
        PROGRAMME,
        "u d o d d d d d d o",
        {"email": "matrice@exemple.fr", "role": "instructor"},
    ),
    "DELETE /api/v1/programmes/{programme_id}/team/invitations/{invitation_id}": (
        f"{PROGRAMME} invitation_id=invitation",
        "u d o d d d d d d o",
        None,
    ),
    "GET /api/v1/programmes/{programme_id}/partners": (PROGRAMME, "u d o d d d d d d o", None),
    "POST /api/v1/programmes/{programme_id}/partners": (
        PROGRAMME,
        "u d o d d d d d d o",
        {"organisation_id": "@company", "kind": "network"},
    ),
    "DELETE /api/v1/programmes/{programme_id}/partners/{partnership_id}": (
        f"{PROGRAMME} partnership_id=partner",
        "u d o d d d d d d o",
        None,
    ),
    "GET /api/v1/programmes/{programme_id}/partner-roles": (PROGRAMME, "u d o d d d d d d o", None),
    "DELETE /api/v1/programmes/{programme_id}/partner-roles/{membership_id}": (
        f"{PROGRAMME} membership_id=partner_member",
        "u d o d d d d d d o",
        None,
    ),
    # A programme's settings: its admins.
    "GET /api/v1/programmes/{programme_id}/categories": (PROGRAMME, "u d o d d d d d d o", None),
    "POST /api/v1/programmes/{programme_id}/categories": (
        PROGRAMME,
        "u d o d d d d d d o",
        {"title": "Matrice"},
    ),
    "PATCH /api/v1/programmes/{programme_id}/categories/{category_id}": (
        f"{PROGRAMME} category_id=kb_category",
        "u d o d d d d d d o",
        {"title": "Matrice"},
    ),
    "DELETE /api/v1/programmes/{programme_id}/categories/{category_id}": (
        f"{PROGRAMME} category_id=kb_category",
        "u d o d d d d d d o",
        None,
    ),
    "POST /api/v1/programmes/{programme_id}/categories/{category_id}/move": (
        f"{PROGRAMME} category_id=kb_category",
        "u d o d d d d d d o",
        {"direction": "up"},
    ),
    "GET /api/v1/programmes/{programme_id}/support-axes": (PROGRAMME, "u d o d d d d d d o", None),
    "POST /api/v1/programmes/{programme_id}/support-axes": (
        PROGRAMME,
        "u d o d d d d d d o",
        {"title": "Matrice"},
    ),
    "PATCH /api/v1/programmes/{programme_id}/support-axes/{axis_id}": (
        f"{PROGRAMME} axis_id=axis",
        "u d o d d d d d d o",
        {"title": "Matrice"},
    ),
    "DELETE /api/v1/programmes/{programme_id}/support-axes/{axis_id}": (
        f"{PROGRAMME} axis_id=axis",
        "u d b d d d d d d b",
        None,
    ),
    "POST /api/v1/programmes/{programme_id}/support-axes/{axis_id}/move": (
        f"{PROGRAMME} axis_id=axis",
        "u d o d d d d d d o",
        {"direction": "down"},
    ),
    # Events between territories (synergies): their programme's staff and audience.
    "GET /api/v1/events": ("", "u o o o o o o o o o", None),
    "POST /api/v1/events": (
        "",
        "u d o o d d d d d o",
        {
            "programme_id": "@programme_id",
            "title": "Matrice",
            "starts_at": "2099-06-01T10:00:00+00:00",
            "place": "Poitiers",
            "capacity": 10,
        },
    ),
    "GET /api/v1/events/{event_id}": ("event_id=event", "u d o o d o d d o o", None),
    "PATCH /api/v1/events/{event_id}": (
        "event_id=event",
        "u d o o d d d d d o",
        {"title": "Matrice"},
    ),
    "POST /api/v1/events/{event_id}/registration": ("event_id=event", "u d d d d o d d o d", None),
    # The demo's lead is registered; the holder is not (404).
    "DELETE /api/v1/events/{event_id}/registration": (
        "event_id=event",
        "u d d d d o d d d d",
        None,
    ),
}
