"""The import → resolve → build sequence that `incidentkg ingest` runs.

The importers are named in `ingest.IMPORTERS` (a new one is a module and a line there). Each has
`read(path, *, published=None, progress=None, warn=None) -> list[Record]`: `published` dates the dataset when the
file does not, `progress(rows)` reports rows read, `warn(line)` gets one line per oddity kept as a note rather
than rejected. Within a spool (`spool.Spool.active`, as here) the importers' `tabular.Records` collectors write
the records to it as they are made, and `read` returns what is left (nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..core.runtime import Progress
from . import IMPORTERS
from .build import BuildSummary, build, bundled_case
from .case import Record, read_cases
from .resolve import READS, RESOLVED, links
from .spool import Spool


def read_dataset(name: str, path: Path, *, published: str | None = None, progress: Callable[[int], None] | None = None,
                 warn: Callable[[str], None] | None = None) -> list[Record]:
    return IMPORTERS.get(name)(path, published=published, progress=progress, warn=warn)


def import_and_build(sources: list[tuple[str, Path]], *, case: list[Path] | None = None, no_case: bool = False,
                     resolve: bool = True, published: str | None = None, out: Path | None = None,
                     warn: Callable[[str], None] | None = None, reading: Callable[[Path, int], None] | None = None,
                     progress: Progress | None = None, finish: Callable[[Path, Progress], None] | None = None,
                     note: Callable[[str], None] | None = None) -> BuildSummary:
    """Import dataset files (FORMAT, path) into one graph with the case files (the bundled case unless `case`
    names others, none with `no_case`), link the records that denote the same actor, place or incident across
    them (`resolve`), and build. `published` dates the first file; `reading(path, rows)` reports rows read;
    `finish` and `note` go to `build`."""
    for name, _ in sources:
        IMPORTERS.check(name)  # every format is checked before any file is read
    first = sources[0][1] if sources else None
    # The records go to a spool as they are made, and the build reads them back a chunk at a time.
    with Spool(resolved=RESOLVED, reads=READS) as spool:
        with spool.active():
            for name, path in sources:  # what an importer returns it did not write to the spool itself
                spool.extend(read_dataset(name, path, published=published if path == first else None, warn=warn,
                                          progress=(lambda rows, path=path: reading(path, rows)) if reading else None))
        inputs = [] if no_case else list(case or [bundled_case()])
        if resolve:
            if progress:
                progress("resolving identities", 0, 0)
            spool.extend(links(spool.resolvable + read_cases(inputs)))
        # the case files go in as inputs, so the build's manifest records their digests
        return build(inputs, out=out, records=spool, progress=progress, finish=finish, note=note)


__all__ = ["import_and_build", "read_dataset"]
