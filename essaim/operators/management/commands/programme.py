"""``essaim programme export SLUG [-o FILE]``, ``essaim programme import FILE|-`` and
``essaim programme new SLUG --name NAME [--template french-impact]``."""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from essaim.calls.models import Programme
from essaim.operators import programme_file, services


class Command(BaseCommand):
    help = "Export a programme's configuration to YAML, or import one (validated first)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write a programme's configuration as YAML")
        export.add_argument("slug", help="the programme's identifier (slug)")
        export.add_argument("-o", "--output", help="file to write (default: standard output)")
        imported = actions.add_parser(
            "import", help="create or update a programme from a YAML file (nothing on error)"
        )
        imported.add_argument("file", help="the YAML file, or - for standard input")
        imported.add_argument("--check", action="store_true", help="validate only, write nothing")

        new = actions.add_parser("new", help="start a new programme from a shipped template")
        new.add_argument("slug", help="the new programme's identifier (letters, digits, -)")
        new.add_argument("--name", required=True, help="the programme's name")
        new.add_argument("--label-name", help="the name of its label (default: the name)")
        new.add_argument(
            "--template",
            default="french-impact",
            choices=programme_file.template_names(),
            help="the configuration to start from (default: french-impact)",
        )

    def handle(self, *args, action, **options):
        if action == "export":
            return self._export(options["slug"], options.get("output"))
        if action == "new":
            return self._new(options)
        return self._import(options["file"], check=options["check"])

    def _new(self, options) -> None:
        try:
            result = services.programme_start(
                user=None,
                template=options["template"],
                slug=options["slug"],
                name=options["name"],
                label_name=options["label_name"] or "",
            )
        except ValidationError as error:  # the only one: the identifier is taken
            raise CommandError(f"A programme {options['slug']!r} exists already.") from error
        except services.ProgrammeFileRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(refused.problems)} problem(s): nothing was imported."
            ) from refused
        self.stdout.write(f"Programme {result.programme.slug}: {result.summary()}")

    def _export(self, slug: str, output: str | None) -> None:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No programme {slug!r} (known: {known}).")
        text = programme_file.dump(programme_file.export_programme(programme))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")

    def _import(self, name: str, *, check: bool) -> None:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {name}: {error}") from error
        data, problems = programme_file.read(text)
        self._write(data, problems, check=check)

    def _write(self, data, problems, *, check: bool) -> None:
        if not problems and not check:
            try:
                result = services.import_programme(data)
            except services.ProgrammeFileRefused as refused:
                problems = refused.problems
        elif not problems:
            problems = services.published_version_problems(data)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s): nothing was imported.")
        if check:
            self.stdout.write("The file is valid; nothing was written (--check).")
            return
        self.stdout.write(
            f"Programme {result.programme.slug}: {result.summary()}"
            + ("" if result.changed else " (nothing changed)")
        )
