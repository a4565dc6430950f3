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


class PendingReviewError(IncidentKGError):
    """Records still marked `review: pending` (a draft from `incidentkg extract`): one line for each, so that
    nothing unreviewed enters the graph. `lines` are the InputErrors naming each record."""

    exit_code = 2

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(f"{len(errors)} proposal(s) not reviewed")
        self.errors = list(errors)

    @property
    def lines(self) -> list[str]:
        return [str(error) for error in self.errors]


class UsageError(IncidentKGError):
    """A command used wrongly: an unknown format, engine or option value, or options that do not go together."""

    exit_code = 2


class QueryError(IncidentKGError):
    """A saved query that does not exist, or a parameter that is missing or of the wrong type."""

    exit_code = 2


class PathError(IncidentKGError):
    """A path the command was given (or writes to) that the operating system refuses: missing, unreadable,
    read-only, full, a directory where a file was expected. Exit 2, like any bad input."""

    exit_code = 2

    def __init__(self, path: str | None, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path

    @classmethod
    def from_os_error(cls, error: OSError, fallback: str | None = None) -> "PathError":
        """The one line for an OSError: the path it names (else `fallback`, the path the command was writing)
        and the system's reason. Some libraries (Oxigraph) raise OSError with only a message, which names the
        path itself."""
        path = error.filename
        if path is not None and error.filename2 is not None:
            path = f"{path} -> {error.filename2}"
        if error.strerror:
            return cls(str(path) if path is not None else fallback, error.strerror.lower())
        return cls(str(path) if path is not None else None, str(error) or type(error).__name__)


class GraphMissingError(IncidentKGError):
    """No built graph where one was expected."""

    exit_code = 3


class ServerError(IncidentKGError):
    """A configured database server cannot be reached or refuses the credentials."""

    exit_code = 4


class DataWarning(UserWarning):
    """Input that is kept but deserves a note (the CLI prints each as one `note:` line on stderr): e.g. control
    characters in a name or quote."""


__all__ = ["DataWarning", "GraphMissingError", "IncidentKGError", "InputError", "PathError", "PendingReviewError", "QueryError", "ServerError", "UsageError"]
