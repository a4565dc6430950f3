"""`incidentkg ontology docs --out DIR` writes the ontology's HTML reference with pyLODE: a page in English and one
in Spanish, each with only its language's labels, every class with a YAML example from the bundled case that reads
back as a case section whose record is in the bundled case."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest
import yaml

from incidentkg.ingest.build import bundled_case
from incidentkg.ingest.case import read_cases
from incidentkg.ontology import load

IKG = "https://w3id.org/incidentkg/ontology#"


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    done = subprocess.run([sys.executable, "-m", "incidentkg", "ontology", "docs", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # pyLODE's import-time debug logging does not leak
    return out


def examples(page: str) -> dict[str, str]:
    """class local name -> the text of its Example, from a pyLODE page."""
    marks = [(m.start(), m.group(1)) for m in re.finditer(rf"<code>{re.escape(IKG)}(\w+)</code>", page)]
    out = {}
    for (start, name), (end, _) in zip(marks, marks[1:] + [(len(page), "")]):
        found = re.search(r"<pre>(.*?)</pre>", page[start:end], re.S)
        if found:
            out[name] = html.unescape(found.group(1))
    return out


def test_one_page_per_language_and_an_index(docs):
    assert sorted(p.name for p in docs.iterdir()) == ["en", "es", "index.html"]
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in index and 'href="es/index.html"' in index


def test_each_page_speaks_its_language(docs):
    en = (docs / "en" / "index.html").read_text(encoding="utf-8")
    es = (docs / "es" / "index.html").read_text(encoding="utf-8")
    assert "A helicopter, aeroplane or drone." in en and "Un helicóptero, avión o dron." not in en
    assert "Un helicóptero, avión o dron." in es and "A helicopter, aeroplane or drone." not in es
    # the SKOS vocabularies are documented too, in each language
    assert "people aboard" in en and "personas a bordo" in es


def test_every_class_has_a_yaml_example_from_the_bundled_case(docs):
    onto = load()
    ids = {r.id for r in read_cases([bundled_case()])}
    for language in ("en", "es"):
        found = examples((docs / language / "index.html").read_text(encoding="utf-8"))
        assert set(found) >= set(onto.classes), sorted(set(onto.classes) - set(found))
        for name in onto.classes:
            doc = yaml.safe_load(found[name])
            (section, items), = doc.items()
            assert section in onto.sections() and items[0]["id"] in ids, (name, found[name])
            if not onto.classes[name].inline and name != onto.top_class(name):
                # a class no record has itself (IndependentSource) shows a record of a subclass
                assert items[0]["type"] == name or items[0]["type"] in onto.descendants(name), (name, found[name])
    aircraft = examples((docs / "en" / "index.html").read_text(encoding="utf-8"))["Aircraft"]
    assert "pf-black-hawk-pf102" in aircraft and "operator: pf" in aircraft
