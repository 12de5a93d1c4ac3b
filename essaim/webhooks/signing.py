"""The signature of a delivery: ``X-Essaim-Signature: t=<unix time>,v1=<hex>`` where ``<hex>`` is
the HMAC-SHA256, keyed by the subscription's secret, of ``"<unix time>.<body>"`` (the raw request
body). A receiver recomputes it, compares in constant time and refuses an old ``t`` (replays of a
captured request): ``docs/api.md`` shows how.

During a secret's rotation the header carries one ``v1=`` per secret, the new one first
(``t=…,v1=<new>,v1=<former>``, as Stripe does): a receiver accepts the request when any of them
matches the secret it holds, so it may switch to the new secret at any time in the grace period."""

import hashlib
import hmac
import json
import time

SIGNATURE_HEADER = "X-Essaim-Signature"
EVENT_ID_HEADER = "X-Essaim-Event-Id"
EVENT_TYPE_HEADER = "X-Essaim-Event"


def body_of(payload: dict) -> bytes:
    """The request body: the same bytes for every attempt of a delivery."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: str | list[str], body: bytes, timestamp: int | None = None) -> str:
    """``t=<time>,v1=<hex>``, with one ``v1=`` per secret of ``secrets`` (in their order)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    keys = [secrets] if isinstance(secrets, str) else secrets
    return ",".join([f"t={timestamp}", *(f"v1={signature(key, timestamp, body)}" for key in keys)])
