"""``{% new_idempotency_key %}``: a fresh key for one form (see ``essaim.core.idempotency``).
Forms include ``core/_idempotency_key.html`` rather than calling it."""

import secrets

from django import template

register = template.Library()


@register.simple_tag
def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)
