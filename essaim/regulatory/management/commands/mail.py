"""``essaim mail poll`` and ``essaim mail import FILE…`` (.eml, mbox or Maildir)."""

import imaplib

from django.core.management.base import BaseCommand, CommandError

from essaim.regulatory.inbound import ImapSettings, mail_import, mail_poll


class Command(BaseCommand):
    help = "Read the single window's mail: poll the IMAP mailbox, or import files."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="read new messages of the IMAP mailbox (ESSAIM_IMAP_*)")
        poll.add_argument("--host")
        poll.add_argument("--port", type=int)
        poll.add_argument("--user")
        poll.add_argument("--password")
        poll.add_argument("--folder")
        poll.add_argument("--no-ssl", action="store_true")
        imp = sub.add_parser("import", help="import .eml files, mbox files or Maildir folders")
        imp.add_argument("paths", nargs="+")

    def handle(self, *args, **options):
        if options["action"] == "import":
            try:
                report = mail_import(options["paths"])
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(str(report))
            for number in dict.fromkeys(report.tickets):
                self.stdout.write(f"  {number}")
            return
        config = ImapSettings.from_env()
        overrides = {
            key: options[key]
            for key in ("host", "port", "user", "password", "folder")
            if options.get(key)
        }
        if config is None and "host" not in overrides:
            raise CommandError("ESSAIM_IMAP_HOST n'est pas défini (ni --host).")
        if config is None:
            config = ImapSettings(host=overrides["host"], port=993, user="", password="")
        for key, value in overrides.items():
            setattr(config, key, value)
        if options["no_ssl"]:
            config.ssl = False
            if "port" not in overrides and config.port == 993:
                config.port = 143
        try:
            report = mail_poll(config)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise CommandError(f"IMAP {config.host}:{config.port} : {exc}") from exc
        self.stdout.write(str(report))
