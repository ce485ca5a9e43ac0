"""What an import did, per legacy table, for the command to print."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class TableStats:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    skipped: Counter = field(default_factory=Counter)
    # Rows that went in, but with something worth knowing (e.g. an unreadable timestamp).
    notes: Counter = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


@dataclass
class Report:
    tables: dict[str, TableStats] = field(default_factory=lambda: defaultdict(TableStats))
    unusable_passwords: list[str] = field(default_factory=list)
    merged: list[tuple[str, list[str]]] = field(default_factory=list)
    profile_errors: list[str] = field(default_factory=list)
    # "table#id: column value is not money" and the like, from archived rows' normalised values.
    value_problems: list[str] = field(default_factory=list)
    retired_agents: list[str] = field(default_factory=list)
    # The business tables: whose shop they went to, placeholders made, rows kept archived and why.
    business: list[str] = field(default_factory=list)
    undecodable_text: int = 0
    read_from_copy: bool = False
    dry_run: bool = False
    rolled_back: bool = False

    @property
    def skipped_total(self) -> int:
        return sum(t.skipped_total for t in self.tables.values())
