"""The permission matrix: who may GET and POST each route of Essaim.

Columns, one letter each (``matrix_probe.CODES``):

    anon other admin instr offcr lead expert fin holder root

- ``other``: the regional programme"s admin (another programme"s staff);
- ``admin``, ``instr``, ``offcr``: French Impact"s programme admin, instructor, single-window
  officer;
- ``lead``: territory lead of the collective whose application, label, plan and project are asked;
- ``expert``: a French Impact expert asked for an opinion on that application;
- ``fin``: the financer (Bpifrance) whose instrument is asked for;
- ``holder``: the project holder of the project asked about;
- ``root``: a superuser.

Letters: o = 2xx, r = redirect elsewhere, l = redirect to the login page, d = 403/404,
u = 401, x = 405, b = 400/422, t = 429, - = not asked.

Every object asked about belongs to French Impact (``matrix_world.build_world``). ``args`` name
the URL"s keyword arguments: ``pk=application`` takes the world"s application, ``name=:submit`` is
the literal ``submit``.
"""

from .permission_matrix_impact import IMPACT_API, IMPACT_PAGES
from .permission_matrix_news import NEWS_PAGES
from .permission_matrix_partners import PARTNER_PAGES
from .permission_matrix_progdata import PROGDATA_PAGES
from .permission_matrix_settings import SETTINGS_PAGES
from .permission_matrix_synergies import SYNERGIES_API, SYNERGIES_PAGES

