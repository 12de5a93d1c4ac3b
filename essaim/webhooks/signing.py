"""The signature of a delivery: ``X-Essaim-Signature: t=<unix time>,v1=<hex>`` where ``<hex>`` is
the HMAC-SHA256, keyed by the subscription's secret, of ``"<unix time>.<body>"`` (the raw request
body). A receiver recomputes it, compares in constant time and refuses an old ``t`` (replays of a
captured request): ``docs/api.md`` shows how."""

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


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
