"""Every error a user can cause, in one place. Each renders as one line naming file, line, record and field."""

from __future__ import annotations

from dataclasses import dataclass


class IncidentKGError(Exception):
    """Base class: the CLI prints str(error) on one line and exits with `exit_code`."""

    exit_code = 1


@dataclass
class InputError(IncidentKGError):
    """Bad input data: a case file or dataset record that cannot become part of the graph."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str
    exit_code = 2

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.record:
            parts.append(f"record {self.record}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class UsageError(IncidentKGError):
    """A command used wrongly: an unknown format, engine or option value, or options that do not go together."""

    exit_code = 2


class QueryError(IncidentKGError):
    """A saved query that does not exist, or a parameter that is missing or of the wrong type."""

    exit_code = 2


class GraphMissingError(IncidentKGError):
    """No built graph where one was expected."""

    exit_code = 3


class ServerError(IncidentKGError):
    """A configured database server cannot be reached or refuses the credentials."""

    exit_code = 4


__all__ = ["GraphMissingError", "IncidentKGError", "InputError", "QueryError", "ServerError", "UsageError"]
