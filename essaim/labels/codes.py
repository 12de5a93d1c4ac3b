"""Certificate verification codes that survive being read aloud or typed again.

A new code is 16 characters of Crockford's base32 (digits and capital letters without I, L, O
and U: 80 random bits) in four groups, e.g. ``7KQ2-M9XD-AB3F-0ZRT``. Verification accepts what a
person types: any case, spaces or dashes anywhere, O for 0, I or L for 1. Codes made before
(``secrets.token_urlsafe``: mixed case, ``-`` and ``_``) are still found by their exact value,
which is always tried first.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_SIZE = 4, 4
LENGTH = GROUPS * GROUP_SIZE
# What people read or type for a character of the alphabet.
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")


def _grouped(chars: str) -> str:
    return "-".join(chars[i : i + GROUP_SIZE] for i in range(0, LENGTH, GROUP_SIZE))


def new_code() -> str:
    """A new verification code, e.g. ``7KQ2-M9XD-AB3F-0ZRT``."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def normalise(raw: str) -> str | None:
    """The canonical form of a typed code (``7kq2 m9xd-ab3f-ozrt`` → ``7KQ2-M9XD-AB3F-0ZRT``),
    or ``None`` when it cannot be one of the new codes."""
    chars = _SEPARATORS.sub("", raw or "").upper().translate(_CONFUSED)
    if len(chars) != LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return _grouped(chars)


def candidates(raw: str) -> list[str]:
    """The stored values a typed code may stand for, the exact one first."""
    exact = (raw or "").strip()
    canonical = normalise(exact)
    return [exact] + ([canonical] if canonical and canonical != exact else [])
