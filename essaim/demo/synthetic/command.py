"""``essaim generate``: the command line over :func:`essaim.demo.synthetic.generate`."""

import argparse
import sys

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from essaim.demo.synthetic import SCALES, generate, sizes


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="essaim generate",
        description="Generate a synthetic (fictitious) data set for the benchmarks.",
    )
    found.add_argument("--scale", choices=sorted(SCALES), default="small")
    found.add_argument(
        "--factor", type=float, default=1.0, help="multiply every size (0.1: a tenth)"
    )
    found.add_argument("--seed", type=int, default=2019, help="the same seed gives the same rows")
    found.add_argument("--force", action="store_true", help="generate even beside real data")
    found.add_argument("--no-migrate", action="store_true", help="do not migrate first")
    return found


def main(argv: list[str], stdout=None) -> int:
    """Parse ``argv``, migrate, generate; print the counts and times; 0 on success, 2 when the
    database or the options are refused (with the reason on stderr)."""
    args = parser().parse_args(argv)
    stdout = stdout or sys.stdout
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if 0 < args.factor <= 10:
        wanted = ", ".join(f"{n:,} {name}" for name, n in sizes(args.scale, args.factor).items())
        stdout.write(
            f"Generating the {args.scale} data set (x{args.factor:g}, seed {args.seed}) on "
            f"{connection.vendor}: {wanted}\n"
        )
    try:
        run = generate(
            scale=args.scale, seed=args.seed, factor=args.factor, force=args.force, stdout=stdout
        )
    except ValidationError as error:
        sys.stderr.write("essaim generate: " + " ".join(error.messages) + "\n")
        return 2
    stdout.write(f"Done in {run.elapsed:.1f} s.\n")
    return 0
