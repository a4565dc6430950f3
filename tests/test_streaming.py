"""The streaming ingest (importer → spool on disk → build reading it back a chunk at a time) builds exactly what
a build of the same records held in memory builds, byte for byte, and holds no more than a batch of them."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from incidentkg.core.errors import InputError
from incidentkg.ingest import build as build_module
from incidentkg.ingest import importers, spool, ucdp
from incidentkg.ingest.build import build, bundled_case
from incidentkg.ingest.case import read_cases
from incidentkg.ingest.importers import import_and_build
from incidentkg.ingest.resolve import links

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import ucdp_copies  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "fixtures" / "ucdp-ged-sample.csv"
REAL = REPO.parent / "shared" / "data" / "ucdp-ged-mexico.csv"
FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "context.jsonld", "manifest.json")


@pytest.fixture
def spools(monkeypatch) -> list[dict]:
    """Small batches and chunks (so that a small file is written and built in many), and the figures of every
    spool an ingest closes."""
    monkeypatch.setattr(spool, "BATCH", 10)
    monkeypatch.setattr(build_module, "CHUNK_RECORDS", 97)
    monkeypatch.setattr(build_module, "COMPILED_ABOVE_RECORDS", 100)
    closed = []

    class Recorded(spool.Spool):
        def close(self) -> None:
            closed.append({"records": len(self), "peak": self.peak, "shared": len(self.shared)})
            super().close()

    monkeypatch.setattr(importers, "Spool", Recorded)
    return closed


def in_memory(path: Path, inputs: list[Path], out: Path):
    """The build as it was before the spool: every record of the import held, then resolved, then built."""
    records = ucdp.read(path)
    return build(inputs, out=out, records=records + links(records + read_cases(inputs)))


@pytest.mark.parametrize("source,with_case", [("sample", False), ("sample", True), ("real", False)])
def test_a_streamed_ingest_builds_what_a_build_in_memory_builds(tmp_path, spools, source, with_case):
    if source == "real" and not REAL.exists():
        pytest.skip("the real UCDP file is not here")
    ged = ucdp_copies(SAMPLE, 40, tmp_path / "ged.csv") if source == "sample" else \
        ucdp_copies(REAL, 2, tmp_path / "ged.csv", rows=400)
    inputs = [bundled_case()] if with_case else []
    streamed = import_and_build([("ucdp", ged)], no_case=not with_case, out=tmp_path / "streamed")
    held = in_memory(ged, inputs, tmp_path / "held")
    for name in FILES:
        assert (tmp_path / "streamed" / name).read_bytes() == (tmp_path / "held" / name).read_bytes(), name
    assert (streamed.triples, streamed.inferred, streamed.classes, streamed.contradictions,
            streamed.disputed_quantities) == (held.triples, held.inferred, held.classes, held.contradictions,
                                              held.disputed_quantities)
    [figures] = spools
    # Held unwritten at once: a batch, and the records of the event that completed it.
    assert figures["peak"] < spool.BATCH + 20
    assert figures["records"] > 10 * figures["peak"]
    assert figures["shared"] < figures["records"] / 4  # agents, places, outlets, documents: cited again


def last_row_edited(path: Path, column: str, value: str) -> int:
    """Set a cell of the last event of a CSV file; returns the line the event starts on."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows, starts = [], []
        while True:
            starts.append(reader.line_num + 1)
            row = next(reader, None)
            if row is None:
                break
            rows.append(row)
    rows[-1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return starts[len(rows) - 1]


@pytest.mark.parametrize("column,value,field", [
    ("type_of_violence", "7", "type_of_violence"),  # refused by the importer, late in the file
    ("date_prec", "9", "datePrecision"),  # refused by the validator, in the build's last chunk, read back from disk
])
def test_a_bad_row_late_in_a_streamed_file_is_one_error_and_keeps_the_previous_build(tmp_path, spools, column,
                                                                                     value, field):
    ged = ucdp_copies(SAMPLE, 30, tmp_path / "ged.csv")
    import_and_build([("ucdp", ged)], no_case=True, out=tmp_path / "g")
    before = (tmp_path / "g" / "graph.nt").read_bytes()
    line = last_row_edited(ged, column, value)
    with pytest.raises(InputError) as error:
        import_and_build([("ucdp", ged)], no_case=True, out=tmp_path / "g")
    assert (error.value.file, error.value.line, error.value.field) == (str(ged), line, field), str(error.value)
    assert (tmp_path / "g" / "graph.nt").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g", "ged.csv"], "nothing is left beside the build"


def test_the_json_ld_does_not_depend_on_how_many_objects_its_writer_remembers(tmp_path, monkeypatch):
    from incidentkg.ingest import bulk

    build([bundled_case()], out=tmp_path / "default")
    monkeypatch.setattr(bulk, "MEMO_OBJECTS", 1)  # every predicate starts afresh at its second object
    build([bundled_case()], out=tmp_path / "forgetful")
    written = (tmp_path / "default" / "graph.jsonld").read_bytes()
    assert written == (tmp_path / "forgetful" / "graph.jsonld").read_bytes()
    assert written.count(b'"@id"') > 300
