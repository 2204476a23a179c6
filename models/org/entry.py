"""A mapping read from an org file that remembers its lines, and the error that cites them."""

from __future__ import annotations


class OrgFileError(Exception):
    """A problem in the file, with its 1-based line (None: the file as a whole)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


class Entry(dict):
    """One mapping from the file, remembering its line and the line of each of its keys."""

    def __init__(self, line: int, values: dict | None = None):
        super().__init__(values or {})
        self.line = line
        self.lines: dict[str, int] = {}  # CSV rows leave it empty: a row is one line

    def at(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def fail(self, key: str | None, message: str) -> OrgFileError:
        return OrgFileError(self.at(key) if key else self.line, message)