# name: (args, GET, POST)
PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "healthz": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "set_language": ("", "r r r r r r r r r r", "r r r r r r r r r r"),
    "account_login": ("", "o r r r r r r r r r", "o r r r r r r r r r"),
    "account_confirm_login_code": ("", "l r r r r r r r r r", "l r r r r r r r r r"),
    "account_logout": ("", "r o o o o o o o o o", "r r r r r r r r r r"),
    "account_inactive": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "account_signup": ("", "o r r r r r r r r r", "o r r r r r r r r r"),
    "account_reauthenticate": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "account_request_reauthentication_code": ("", "l o o o o o o o o r", "l o o o o o o o o r"),
    "account_confirm_reauthentication_code": ("", "l r r r r r r r r r", "l r r r r r r r r r"),
    "account_email": ("", "l o o o o o o o o o", "l r r r r r r r r r"),
    "account_email_verification_sent": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "account_confirm_email": ("key=:inconnue", "o o o o o o o o o o", "d d d d d d d d d d"),
    "account_change_password": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "account_set_password": ("", "l r r r r r r r r r", "l r r r r r r r r r"),
    "account_reset_password": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "account_reset_password_done": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "account_reset_password_from_key_done": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "account_reset_password_from_key": (
        "uidb36=:1 key=:inconnue",
        "o o o o o o o o o o",
        "o o o o o o o o o o",
    ),
    "mfa_index": ("", "l o o o o o o o o o", "l x x x x x x x x x"),
    "mfa_authenticate": ("", "l r r r r r r r r r", "l r r r r r r r r r"),
    "mfa_reauthenticate": ("", "l r r r r r r r r r", "l r r r r r r r r r"),
    "mfa_activate_totp": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "mfa_deactivate_totp": ("", "l d d d d d d d d d", "l d d d d d d d d d"),
    "mfa_view_recovery_codes": ("", "l d d d d d d d d d", "l x x x x x x x x x"),
    "mfa_generate_recovery_codes": ("", "l r r r r r r r r r", "l r r r r r r r r r"),
    "mfa_download_recovery_codes": ("", "l d d d d d d d d d", "l d d d d d d d d d"),
    "socialaccount_login_cancelled": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "socialaccount_login_error": ("", "l u u u u u u u u u", "l x x x x x x x x x"),
    "socialaccount_signup": ("", "l l l l l l l l l l", "l l l l l l l l l l"),
    "socialaccount_connections": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "openid_connect_login": (
        "provider_id=:proconnect",
        "d d d d d d d d d d",
        "d d d d d d d d d d",
    ),
    "openid_connect_callback": (
        "provider_id=:proconnect",
        "d d d d d d d d d d",
        "d d d d d d d d d d",
    ),
    "accounts:dashboard": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "accounts:api_tokens": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "accounts:api_token_revoke": ("pk=api_token", "l x x x x x x x x x", "l d d d d r d d d d"),
    "operators:programme_create": ("", "l d d d d d d d d o", "l d d d d d d d d b"),
    "operators:teams": ("", "l r r d d d d d d o", "l x x x x x x x x x"),
    "operators:team": ("slug=programme_slug", "l d o d d d d d d o", "l x x x x x x x x x"),
    "operators:invite": ("slug=programme_slug", "l x x x x x x x x x", "l d b d d d d d d b"),
    "operators:invite_partner": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d b d d d d d d b",
    ),
    "operators:revoke": (
        "slug=programme_slug pk=team_member",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:cancel_invitation": (
        "slug=programme_slug pk=invitation",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:invitation": ("key=:inconnue", "d d d d d d d d d d", "d d d d d d d d d d"),
    "accounts:login": ("", "o r r r r r r r r r", "o r r r r r r r r r"),
    "accounts:logout": ("", "r o o o o o o o o o", "r r r r r r r r r r"),
    "accounts:password_reset": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "accounts:password_reset_done": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "accounts:password_reset_complete": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "accounts:password_reset_confirm": (
        "uidb64=:MQ token=:inconnu",
        "r r r r r r r r r r",
        "r r r r r r r r r r",
    ),
    "geo:perimeter_list": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "geo:perimeter_create": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "geo:perimeter_detail": ("slug=perimeter", "o o o o o o o o o o", "x x x x x x x x x x"),
    "geo:perimeter_update": ("slug=perimeter", "l d o d d d d d d o", "l d o d d d d d d o"),
    "geo:unit_search": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "actors:directory": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "actors:organisation_create": ("", "l o o d d d d d d o", "l o o d d d d d d o"),
    "actors:organisations_to_verify": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "actors:organisation_verify": ("pk=organisation", "l x x x x x x x x x", "l d d d d d d d d r"),
    "actors:organisation_detail": ("pk=organisation", "o o o o o o o o o o", "o o o o o o o o o o"),
    "actors:organisation_update": ("pk=organisation", "l d d d d d d d o o", "l d d d d d d d o o"),
    "actors:person_add": ("pk=organisation", "l d d d d d d d o o", "l d d d d d d d o o"),
    "actors:partnership_add": ("pk=organisation", "l d d d d d d d o o", "l d d d d d d d o o"),
    "calls:list": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "calls:open": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "calls:create": ("", "l o o d d d d d d o", "l o o d d d d d d o"),
    "calls:detail": ("slug=call_slug", "o o o o o o o o o o", "o o o o o o o o o o"),
    "calls:manage": ("slug=call_slug", "l d o d d d d d d o", "l d o d d d d d d o"),
    "calls:status": ("slug=call_slug", "l x x x x x x x x x", "l d r d d d d d d r"),
    "calls:cutoff_add": ("slug=call_slug", "l x x x x x x x x x", "l d r d d d d d d r"),
    "calls:cutoff_remove": (
        "slug=call_slug pk=cutoff",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "calls:form_edit": ("slug=call_slug", "l d o d d d d d d o", "l d o d d d d d d o"),
    "calls:form_preview": ("slug=call_slug", "l x x x x x x x x x", "l d o d d d d d d o"),
    "calls:form_publish": ("slug=call_slug", "l d o d d d d d d o", "l d r d d d d d d r"),
    "calls:grid_edit": ("slug=call_slug", "l d o d d d d d d o", "l d o d d d d d d o"),
    "applications:mine": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "applications:create": ("", "l d d d d d d d d d", "l d d d d d d d d d"),
    "applications:invitation": ("token=:inconnu", "l d d d d d d d d d", "l d d d d d d d d d"),
    "applications:detail": ("pk=application", "l d o o d o o d d o", "l d o o d o o d d o"),
    "applications:edit": ("pk=application", "l d d d d d d d d d", "l d d d d d d d d d"),
    "applications:submit": ("pk=application", "l d d d d d d d d d", "l d d d d d d d d d"),
    "applications:autosave": ("pk=application", "l x x x x x x x x x", "l d d d d d d d d d"),
    "applications:block_add": (
        "pk=application key=block",
        "l x x x x x x x x x",
        "l d d d d d d d d d",
    ),
    "applications:block_remove": (
        "pk=application key=block index=:0",
        "l x x x x x x x x x",
        "l d d d d d d d d d",
    ),
    "applications:collective": ("pk=application", "l d d d d o d d d d", "l d d d d o d d d d"),
    "applications:organisation_search": (
        "pk=application",
        "l d d d d o d d d d",
        "l d d d d o d d d d",
    ),
    "applications:member_add": ("pk=application", "l x x x x x x x x x", "l d d d d b d d d d"),
    "applications:member_role": (
        "pk=application member_pk=member",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:member_remove": (
        "pk=application member_pk=member",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:person_invite": ("pk=application", "l x x x x x x x x x", "l d d d d b d d d d"),
    "applications:person_update": (
        "pk=application person_pk=person",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:person_remove": (
        "pk=application person_pk=person",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:handover": (
        "pk=application person_pk=person",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:challenges": ("pk=application", "l d d d d d d d d d", "l d d d d d d d d d"),
    "applications:challenge_edit": (
        "pk=application challenge_pk=challenge",
        "l d d d d d d d d d",
        "l d d d d d d d d d",
    ),
    "applications:challenge_remove": (
        "pk=application challenge_pk=challenge",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:challenge_move": (
        "pk=application challenge_pk=challenge direction=:down",
        "l x x x x x x x x x",
        "l d d d d r d d d d",
    ),
    "applications:message_create": ("pk=application", "l x x x x x x x x x", "l d b b d b d d d b"),
    "applications:message_attachment": (
        "pk=application message_pk=message",
        "l d o o d o d d d o",
        "l d o o d o d d d o",
    ),
    "applications:transition": (
        "pk=application name=:withdraw",
        "l x x x x x x x x x",
        "l d r r d r r d d r",
    ),
    "applications:receipt": ("pk=application", "l d o o d o d d d o", "-"),
    "applications:attachment": (
        "pk=application attachment_pk=attachment",
        "l d o o d o o d d o",
        "l d o o d o o d d o",
    ),
    "reviews:my_requests": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "reviews:request_detail": ("pk=review", "l d d d d d o d d d", "l d d d d d o d d d"),
    "reviews:request_conflict": ("pk=review", "l x x x x x x x x x", "l d d d d d b d d d"),
    "reviews:request_opinion": ("pk=review", "l x x x x x x x x x", "l d d d d d b d d d"),
    "reviews:queue": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "reviews:exports": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "reviews:export": ("pk=call fmt=:csv", "l d o o d d d d d o", "l d o o d d d d d o"),
    "reviews:bulk_action": ("", "l x x x x x x x x x", "l r r r d d d d d r"),
    "reviews:instruction_detail": ("pk=application", "l d o o d d d d d o", "l d o o d d d d d o"),
    "reviews:instruction_transition": (
        "pk=application name=:reopen",
        "l x x x x x x x x x",
        "l d b b d d d d d b",
    ),
    "reviews:note_create": ("pk=application", "l x x x x x x x x x", "l d b b d d d d d b"),
    "reviews:instruction_message": (
        "pk=application",
        "l x x x x x x x x x",
        "l d b b d d d d d b",
    ),
    "reviews:assign": ("pk=application", "l x x x x x x x x x", "l d r r d d d d d r"),
    "reviews:review_request": ("pk=application", "l x x x x x x x x x", "l d b b d d d d d b"),
    "reviews:review_cancel": ("pk=review", "l x x x x x x x x x", "l d r r d d d d d r"),
    "labels:verify_form": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "labels:verify": ("code=label_code", "o o o o o o o o o o", "o o o o o o o o o o"),
    "labels:certificate": ("pk=label", "o o o o o o o o o o", "-"),
    "labels:revoke": ("pk=label", "l d o d d d d d d o", "l d o d d d d d d o"),
    "labels:wave_list": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "labels:wave_create": ("", "l o o d d d d d d o", "l o o d d d d d d o"),
    "labels:wave_committee": ("pk=wave", "l d o o d d d d d o", "l d o o d d d d d o"),
    "labels:wave_edit": ("pk=wave", "l d o d d d d d d o", "l d o d d d d d d o"),
    "labels:wave_add": ("pk=wave", "l x x x x x x x x x", "l d b d d d d d d b"),
    "labels:wave_remove": (
        "pk=wave application_pk=application",
        "l x x x x x x x x x",
        "l d d d d d d d d d",
    ),
    "labels:wave_decide": ("pk=wave", "l x x x x x x x x x", "l d b d d d d d d b"),
    "labels:wave_publish": ("pk=wave", "l x x x x x x x x x", "l d r d d d d d d r"),
    "territories:list": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "territories:detail": ("slug=perimeter", "o o o o o o o o o o", "o o o o o o o o o o"),
    "support:index": ("", "l o o o d r d d d o", "l o o o d r d d d o"),
    "support:mine": ("", "l r o o d r d d d o", "l r o o d r d d d o"),
    "support:programme": ("", "l o o o d d d d d o", "l o o o d d d d d o"),
    "support:plan": ("pk=plan", "l d o o d o d d d o", "l d o o d o d d d o"),
    "support:timeline": ("pk=plan", "l d o o d o d d d o", "l d o o d o d d d o"),
    "support:pdf": ("pk=plan", "l d o o d o d d d o", "-"),
    "support:action_create": ("pk=plan", "l d o o d o d d d o", "l d b b d b d d d b"),
    "support:milestone_create": ("pk=plan", "l x x x x x x x x x", "l d r r d r d d d r"),
    "support:meeting_create": ("pk=plan", "l d o o d o d d d o", "l d b b d b d d d b"),
    "support:action": ("pk=action", "l d o o d o d d d o", "l d o o d o d d d o"),
    "support:action_edit": ("pk=action", "l d o o d o d d d o", "l d b b d b d d d b"),
    "support:action_transition": (
        "pk=action name=:start",
        "l x x x x x x x x x",
        "l d r r d r d d d r",
    ),
    "support:action_comment": ("pk=action", "l x x x x x x x x x", "l d b b d b d d d b"),
    "support:milestone_reach": ("pk=milestone", "l x x x x x x x x x", "l d r r d r d d d r"),
    "support:decision_to_action": ("pk=decision", "l x x x x x x x x x", "l d r r d r d d d r"),
    "projects:directory": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "projects:create": ("", "l o o o d o d d o o", "l o o o d o d d o o"),
    "projects:detail": ("pk=project", "o o o o o o o o o o", "o o o o o o o o o o"),
    "projects:edit": ("pk=project", "l d o o d o d d o o", "l d o o d o d d o o"),
    "projects:need_add": ("pk=project", "l x x x x x x x x x", "l d b b d b d d b b"),
    "financing:instrument_list": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "financing:instrument_create": ("", "l d d d d d d o d o", "l d d d d d d o d o"),
    "financing:instrument_detail": ("pk=instrument", "o o o o o o o o o o", "o o o o o o o o o o"),
    "financing:instrument_edit": ("pk=instrument", "l d d d d d d o d o", "l d d d d d d o d o"),
    "financing:matches": ("project_pk=project", "o o o o o o o o o o", "o o o o o o o o o o"),
    "financing:request_create": (
        "project_pk=project instrument_pk=instrument",
        "l d d d d o d d o d",
        "l d d d d b d d b d",
    ),
    "financing:request_list": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "financing:request_detail": ("pk=request", "l d o o d o d o o o", "l d o o d o d o o o"),
    "financing:request_document": (
        "pk=request document_pk=document",
        "l d o o d o d o o o",
        "l d o o d o d o o o",
    ),
    "financing:request_transition": ("pk=request", "l x x x x x x x x x", "l d b b d b d b b b"),
    "financing:request_grant": ("pk=request", "l d d d d d d o d d", "l d d d d d d b d d"),
    "financing:gaps": ("", "l o o o d o d o d o", "l o o o d o d o d o"),
    "financing:alerts": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "financing:alert_subscribe": ("", "l x x x x x x x x x", "l r r r r r r r r r"),
    "financing:alert_unsubscribe": ("pk=alert", "l x x x x x x x x x", "l d d d d r d d d d"),
    "regulatory:home": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "regulatory:ticket_new": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "regulatory:ticket_confirm": ("token=:inconnu", "d d d d d d d d d d", "d d d d d d d d d d"),
    "regulatory:mail_sender_confirm": (
        "token=:inconnu",
        "d d d d d d d d d d",
        "d d d d d d d d d d",
    ),
    "regulatory:knowledge_base": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "regulatory:article_detail": ("slug=article", "o o o o o o o o o o", "o o o o o o o o o o"),
    "regulatory:my_tickets": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "regulatory:queue": ("", "l d d d o d d d d o", "l d d d o d d d d o"),
    "regulatory:ticket_detail": ("pk=ticket", "l d d d o d d d o o", "l d d d o d d d o o"),
    "regulatory:attachment_download": (
        "pk=attachment_ticket attachment_pk=ticket_attachment",
        "l d d d o d d d d o",
        "l d d d o d d d d o",
    ),
    "regulatory:ticket_action": (
        "pk=ticket name=:triage",
        "l x x x x x x x x x",
        "l d d d b d d d b b",
    ),
    "regulatory:quarantine_list": ("", "l d d d o d d d d o", "l d d d o d d d d o"),
    "regulatory:quarantine_detail": ("pk=quarantine", "l d d d o d d d d o", "l d d d o d d d d o"),
    "regulatory:quarantine_raw": ("pk=quarantine", "l d d d o d d d d o", "l d d d o d d d d o"),
    "regulatory:quarantine_action": (
        "pk=quarantine name=:reprocess",
        "l x x x x x x x x x",
        "l d d d b d d d d b",
    ),
    "regulatory:experimentation_list": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "regulatory:experimentation_new": ("", "l o o o o o o o o o", "l o o o o o o o o o"),
    "regulatory:experimentation_detail": (
        "pk=experimentation",
        "l d o d o d d d d o",
        "l d o d o d d d d o",
    ),
    "regulatory:experimentation_action": (
        "pk=experimentation name=:review",
        "l x x x x x x x x x",
        "l d r d r d d d d r",
    ),
    "api:openapi-json": ("", "o o o o o o o o o o", "-"),
    "api:openapi-view": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "api:api-root": ("", "d d d d d d d d d d", "d d d d d d d d d d"),
    "portal:home": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "portal:programme_list": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "portal:programme": ("slug=programme_slug", "o o o o o o o o o o", "x x x x x x x x x x"),
    "portal:accessibility": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    "portal:legal": ("", "o o o o o o o o o o", "o o o o o o o o o o"),
    # --- impact: essaim/portal/tests/permission_matrix_impact.py ---
    **IMPACT_PAGES,
    # --- Operators: roles in collectives and partner organisations; partner organisations ---
    **PARTNER_PAGES,
    # --- Synergies: the ecosystem network (public like the territory's label; people for staff
    # and the collective only, checked in essaim/synergies/tests/test_network_pages.py).
    "synergies:territory_network": ("slug=perimeter", "o o o o o o o o o o", "x x x x x x x x x x"),
    "synergies:project_relation_add": (
        "pk=project",
        "l d d d d d d d o o",
        "l d d d d d d d o o",
    ),
}

# A programme's settings (operators.settings_views): their rows in their own module, to keep
# this one under the size limit.
PAGES.update(SETTINGS_PAGES)
PAGES.update(PROGDATA_PAGES)

# "METHOD path" of the OpenAPI document: (args, expected, body). In a body, "@key" is the world"s
# object of that name.
API: dict[str, tuple[str, str | None, dict | None]] = {
    "POST /api/v1/auth/token": (
        "",
        "b b b b b b b b b b",
        {"email": "nobody@example.test", "password": "wrong-password"},
    ),
    "DELETE /api/v1/auth/token": ("", "u o o o o o o o o o", None),
    "GET /api/v1/auth/me": ("", "u o o o o o o o o o", None),
    "GET /api/v1/geo/regions": ("", "o o o o o o o o o o", None),
    "GET /api/v1/geo/departements": ("", "o o o o o o o o o o", None),
    "GET /api/v1/geo/epci": ("", "o o o o o o o o o o", None),
    "GET /api/v1/geo/communes": ("", "o o o o o o o o o o", None),
    "GET /api/v1/geo/communes/{insee}": ("insee=commune", "o o o o o o o o o o", None),
    "GET /api/v1/geo/perimeters": ("", "o o o o o o o o o o", None),
    "GET /api/v1/geo/perimeters/{perimeter_id}": (
        "perimeter_id=perimeter_id",
        "o o o o o o o o o o",
        None,
    ),
    "GET /api/v1/geo/perimeters/{perimeter_id}/communes": (
        "perimeter_id=perimeter_id",
        "o o o o o o o o o o",
        None,
    ),
    "GET /api/v1/organisations": ("", "o o o o o o o o o o", None),
    "GET /api/v1/organisations/{organisation_id}": (
        "organisation_id=organisation",
        "o o o o o o o o o o",
        None,
    ),
    "GET /api/v1/calls": ("", "o o o o o o o o o o", None),
    "GET /api/v1/calls/{call_id}": ("call_id=call", "o o o o o o o o o o", None),
    "GET /api/v1/applications": ("", "u o o o o o o o o o", None),
    "POST /api/v1/applications": (
        "",
        "u o o o o o o o o o",
        {"call_id": "@call", "title": "Matrice", "perimeter_slug": "@perimeter"},
    ),
    "GET /api/v1/applications/{application_id}": (
        "application_id=application",
        "u d o o d o o d d o",
        None,
    ),
    "PATCH /api/v1/applications/{application_id}": (
        "application_id=application",
        "u d d d d b d d d d",
        {"summary": "Matrice"},
    ),
    "POST /api/v1/applications/{application_id}/transitions/{name}": (
        "application_id=application name=:withdraw",
        "u d c c d c c d d c",
        {"name": "withdraw"},
    ),
    "GET /api/v1/reviews": ("", "u o o o o o o o o o", None),
    "GET /api/v1/reviews/{review_id}": ("review_id=review", "u d o o d d o d d o", None),
    "PUT /api/v1/reviews/{review_id}": (
        "review_id=review",
        "u d d d d d b d d d",
        {"comment": "Matrice"},
    ),
    "POST /api/v1/reviews/{review_id}/conflict": (
        "review_id=review",
        "u d d d d d b d d d",
        {"has_conflict": False},
    ),
    "GET /api/v1/applications/{application_id}/consolidation": (
        "application_id=application",
        "u d o o d d d d d o",
        None,
    ),
    "GET /api/v1/waves": ("", "o o o o o o o o o o", None),
    "GET /api/v1/labels": ("", "o o o o o o o o o o", None),
    "GET /api/v1/labels/verify/{code}": ("code=label_code", "o o o o o o o o o o", None),
    "GET /api/v1/support-plans": ("", "u o o o o o o o o o", None),
    "GET /api/v1/support-plans/{plan_id}": ("plan_id=plan", "u d o o d o d d d o", None),
    "POST /api/v1/support-plans/{plan_id}/actions": (
        "plan_id=plan",
        "u d o o d o d d d o",
        {"axis_id": "@axis", "title": "Matrice"},
    ),
    "POST /api/v1/support-actions/{action_id}/transitions/{name}": (
        "action_id=action name=:start",
        "u d o o d o d d d o",
        {"name": "start"},
    ),
    "GET /api/v1/projects": ("", "o o o o o o o o o o", None),
    "POST /api/v1/projects": (
        "",
        "u d d d d d d d o o",
        {"title": "Matrice", "summary": "Matrice", "holder_id": "@organisation", "stage": "seed"},
    ),
    "GET /api/v1/projects/{project_id}": ("project_id=project", "o o o o o o o o o o", None),
    "GET /api/v1/projects/{project_id}/matches": (
        "project_id=project",
        "o o o o o o o o o o",
        None,
    ),
    "GET /api/v1/instruments": ("", "o o o o o o o o o o", None),
    "GET /api/v1/instruments/{instrument_id}": (
        "instrument_id=instrument",
        "o o o o o o o o o o",
        None,
    ),
    "PATCH /api/v1/instruments/{instrument_id}": (
        "instrument_id=instrument",
        "u d d d d d d o d o",
        {"description": "Matrice"},
    ),
    "GET /api/v1/financing-requests": ("", "u o o o o o o o o o", None),
    "POST /api/v1/financing-requests": (
        "",
        "u d d d d o d d o d",
        {
            "project_id": "@project",
            "instrument_id": "@instrument",
            "amount": 1000,
            "purpose": "Matrice",
        },
    ),
    "GET /api/v1/financing-requests/totals": ("", "u o o o o o o o o o", None),
    "GET /api/v1/financing-requests/{request_id}": (
        "request_id=request",
        "u d o o d o d o o o",
        None,
    ),
    "POST /api/v1/financing-requests/{request_id}/transitions": (
        "request_id=request",
        "u d d d d d d o d d",
        {"name": "start_review"},
    ),
    "GET /api/v1/financing-gaps": ("", "u o o o d o d o d o", None),
    "GET /api/v1/tickets": ("", "u o o o o o o o o o", None),
    "POST /api/v1/tickets": (
        "",
        "u o o o o o o o o o",
        {"title": "Matrice", "wants_to_do": "Essayer", "blocked_by": "Une règle"},
    ),
    "GET /api/v1/tickets/{ticket_id}": ("ticket_id=ticket", "u d d d o d d d o o", None),
    "GET /api/v1/knowledge-base": ("", "o o o o o o o o o o", None),
    "GET /api/v1/knowledge-base/figures": ("", "o o o o o o o o o o", None),
    "GET /api/v1/experimentation-requests": ("", "u o o o o o o o o o", None),
    "GET /api/v1/experimentation-requests/{request_id}": (
        "request_id=experimentation",
        "u d o d o d d d d o",
        None,
    ),
    # --- impact: essaim/portal/tests/permission_matrix_impact.py ---
    **IMPACT_API,
    # --- Synergies: the ecosystem network.
    "GET /api/v1/network/{territory}": ("territory=perimeter", "o o o o o o o o o o", None),
}

# Each step's rows may live in its own module (this one is at the logic-line limit).
PAGES.update(SYNERGIES_PAGES)
API.update(SYNERGIES_API)
PAGES.update(NEWS_PAGES)
