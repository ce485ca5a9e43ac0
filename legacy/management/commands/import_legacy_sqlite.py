"""``manage.py import_legacy_sqlite PATH``: move the old system's SQLite data in (docs/legacy-import.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from legacy.importer import TABLES, Importer, ImportOptionError
from legacy.reader import LegacyFileError
from legacy.report import Report

# The list of unreadable archived values can be as long as a table; the rest are lists people act on.
LIST_LIMIT = 50


class Command(BaseCommand):
    help = "Import a legacy 6FB SQLite database (read-only). Safe to run again: it only updates what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Read, check and report; write nothing.")
        parser.add_argument(
            "--only",
            default="",
            help=f"Comma-separated: {', '.join(TABLES)}, a business table (services…) or a table to archive.",
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument("--strict", action="store_true", help="Any skipped row fails the run; nothing written.")

    def progress(self, table: str, done: int, total: int) -> None:
        """A bar redrawn in place on a terminal; one plain line per batch otherwise (logs, pipes)."""
        if self.stdout.isatty():
            width = 30
            filled = min(width, int(width * done / total)) if total else width
            bar = f"[{'#' * filled}{'.' * (width - filled)}]"
            self.stdout.write(f"\r{table:<22} {bar} {done}/{total}", ending="")
            if done >= total:
                self.stdout.write("")
        else:
            self.stdout.write(f"{table}: {done}/{total}")

    def handle(self, *args: Any, **options: Any) -> None:
        only = {t.strip() for t in str(options["only"]).split(",") if t.strip()} or None
        if int(options["batch_size"]) < 1:
            raise CommandError("--batch-size must be at least 1.", returncode=2)
        try:
            importer = Importer(
                options["path"],
                dry_run=bool(options["dry_run"]),
                only=only,
                batch_size=int(options["batch_size"]),
                strict=bool(options["strict"]),
                progress=self.progress,
            )
        except (LegacyFileError, ImportOptionError) as exc:
            raise CommandError(f"{exc}\nNothing was written.", returncode=2) from exc
        try:
            report = importer.run()
        except LegacyFileError as exc:  # a damaged page found mid-run
            raise CommandError(f"{exc}{self.what_was_kept(options)}", returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(f"The import stopped on a database error: {exc}{self.what_was_kept(options)}") from exc
        self.print_report(report)
        if report.skipped_total:
            if options["strict"]:
                raise CommandError("--strict: rows were skipped, so nothing was written.", returncode=1)
            sys.exit(1)

    @staticmethod
    def what_was_kept(options: dict[str, object]) -> str:
        if options["dry_run"] or options["strict"]:
            return "\nNothing was written."
        return (
            "\nEvery batch finished before this point is saved and complete; once the cause is fixed, run the "
            "same command again: it carries on where this run stopped."
        )

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
            for note, n in sorted(t.notes.items()):
                out(f"    note {n}: {note}")
        self.print_list(
            "Emails differing only in case, merged into one user (the oldest row wins):",
            [f"{email}: {', '.join(originals)}" for email, originals in report.merged],
        )
        self.print_list("Users without a usable password (they must reset it by email):", report.unusable_passwords)
        self.print_list("Shop profiles that could not be read:", report.profile_errors)
        self.print_list(
            "Business tables (the shop's services, barbers, customers, appointments, payments):",
            report.business,
            limit=LIST_LIMIT,
        )
        self.print_list(
            "Values that are not what their column should hold (kept as they were in the record's payload, "
            "None in normalized):",
            report.value_problems,
            limit=LIST_LIMIT,
        )
        if report.retired_agents:
            out(f"\nUnknown agents kept as retired agents: {', '.join(report.retired_agents)}")
        if report.undecodable_text:
            out(f"\n{report.undecodable_text} text values were not valid UTF-8: bad bytes became U+FFFD.")
        if report.read_from_copy:
            out("\nThe file's folder is read-only and it has a -wal file: read from a private temporary copy.")
        if report.dry_run:
            out("\nDry run: nothing was written.")
        elif report.rolled_back:
            out("\nNothing was written.")

    def print_list(self, title: str, lines: list[str], limit: int | None = None) -> None:
        if not lines:
            return
        self.stdout.write(f"\n{title}")
        for line in lines[:limit]:
            self.stdout.write(f"  {line}")
        if limit is not None and len(lines) > limit:
            self.stdout.write(f"  … and {len(lines) - limit} more")
