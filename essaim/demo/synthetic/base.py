"""What every step of the synthetic generator shares: the sizes, the random source, the timer."""

import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC as utc
from datetime import date, datetime, timedelta

# The national data set (issue 12's "Scale"); ``small`` is a hundredth of it.
NATIONAL = {
    "territories": 500,
    "organisations": 50_000,
    "projects": 20_000,
    "applications": 100_000,
    "tickets": 50_000,
    "measurements": 2_000_000,
}
SCALES = {"national": 1.0, "small": 0.01}
BATCH = 5000
# The story starts with the programme: every generated date counts from here, never from today,
# so that the same seed gives the same rows.
EPOCH = date(2019, 1, 1)
PROGRAMME_SLUG = "synthetique"
PROGRAMME_NAME = "Programme synthétique (données générées)"
DATASET = "synthetic"


def sizes(scale: str, factor: float = 1.0) -> dict[str, int]:
    ratio = SCALES[scale] * factor
    return {name: max(1, math.ceil(count * ratio)) for name, count in NATIONAL.items()}


def moment(day: date, seconds: int = 36_000) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=utc) + timedelta(seconds=seconds)


@dataclass
class Run:
    """One generation: the wanted sizes, the seeded random source, what was made so far."""

    counts: dict[str, int]
    seed: int
    stdout: object = None
    rng: random.Random = field(init=False)
    timings: list[tuple[str, int, float]] = field(default_factory=list)
    made: dict = field(default_factory=dict)
    steps_total: int = 0  # how many steps ``generate`` runs (for "[3/17]" in the terminal)
    steps_started: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - synthetic data, not secrets

    def step(self, name: str, rows_of):
        """Run ``rows_of()`` (it returns how many rows it wrote) and print its time; the step's
        name and rank ("[3/17] applications…") are printed as it starts, so that a long national
        run shows where it is."""
        self.steps_started += 1
        if self.stdout is not None:
            rank = f"{self.steps_started}/{self.steps_total}" if self.steps_total else ""
            self.stdout.write(f"[{rank}] {name}…\n")
            self.stdout.flush()
        started = time.monotonic()
        rows = rows_of()
        self.record(name, rows, time.monotonic() - started)
        return rows

    def record(self, name: str, rows: int, elapsed: float) -> None:
        self.timings.append((name, rows, elapsed))
        if self.stdout is not None:
            self.stdout.write(f"  {name:<22} {rows:>10,} rows {elapsed:7.1f} s\n")
            self.stdout.flush()


def bulk(model, objects, batch_size: int = BATCH) -> list:
    """Insert ``objects`` in batches; the created objects carry their primary keys."""
    created = []
    objects = list(objects)
    for start in range(0, len(objects), batch_size):
        created += model.objects.bulk_create(objects[start : start + batch_size])
    return created
