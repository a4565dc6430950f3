"""`incidentkg diff OLD NEW` on two real builds: the bundled case, and a copy of it with a figure revised, a
document added and a name changed, and one with a figure revised."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from incidentkg.cli import app
from incidentkg.ingest.build import build, bundled_case
from incidentkg.queries.diff import diff

runner = CliRunner()
ADDED_DOC = """
sources:
  - id: zz-new-report
    type: Report
    title: {en: "A report added between the builds"}
    publisher: cndh
    published: 2016-09-01
"""


@pytest.fixture(scope="module")
def builds(tmp_path_factory, bundled_graph):
    folder = tmp_path_factory.mktemp("diff")
    case = folder / "case"
    shutil.copytree(bundled_case(), case)
    text = (case / "tanhuato.yaml").read_text(encoding="utf-8")
    assert "name: {en: Tanhuato ranch raid," in text
    text = text.replace("name: {en: Tanhuato ranch raid,", "name: {en: Rancho del Sol raid,", 1)
    (case / "tanhuato.yaml").write_text(text, encoding="utf-8")
    (case / "zz-added.yaml").write_text(ADDED_DOC, encoding="utf-8")
    new = folder / "new"
    build([case], new)
    return bundled_graph, new


def test_same_build_has_no_differences(bundled_graph):
    assert diff(bundled_graph, bundled_graph).empty


def test_added_and_changed_records(builds):
    old, new = builds
    found = diff(old, new)
    assert ("zz-new-report", "Report") in found.added and not found.removed
    tanhuato = next(c for c in found.changed if c.id == "tanhuato-2015")
    before, after = tanhuato.fields["name"]
    assert "Tanhuato ranch raid@en" in before and "Rancho del Sol raid@en" in after


def test_a_revised_figure_shows_before_and_after(tmp_path, bundled_graph):
    case = tmp_path / "case"
    shutil.copytree(bundled_case(), case)
    text = (case / "tanhuato.yaml").read_text(encoding="utf-8")
    # the first figure of 42 becomes 44; the change must show as that statement's figure, before -> after
    assert "value: 42" in text
    (case / "tanhuato.yaml").write_text(text.replace("value: 42", "value: 44", 1), encoding="utf-8")
    out = tmp_path / "g"
    build([case], out)
    found = diff(bundled_graph, out)
    assert any(f.before == "42" and f.after == "44" for f in found.figures), found.figures
    back = diff(out, bundled_graph)
    assert any(f.before == "44" and f.after == "42" for f in back.figures)


def test_cli_table_and_json(builds):
    old, new = builds
    table = runner.invoke(app, ["diff", str(old), str(new)])
    assert table.exit_code == 0 and "zz-new-report" in table.stdout and "added" in table.stdout
    assert "1 added, 0 removed" in table.stdout
    data = json.loads(runner.invoke(app, ["diff", str(old), str(new), "-f", "json"]).stdout)
    assert {"id": "zz-new-report", "class": "Report"} in data["added"]
    assert set(data) == {"added", "removed", "changed", "figures"}


def test_missing_build_exits_3(tmp_path, bundled_graph):
    result = runner.invoke(app, ["diff", str(bundled_graph), str(tmp_path / "none")])
    assert result.exit_code == 3 and len(result.output.strip().splitlines()) == 1
