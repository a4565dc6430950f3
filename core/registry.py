"""Small named registries (in the manner of rdflib's plugin.py): a name maps to a module and an attribute that
load on first use, with a one-line description. The CLI's help text and its checks read the same registry as
the code that runs the chosen entry, so the names are written once."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any, NamedTuple

from .errors import UsageError


class Plugin(NamedTuple):
    module: str  # absolute module name
    attr: str  # the function (or object) in it
    description: str

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module), self.attr)


class Registry:
    """What one option chooses among: `get(name)` loads the entry, or fails with a UsageError naming the
    choices; `help()` is the text option help shows."""

    def __init__(self, what: str, entries: dict[str, Plugin]) -> None:
        self.what = what
        self.entries = dict(entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def names(self) -> list[str]:
        return list(self.entries)

    def check(self, name: str) -> Plugin:
        found = self.entries.get(name)
        if found is None:
            raise UsageError(f"unknown {self.what} '{name}' (one of: {', '.join(self.entries)})")
        return found

    def get(self, name: str) -> Any:
        return self.check(name).load()

    def help(self) -> str:
        return "; ".join(f"{name} ({plugin.description})" for name, plugin in self.entries.items())


__all__ = ["Plugin", "Registry"]
