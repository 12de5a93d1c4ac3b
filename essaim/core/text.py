"""Text normalisation shared by the apps' accent-blind searches."""

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Lower-case, accent-free text: "Économie Sociale" → "economie sociale"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(query: str) -> list[str]:
    """The accent-free, lower-case words of ``query`` (letters and digits; "_" splits)."""
    return WORD.findall(normalise(query))
