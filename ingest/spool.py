"""Records on disk between the import and the build, so that a large import holds compact indexes rather than
every record (`incidentkg ingest`: importers → spool → entity resolution → build, the build reading the spool
back a chunk at a time).

The spool is a nameless temporary file (gone when closed, and with the process if it is killed) of pickled
batches of records, in the order they were made. A collector (`tabular.Records`) adds each record when it makes
it and says when the records it added are complete (`done`: an importer may still change the records of the
event it is reading); only complete ones are written. Shared records (`tabular.Records.once`: the agents, places
and outlets that many events cite) stay in memory, as an importer may still change them (a new alias): the file
holds their id in their place, and reading back gives the record with its final fields. Beside the file are kept
what the build and entity resolution need of every record: its class by id, and for the classes resolution
compares, the record (shared) or a copy with only the fields resolution reads.
"""

from __future__ import annotations

import contextlib
import contextvars
import pickle
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..ontology import load
from .case import Origin, Record

BATCH = 2000  # complete records per pickle: large enough for pickle's speed, small beside a build chunk

_CURRENT: contextvars.ContextVar[Spool | None] = contextvars.ContextVar("spool", default=None)


def current() -> Spool | None:
    """The spool collectors write to (`Spool.active`), if any."""
    return _CURRENT.get()


class Spool:
    """Records in order, most of them on disk. `add` takes each record as it is made, `done` says the records
    added so far are complete; iterating gives them all back in order; `classes` maps every id to its class;
    `find(id)` reads a record back (for error messages); `duplicate` is the first record whose id came before.
    `resolved` names the top classes whose records entity resolution compares and `reads` the fields it reads
    of them: `resolvable` holds those records, in order. `peak` is the most records held in memory unwritten."""

    def __init__(self, folder: Path | None = None, *, resolved: Iterable[str] = (),
                 reads: Iterable[str] = ()) -> None:
        self._file = tempfile.TemporaryFile(prefix=".incidentkg-spool-", dir=folder)
        self.classes: dict[str, str] = {}
        self.shared: dict[str, Record] = {}
        self.resolvable: list[Record] = []
        self.duplicate: Record | None = None
        self.peak = 0
        self._batch: list[Record | str] = []  # records, and the ids of shared ones, not written yet
        self._held = 0  # records (not shared ones) in the batch
        self._slim: list[int] = []  # indexes in `resolvable` of the batch's records, to slim when written
        self._count = 0
        self._segments = 0
        self._owners: dict[str, int] = {}  # id -> segment, for the ids of every segment but the first
        self._onto = load()
        self._kinds, self._reads = frozenset(resolved), frozenset(reads)
        self._resolved: dict[str, bool] = {}  # class -> whether resolution reads it
        self._origins: dict[str, Origin] = {}  # file -> the one origin of the slim copies from it

    def __len__(self) -> int:
        return self._count

    @contextlib.contextmanager
    def active(self):
        """Within: the spool new `tabular.Records` collectors write to."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    def segment(self) -> int:
        """A number for one collector's records (see `owns`)."""
        self._segments += 1
        return self._segments - 1

    def owns(self, segment: int, record_id: str) -> bool:
        """Whether the record with this id was added from `segment`."""
        return record_id in self.classes and self._owners.get(record_id, 0) == segment

    def add(self, record: Record, shared: bool = False, segment: int = 0) -> None:
        """One record (a shared one: kept in memory, see the module's doc), after every record before it."""
        record_id = record.id
        if record_id in self.classes:
            if self.duplicate is None:
                self.duplicate = record
        else:
            self.classes[record_id] = sys.intern(record.cls)
            if segment:
                self._owners[record_id] = segment
        if shared:
            self.shared.setdefault(record_id, record)
            self._batch.append(record_id)
        else:
            self._batch.append(record)
            self._held += 1
            self.peak = max(self.peak, self._held)
        resolved = self._resolved.get(record.cls)
        if resolved is None:
            resolved = self._resolved[record.cls] = self._onto.top_class(record.cls) in self._kinds
        if resolved:
            if not shared:
                self._slim.append(len(self.resolvable))
            self.resolvable.append(record)
        self._count += 1

    def done(self) -> None:
        """The records added so far are complete: they may be written."""
        if self._held >= BATCH:
            self._flush()

    def extend(self, records: Iterable[Record]) -> None:
        """Complete records, after those before."""
        for record in records:
            self.add(record)
            self.done()

    def _flush(self) -> None:
        resolvable = self.resolvable
        for index in self._slim:
            resolvable[index] = self._slimmed(resolvable[index])
        self._slim = []
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch, self._held = [], 0

    def _slimmed(self, record: Record) -> Record:
        file = record.origin.file
        origin = self._origins.get(file)
        if origin is None:
            origin = self._origins[file] = Origin(file)
        return Record(record.cls, record.id, {k: v for k, v in record.fields.items() if k in self._reads}, origin)

    def __iter__(self) -> Iterator[Record]:
        self._flush()
        shared, handle = self.shared, self._file
        handle.seek(0)
        while True:
            try:
                batch = pickle.load(handle)
            except EOFError:
                return
            position = handle.tell()
            for entry in batch:
                yield shared[entry] if type(entry) is str else entry
            handle.seek(position)  # a reader may have moved it meanwhile (find)

    def find(self, record_id: str) -> Record | None:
        """The first record with this id (read back from the file: for error messages)."""
        if record_id not in self.classes:
            return None
        self._flush()
        position = self._file.tell()
        try:
            return next((r for r in self if r.id == record_id), None)
        finally:
            self._file.seek(position)

    def close(self) -> None:
        self._file.close()
        self.classes, self.shared, self.resolvable, self._batch = {}, {}, [], []

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_) -> None:
        self.close()


__all__ = ["BATCH", "Spool", "current"]
