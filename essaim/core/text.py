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


# French words too common to tell documents apart (accent-free, as ``words`` returns them).
STOP_WORDS = frozenset(
    """a au aux avec ce ces cette comme dans de des du elle en est et il ils je la le les leur
    leurs lui ma mais me mes mon ne ni nos notre nous on ou par pas pour qu que qui sa se ses son
    sur ta te tes toi ton tu un une vos votre vous y d l j m n s t c est sont etre avoir peut
    faut faire quoi quel quelle quels quelles comment pourquoi quand dont ai as avons avez
    ont""".split()
)

# Endings removed by ``french_stem``, longest first ("-dre"/"-tre" keep their consonant:
# "vendre" → "vend" like "vendent", while "réparé" stays apart from "repas").
_SUFFIXES = (
    "issements", "issement", "ements", "ement", "ations", "ation", "itions", "ition",
    "euses", "euse", "eurs", "eur", "ment", "antes", "ante", "ants", "ant",
    "eront", "erait", "era", "ent", "ons", "ez", "ees", "ee", "ies", "ie", "ir", "er",
    "dre", "tre", "es", "e", "s", "x",
)  # fmt: skip
_KEEP = {"dre": "d", "tre": "t"}


def significant_words(query: str) -> list[str]:
    """The words of ``query`` without French stop words, each once (all its words when it
    holds nothing else)."""
    found = words(query)
    kept = [w for w in found if w not in STOP_WORDS and len(w) > 1]
    return list(dict.fromkeys(kept or found))


def french_stem(word: str) -> str:
    """A light French stem of an accent-free lower-case word, for a substring match on
    databases without full-text search: plural and common endings removed, at least four
    letters kept ("vendre" → "vend", "repas" → "repa", "payants" → "paya")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + _KEEP.get(suffix, "")
            return stem if len(stem) >= 4 or len(word) <= 4 else word[: max(4, len(stem))]
    return word
