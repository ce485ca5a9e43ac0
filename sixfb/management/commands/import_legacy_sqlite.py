"""``manage.py import_legacy_sqlite PATH``: move the old system's SQLite data in (docs/legacy-import.md)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sixfb.legacy.importer import TABLES, Importer, Report
from sixfb.legacy.reader import LegacyFileError


class Command(BaseCommand):
    help = "Import a legacy 6FB SQLite database (read-only). Safe to run again: it only updates what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Read, check and report; write nothing.")
        parser.add_argument(
            "--only", default="", help=f"Comma-separated: {', '.join(TABLES)} or a legacy table to archive."
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--strict", action="store_true", help="Any skipped row fails the run; nothing written.")

    def handle(self, *args: object, **options: object) -> None:
        only = {t.strip() for t in str(options["only"]).split(",") if t.strip()} or None
        tty = sys.stdout.isatty()

        def progress(table: str, done: int, total: int) -> None:
            if tty:
                width = 30
                filled = int(width * done / total) if total else width
                self.stdout.write(f"\r{table:<22} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
                if done >= total:
                    self.stdout.write("")
            else:
                self.stdout.write(f"{table}: {done}/{total}")

        try:
            importer = Importer(
                options["path"],
                dry_run=bool(options["dry_run"]),
                only=only,
                batch_size=max(1, int(options["batch_size"])),
                strict=bool(options["strict"]),
                progress=progress,
            )
        except LegacyFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        report = importer.run()
        self.print_report(report)
        if report.skipped_total:
            if options["strict"]:
                raise CommandError("--strict: rows were skipped, so nothing was written.", returncode=1)
            sys.exit(1)

    def print_report(self, report: Report) -> None:
        out = self.stdout.write
        out("")
        header = f"{'table':<24}{'read':>8}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}{'archived':>10}"
        out(header)
        out("-" * len(header))
        for name, t in report.tables.items():
            out(
                f"{name:<24}{t.read:>8}{t.created:>9}{t.updated:>9}{t.unchanged:>11}{t.skipped_total:>9}{t.archived:>10}"
            )
            for reason, n in sorted(t.skipped.items()):
                out(f"    skipped {n}: {reason}")
        if report.merged:
            out("\nEmails differing only in case, merged into one user (the oldest row wins):")
            for email, originals in report.merged:
                out(f"  {email}: {', '.join(originals)}")
        if report.unusable_passwords:
            out("\nUsers without a usable password (they must reset it by email):")
            for email in report.unusable_passwords:
                out(f"  {email}")
        if report.profile_errors:
            out("\nShop profiles that could not be read:")
            for line in report.profile_errors:
                out(f"  {line}")
        if report.retired_agents:
            out(f"\nUnknown agents kept as retired agents: {', '.join(report.retired_agents)}")
        if report.dry_run:
            out("\nDry run: nothing was written.")
        elif report.rolled_back:
            out("\nNothing was written.")
