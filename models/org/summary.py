"""What an org import did, counted per kind of row, for the CLI to print."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportSummary:
    areas: Tally = field(default_factory=Tally)
    departments: Tally = field(default_factory=Tally)
    members: Tally = field(default_factory=Tally)
    roles: Tally = field(default_factory=Tally)  # never "updated": a role is there or not
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{name}: {getattr(self, name)}"
                for name in ("areas", "departments", "members", "roles")]
