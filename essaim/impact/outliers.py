"""Which values are far from their series' history: flagged for a staff review, never refused.

**The rule: the modified z-score with the median absolute deviation (MAD).** For a new value
``x`` of a series (one indicator, one territory or project, one breakdown cell), take the series'
earlier values (at most ``HISTORY`` of them, not rejected); with at least ``MIN_HISTORY`` of them,
``m`` their median and ``MAD`` the median of ``|v - m|``:

- ``MAD > 0``: ``x`` is flagged when ``0.6745 × |x − m| / MAD > 3.5`` (Iglewicz and Hoaglin's
  threshold; 0.6745 makes the MAD comparable to a standard deviation for normal data). The median
  and the MAD are not pulled by the outliers they look for, unlike a mean and a standard
  deviation, which matters on the short series (8 to 24 points) a territory reports.
- ``MAD = 0`` (a flat history): ``x`` is flagged when it moves away from ``m`` by more than half of
  ``|m|`` (or by more than 1 when ``m`` is 0).

With fewer than ``MIN_HISTORY`` earlier values nothing is flagged: there is no history to compare.
"""

from decimal import Decimal
from statistics import median

from django.utils.translation import gettext as _

MIN_HISTORY = 4
HISTORY = 24
THRESHOLD = Decimal("3.5")
CONSISTENCY = Decimal("0.6745")


def outlier_reason(value: Decimal, history: list[Decimal]) -> str:
    """Why ``value`` is far from ``history`` (in French, for the reviewer), or "" when it is not."""
    if len(history) < MIN_HISTORY:
        return ""
    values = [Decimal(v) for v in history]
    centre = median(values)
    mad = median([abs(v - centre) for v in values])
    distance = abs(Decimal(value) - centre)
    if mad > 0:
        score = CONSISTENCY * distance / mad
        if score > THRESHOLD:
            return _(
                "Valeur éloignée de l'historique : médiane %(median)s, écart absolu médian "
                "%(mad)s, score %(score)s (seuil 3,5)."
            ) % {
                "median": _fmt(centre),
                "mad": _fmt(mad),
                "score": _fmt(score.quantize(Decimal("0.1"))),
            }
        return ""
    tolerance = abs(centre) / 2 if centre else Decimal(1)
    if distance > tolerance:
        return _(
            "Valeur éloignée d'un historique constant (%(median)s) de plus de %(tolerance)s."
        ) % {"median": _fmt(centre), "tolerance": _fmt(tolerance)}
    return ""


def _fmt(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")
