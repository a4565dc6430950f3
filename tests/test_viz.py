"""The HTML drawing: what is drawn (checked against an independent PyYAML reading of the case files), how it
looks (class styles, contradiction and stance edges, legend, physics switched off after layout), that it is
offline and escapes hostile text, and that it really renders in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import pytest
import pyvis
import yaml
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.ingest.build import build, bundled_case
from incidentkg.cli import app
from incidentkg.core.errors import GraphMissingError, QueryError, UsageError
from incidentkg.ontology import load
from incidentkg.viz import model, render

runner = CliRunner()
VIS_JS = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
RED, GREEN, ORANGE = "#d62728", "#2ca02c", "#ff7f0e"


# ---------------------------------------------------------------- an independent reading of the YAML


def en(value) -> str | None:
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()))
    return None if value is None else str(value)


def as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def case() -> dict[str, dict]:
    """Every record of the bundled case by id, with its section; inline quantities and participations get their
    built ids."""
    records: dict[str, dict] = {}
    for path in sorted(bundled_case().glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section, items in doc.items():
            if not isinstance(items, list):
                continue
            for item in items:
                records[item["id"]] = {**item, "_section": section}
                for key in ("quantity", "participation"):
                    for index, q in enumerate(as_list(item.get(key)), start=1):
                        records[f"{item['id']}/{key}/{index}"] = {**q, "_section": key, "_statement": item["id"]}
    return records


def section(case, name) -> dict[str, dict]:
    return {k: v for k, v in case.items() if v["_section"] == name}


# ---------------------------------------------------------------- reading a page back


def data_of(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="ikg-data">(.*?)</script>', page, re.S)
    assert block, "page has no data block"
    return json.loads(block.group(1))


class Elements(HTMLParser):
    """Start tags with attributes, plus the text of <style> and <script> elements."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self._open: tuple[str, dict, list[str]] | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "style" in attrs:
            self.styles.append(attrs["style"] or "")
        if tag in ("style", "script"):
            self._open = (tag, attrs, [])

    def handle_data(self, data):
        if self._open:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            text = "".join(self._open[2])
            if tag == "style":
                self.styles.append(text)
            else:
                self.scripts.append((self._open[1], text))
        self._open = None


@pytest.fixture(scope="module")
def pages(bundled_graph, tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("viz")
    out = {
        "whole": render(bundled_graph, out=folder / "whole.html"),
        "incident": render(bundled_graph, incident="tanhuato-2015", out=folder / "incident.html"),
        "query": render(bundled_graph, query="contradictions", params=["incident=tlatlaya-2014"],
                        out=folder / "query.html"),
    }
    return {name: path.read_text(encoding="utf-8") for name, path in out.items()}


def edges_by(data: dict) -> dict[tuple[str, str], dict]:
    return {(e["from"], e["to"]): e for e in data["edges"]}


# ---------------------------------------------------------------- what is drawn


def test_whole_graph_draws_every_record_once(pages, case):
    data = data_of(pages["whole"])
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == len(set(ids))
    links = section(case, "links")
    assert links, "the bundled case has identity links"
    assert set(ids) == set(case) - set(links)
    # an identity link is drawn as one 'same as' edge between the records it joins, not as a node
    same = [e for e in data["edges"] if e.get("link")]
    assert {e["link"] for e in same} == set(links)
    for edge in same:
        assert {edge["from"], edge["to"]} == set(links[edge["link"]]["links"])
        assert edge["label"] == f"same as ({links[edge['link']]['method']})"
        assert html.escape(links[edge["link"]]["evidence"]) in edge["title"]


def test_contradictions_are_red_thick_dashed_and_labelled(pages, case):
    expected = {frozenset((cid, other)) for cid, claim in section(case, "claims").items()
                for other in as_list(claim.get("contradicts"))}
    assert expected, "the bundled case has contradicting claims"
    red = [e for e in data_of(pages["whole"])["edges"] if e.get("label") == "contradicts"]
    assert {frozenset((e["from"], e["to"])) for e in red} == expected
    assert len(red) == len(expected)  # symmetric: drawn once per pair, not once per direction
    for edge in red:
        assert edge["color"] == RED and edge["dashes"] is True and edge["width"] >= 3
        assert edge["arrows"]["to"]["enabled"] is False


def test_statement_claim_edges_coloured_by_stance(pages, case):
    edges = edges_by(data_of(pages["whole"]))
    stances = set()
    for sid, statement in section(case, "statements").items():
        for claim in as_list(statement.get("claim")):  # a statement may speak to several claims
            edge = edges[(sid, claim)]
            stances.add(statement["stance"])
            assert edge["color"] == {"asserts": GREEN, "denies": ORANGE}[statement["stance"]]
            assert edge["label"] == statement["stance"]
    assert stances == {"asserts", "denies"}


def test_part_of_drawn_as_written_not_as_inferred_closure(pages, case):
    # The build materialises partOf transitively; the drawing shows only the links the case states.
    expected = {(pid, place["partOf"]) for pid, place in section(case, "places").items() if place.get("partOf")}
    drawn = {(e["from"], e["to"]) for e in data_of(pages["whole"])["edges"]
             if e.get("title", "").startswith('<div class="tip-head"><bdi>part of</bdi></div>')}
    assert drawn == expected


def neighbourhood(case, incident: str) -> set[str]:
    inc = case[incident]
    ids = {incident, *as_list(inc.get("place")), *as_list(inc.get("participant"))}
    claims = {c for c, r in section(case, "claims").items() if incident in as_list(r.get("incident"))}
    claims |= {o for c in set(claims) for o in as_list(case[c].get("contradicts"))}
    claims |= {c for c, r in section(case, "claims").items() if set(as_list(r.get("contradicts"))) & claims}
    statements = {s for s, r in section(case, "statements").items()
                  if incident in as_list(r.get("incident")) or r.get("claim") in claims}
    documents = set(as_list(inc.get("source")))
    for s in statements:
        ids |= set(as_list(case[s].get("speaker")))
        ids |= {f"{s}/quantity/{i}" for i in range(1, len(as_list(case[s].get("quantity"))) + 1)}
        documents |= set(as_list(case[s].get("reportedIn")))
    for c in claims:
        documents |= set(as_list(case[c].get("source")))
    for d in documents:
        ids |= set(as_list(case[d].get("publisher")))
    ids |= claims | statements | documents
    # the other ends of identity links of the places, agents and incidents drawn
    for link in section(case, "links").values():
        ends = set(as_list(link["links"]))
        if ends & {i for i in ids if case[i]["_section"] in ("places", "agents", "incidents")}:
            ids |= ends
    return ids


def test_incident_neighbourhood(pages, case):
    nodes = {n["id"] for n in data_of(pages["incident"])["nodes"]}
    assert nodes == neighbourhood(case, "tanhuato-2015")
    assert "rancho-el-sol-wikipedia" in nodes  # the same ranch at other coordinates, joined by an identity link
    assert "tlatlaya-2014" not in nodes and "apatzingan-2015" not in nodes
    assert "insightcrime" in nodes  # the outlet of the brief the project grew from


def test_query_view_draws_the_records_in_the_rows_and_edges_among_them(pages, bundled_graph, case):
    rows = queries.run("contradictions", ["incident=tlatlaya-2014"], bundled_graph).rows
    expected = {cell for row in rows for cell in row.values() if isinstance(cell, str) and cell in case}
    data = data_of(pages["query"])
    nodes = {n["id"] for n in data["nodes"]}
    assert nodes == expected and "tlatlaya-15-executed" in nodes
    assert all(e["from"] in nodes and e["to"] in nodes for e in data["edges"])
    drawn = {frozenset((e["from"], e["to"])) for e in data["edges"] if e.get("label") == "contradicts"}
    assert {frozenset((r["claim_a"], r["claim_b"])) for r in rows} <= drawn


# ---------------------------------------------------------------- labels, tooltips, legend


def test_labels(pages, case):
    nodes = {n["id"]: n for n in data_of(pages["whole"])["nodes"]}
    # "42 killed (CJNG)": value, category, party abbreviation
    rubido = [k for k, q in section(case, "quantity").items()
              if q.get("value") == 42 and q["category"] == "killed" and q.get("party") == "cjng"]
    assert rubido and all(nodes[k]["label"] == "42 killed (CJNG)" for k in rubido)
    for sid, statement in section(case, "statements").items():
        speaker = en(case[statement["speaker"]]["name"])
        assert html.unescape(nodes[sid]["title"]).startswith(f'<div class="tip-head"><bdi>{speaker}, {statement["date"]}')
        assert nodes[sid]["label"].startswith(f"{speaker}, {statement['date']}"[:40])
    assert nodes["tanhuato-2015"]["label"] == en(case["tanhuato-2015"]["name"])


def test_statement_tooltip_shows_provenance(pages, case):
    nodes = {n["id"]: n for n in data_of(pages["whole"])["nodes"]}
    seen_url = False
    for sid, statement in section(case, "statements").items():
        tip = nodes[sid]["title"]
        docs = [case[d] for d in as_list(statement["reportedIn"])]
        lang, quote = next(iter(statement["quote"].items()))
        outlets = dict.fromkeys(en(case[p]["name"]) for d in docs for p in as_list(d.get("publisher")))
        expected = [
            ("speaker", en(case[statement["speaker"]]["name"])),
            ("outlet", ", ".join(outlets)),
            *(("document", en(d["title"])) for d in docs),
            ("date", str(statement["date"])),
            ("quote", f"[{lang}] {' '.join(quote.split())}"[:200]),
            ("stance", statement["stance"]),
            *(("URL", d.get("url", "(not recorded)")) for d in docs),
        ]
        for field, value in expected:
            assert f"<th>{field}</th><td><bdi>{html.escape(value)}" in tip, (sid, field)
        # in that order: who, where, when, what, and the link last
        positions = [tip.index(f"<th>{field}</th><td><bdi>{html.escape(value)}") for field, value in expected]
        assert positions == sorted(positions), sid
        seen_url |= any("url" in d for d in docs)
    assert seen_url


def test_other_tooltips_show_source_document_url_and_date(pages, case):
    nodes = {n["id"]: n for n in data_of(pages["whole"])["nodes"]}
    incident = case["tanhuato-2015"]
    tip = nodes["tanhuato-2015"]["title"]
    assert "<th>id</th><td><bdi>tanhuato-2015</bdi></td>" in tip and "raid (incident)" in tip
    for doc_id in as_list(incident["source"]):
        doc = case[doc_id]
        assert f"<th>source document</th><td><bdi>{html.escape(en(doc['title']))}</bdi></td>" in tip
        assert f"<th>published</th><td><bdi>{doc['published']}</bdi></td>" in tip
        assert f"<th>URL</th><td><bdi>{html.escape(doc.get('url', '(not recorded)'))}</bdi></td>" in tip
    # a quantity carries the provenance of the statement that put it forward
    qid = next(k for k, q in section(case, "quantity").items() if case[q["_statement"]]["reportedIn"])
    statement = case[case[qid]["_statement"]]
    assert f"<th>date</th><td><bdi>{statement['date']}</bdi></td>" in nodes[qid]["title"]


def test_legend_lists_every_top_class_with_distinct_styles(pages):
    onto = load()
    tops = onto.top_classes()
    assert {"Incident", "Place", "Agent", "Post", "Document", "Statement", "Claim", "Quantity",
            "IdentityLink"} <= set(tops)
    page = pages["whole"]
    nodes = data_of(page)["nodes"]
    styles = {}
    for node in nodes:
        styles.setdefault(node["group_class"], set()).add((node["shape"], node["color"]))
    assert all(len(s) == 1 for s in styles.values())  # one style per top class, subclasses included
    assert len({next(iter(s)) for s in styles.values()}) == len(styles)  # and distinct between classes
    for name in tops:
        assert f'data-class="{name}"' in page
        assert html.escape(onto.classes[name].label("en")[1:]) in page
    for label in ("contradicts", "statement asserts claim", "statement denies claim"):
        assert label in page


def test_physics_stabilises_then_stops(pages):
    page = pages["incident"]
    stabilization = data_of(page)["options"]["physics"]["stabilization"]
    assert stabilization["enabled"] is True and stabilization["iterations"] > 0
    app_js = (Path(model.__file__).parent / "assets" / "app.js").read_text(encoding="utf-8")
    assert app_js in page
    assert re.search(r'once\("stabilizationIterationsDone", stopPhysics\)', app_js)
    assert re.search(r"function stopPhysics\(\) \{\s*network\.setOptions\(\{ physics: false \}\)", app_js)


# ---------------------------------------------------------------- offline and escaping

RESOURCE_ATTRS = {"src", "href", "srcset", "action", "formaction", "data", "poster", "background", "ping",
                  "manifest", "xlink:href", "codebase", "archive", "longdesc", "usemap"}


def assert_offline(page: str) -> None:
    """No resource of the page can come from anywhere but the file itself."""
    elements = Elements(page)
    for tag, attrs in elements.tags:
        assert tag not in ("link", "iframe", "frame", "object", "embed", "base", "img", "audio", "video",
                           "source", "track", "applet"), tag
        if tag == "a":  # a link is a navigation the reader chooses, in a new tab, never a load
            assert set(attrs) == {"class", "href", "target", "rel"}, attrs
            assert re.match(r"https?://[^\s]+$", attrs["href"]), attrs
            assert attrs["target"] == "_blank" and attrs["rel"] == "noopener noreferrer"
            continue
        for name, value in attrs.items():
            if name in RESOURCE_ATTRS:
                assert (value or "").startswith(("data:", "#")), (tag, name, value)
    for css in elements.styles:
        assert "@import" not in css
        for target in re.findall(r"url\(\s*['\"]?([^'\")\s]*)", css):
            assert target.startswith("data:"), target
    # The browser enforces it too: the policy allows no host, scripts only by hash.
    policy = next(a["content"] for t, a in elements.tags
                  if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy
    assert not re.search(r"https?:|//|\*|unsafe-eval", policy)
    scripts = elements.scripts
    executable = [text for attrs, text in scripts if attrs.get("type") != "application/json"]
    assert len(scripts) == 3 and len(executable) == 2
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert sorted(script_src) == sorted(
        "'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in executable
    )
    # Outside the data block and the unmodified vis-network library, no URL of any kind appears; inside
    # the library, URLs sit in its licence comment and the SVG namespace, never where something is loaded.
    vis = VIS_JS.read_text(encoding="utf-8")
    assert vis in page
    rest = re.sub(r'<script type="application/json" id="ikg-data">.*?</script>', "", page, flags=re.S)
    rest = re.sub(r'<a class="doc" href="https?://[^"]*"', "<a", rest.replace(vis, ""))
    for needle in ("http://", "https://", "//cdn", "www.", "@import", "import(", "importScripts", "fetch("):
        assert needle not in rest, needle
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|import\s*\(""", vis)


def assert_urls_only_in_tooltips(page: str) -> None:
    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and re.search(r"[a-z]+:(//)?\S", value) and "://" in value:
            assert key == "title", (key, value)

    walk(data_of(page))


def test_pages_are_offline(pages, case):
    for page in pages.values():
        assert_offline(page)
        assert_urls_only_in_tooltips(page)
    # document URLs are there, as data: escaped inside tooltip HTML, JSON-escaped in the file
    url = case["insightcrime-2015-05-25"]["url"]
    titles = " ".join(n["title"] for n in data_of(pages["whole"])["nodes"])
    assert html.escape(url) in titles


XSS = {
    "script": "<script>alert(1)</script>",
    "img": "\"><img src=x onerror=document.body.setAttribute('data-pwned','img')>",
    "close": "</script><script>document.body.setAttribute('data-pwned','close')</script>",
    "comment": "<!-- <script> ]]> '\u2028\u2029 & &amp;",
    "url": "https://example.org/a?b=1&c=\"><svg/onload=document.body.setAttribute('data-pwned','url')>",
}


def evil_case() -> dict:
    x = XSS
    return {
        "case": "evil",
        "sources": [{"id": "doc", "type": "Article", "title": {"en": x["img"]}, "publisher": "outlet",
                     "published": "2015-05-23", "url": x["url"], "language": "es",
                     "description": {"en": x["comment"]}}],
        "agents": [
            {"id": "outlet", "type": "NewsOutlet", "name": x["script"], "source": "doc"},
            {"id": "force", "type": "ArmedForce", "name": {"en": x["img"], "es": x["close"]},
             "abbreviation": x["script"], "source": "doc"},
        ],
        "places": [{"id": "here", "type": "State", "name": x["comment"], "source": "doc"}],
        "incidents": [{"id": "inc", "type": "Raid", "name": {"en": x["close"]}, "startDate": "2015-05-22",
                       "place": "here", "participant": ["force"], "source": "doc"}],
        "claims": [{"id": "c1", "incident": "inc", "text": {"en": x["script"]}, "contradicts": "c2"},
                   {"id": "c2", "incident": "inc", "text": {"en": x["img"]}}],
        "statements": [{"id": "s1", "speaker": "force", "reportedIn": "doc", "date": "2015-05-22",
                        "quote": {"es": x["close"]}, "stance": "denies", "claim": "c1", "incident": "inc",
                        "quantity": [{"category": "killed", "party": "force", "value": 1,
                                      "description": {"en": x["img"]}}]}],
    }


@pytest.fixture(scope="module")
def evil_page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("evil")
    case_file = folder / "evil.yaml"
    case_file.write_text(yaml.safe_dump(evil_case(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    build([case_file], folder / "build")
    return render(folder / "build", incident="inc", out=folder / "evil.html")


def test_hostile_text_is_escaped_once(evil_page):
    page = evil_page.read_text(encoding="utf-8")
    for payload in XSS.values():
        assert payload not in page
    assert "<img" not in page and "\u2028" not in page
    # the data block holds no '<' at all, so nothing in it can open or close an element
    block = re.search(r'<script type="application/json" id="ikg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block
    assert_offline(page)
    data = data_of(page)
    assert len(data["nodes"]) == 9
    for item in data["nodes"] + data["edges"]:
        # tooltip HTML: only our own markup, every hostile character an entity, nothing double-escaped
        tags = set(re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", item["title"]))
        assert tags <= {"div", "table", "tr", "th", "td", "br", "bdi"}, tags
        assert "&amp;lt;" not in item["title"]
    tips = " ".join(n["title"] for n in data["nodes"])
    for payload in XSS.values():
        assert html.escape(" ".join(payload.split())) in tips
    # canvas labels are drawn as text, not HTML: they keep the raw characters (JSON-escaped in the file)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["outlet"] == XSS["script"]
    assert labels["s1/quantity/1"] == f"1 killed ({XSS['script']})"


def test_hostile_text_in_page_heading_is_escaped(evil_page):
    page = evil_page.read_text(encoding="utf-8")
    heading = str(markupsafe.escape(f"incidentkg: {XSS['close']}"))
    assert f"<title>{heading}</title>" in page and f"<h1><bdi>{heading}</bdi></h1>" in page


# ---------------------------------------------------------------- engines and errors


def test_cypher_engine_draws_the_same_page(bundled_graph, monkeypatch, tmp_path):
    """`viz --query NAME --engine cypher` draws the rows of the Cypher twin (embedded Ladybug): the same
    records as the SPARQL query, so the same page."""
    monkeypatch.delenv("NEO4J_URI", raising=False)
    sparql = render(bundled_graph, query="contradictions", out=tmp_path / "sparql.html")
    cypher = render(bundled_graph, query="contradictions", engine="cypher", out=tmp_path / "cypher.html")
    assert cypher.read_text(encoding="utf-8") == sparql.read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="unknown engine 'gremlin'"):
        render(bundled_graph, query="contradictions", engine="gremlin", out=tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_errors(bundled_graph, tmp_path):
    with pytest.raises(QueryError, match=r"unknown incident 'nope' \(known: apatzingan-2015, tanhuato-2015, "):
        render(bundled_graph, incident="nope", out=tmp_path / "a.html")
    with pytest.raises(QueryError, match="'insightcrime' is a NewsOutlet, not an incident"):
        render(bundled_graph, incident="insightcrime", out=tmp_path / "a.html")
    with pytest.raises(UsageError, match="not both"):
        render(bundled_graph, incident="tanhuato-2015", query="timeline", out=tmp_path / "a.html")
    with pytest.raises(UsageError, match="--param only applies together with --query"):
        render(bundled_graph, incident="tanhuato-2015", params=["incident=x"], out=tmp_path / "a.html")
    with pytest.raises(UsageError, match="unknown engine"):
        render(bundled_graph, query="timeline", engine="gremlin", out=tmp_path / "a.html")
    with pytest.raises(GraphMissingError):
        render(tmp_path / "nothing", out=tmp_path / "a.html")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_cli(bundled_graph, tmp_path):
    result = runner.invoke(app, ["viz", "--help"])
    assert result.exit_code == 0
    for option in ("--incident", "--query", "--param", "--engine", "--out", "--graph", "--max-nodes"):
        assert option in result.output

    out = tmp_path / "sub" / "t.html"
    out.parent.mkdir()  # viz refuses a missing folder (tests/test_bad_inputs.py)
    result = runner.invoke(app, ["viz", "-g", str(bundled_graph), "-i", "tanhuato-2015", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out) and out.stat().st_size > 100_000

    result = runner.invoke(app, ["viz", "-g", str(bundled_graph), "-q", "contradictions",
                                 "-p", "incident=tlatlaya-2014", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "query-contradictions.html")

    result = runner.invoke(app, ["viz", "-g", str(bundled_graph), "-i", "nope", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "unknown incident 'nope'" in result.output
    result = runner.invoke(app, ["viz", "-g", str(tmp_path / "missing")])
    assert result.exit_code == 3 and "no built graph" in result.output
    assert not (tmp_path / "x.html").exists()


# ---------------------------------------------------------------- a real browser


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def open_every_tooltip(pages: list[Path]) -> list[dict]:
    """Load each page in headless Chromium (Playwright, Debian's binary), show every node's and edge's
    tooltip and pinned details the way hovering and clicking do, and return what the page then says."""
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed and CI is unset")
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as playwright:
        binary = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else chromium()
        browser = playwright.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        for page in pages:
            tab = browser.new_page()
            tab.goto(page.resolve().as_uri())
            tab.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=60_000)
            tab.evaluate("""() => {
              const net = ikgNetwork, emit = (name, p) => net.body.emitter.emit(name, p);
              const pointer = {DOM: {x: 10, y: 10}};
              for (const id of net.body.data.nodes.getIds()) {
                emit("hoverNode", {node: id, pointer}); emit("click", {nodes: [id], edges: [], pointer});
              }
              for (const id of net.body.data.edges.getIds()) {
                emit("hoverEdge", {edge: id, pointer}); emit("click", {nodes: [], edges: [id], pointer});
              }
            }""")
            tab.wait_for_timeout(300)  # an injected onerror would have fired by now
            found.append({"pwned": tab.evaluate("document.body.getAttribute('data-pwned')"),
                          "status": tab.text_content("#ikg-status"), "canvas": tab.locator("canvas").count(),
                          "legend": tab.locator("#ikg-legend").count()})
            tab.close()
        browser.close()
    return found


def test_renders_in_chromium(pages, evil_page, tmp_path):
    incident = tmp_path / "incident.html"
    incident.write_text(pages["incident"], encoding="utf-8")
    # The hostile page without its CSP: escaping alone must keep the payloads inert. As a control, the same
    # page with one tooltip left unescaped must trip the detector, proving the check can fail.
    evil = evil_page.read_text(encoding="utf-8")
    no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", evil)
    escaped_img = html.escape(XSS["img"]).replace("<", "\\u003c")
    assert escaped_img in no_csp
    raw_img = json.dumps(XSS["img"])[1:-1].replace("<", "\\u003c")
    control = no_csp.replace(escaped_img, raw_img, 1)
    (tmp_path / "evil.html").write_text(no_csp, encoding="utf-8")
    (tmp_path / "control.html").write_text(control, encoding="utf-8")
    page, evil_result, control_result = open_every_tooltip(
        [incident, tmp_path / "evil.html", tmp_path / "control.html"])
    nodes = len(data_of(pages["incident"])["nodes"])
    assert page["canvas"] == 1 and page["legend"] == 1
    assert page["status"].startswith(f"{nodes} nodes,") and "laying out" not in page["status"]
    assert evil_result["canvas"] == 1 and evil_result["pwned"] is None  # the text is there, escaped; inert
    assert control_result["pwned"] == "img"


# ---------------------------------------------------------------- the workbench's data (the browser side is tests/test_workbench.py)

from incidentkg.ingest.importers import import_and_build  # noqa: E402
from incidentkg.viz import geo, select, workbench  # noqa: E402
from incidentkg.viz.model import GraphData  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def imported_graph(tmp_path_factory) -> Path:
    """The bundled case with the UCDP GED excerpt (which holds event 218178, the Tanhuato raid) imported."""
    out = tmp_path_factory.mktemp("imported") / "build"
    import_and_build([("ucdp", FIXTURES / "ucdp-ged-sample.csv")], out=out)
    return out


def test_map_projection_puts_places_in_their_states():
    # (longitude, latitude) of state capitals and of the ranch, against the vendored outlines
    places = {"cmx": (-99.13, 19.43), "yuc": (-89.62, 20.97), "chh": (-106.09, 28.63), "chp": (-93.12, 16.75),
              "col": (-103.72, 19.24), "mic": (-102.29546, 20.20805), "gro": (-99.50, 17.55),
              "tam": (-98.20, 24.00), "son": (-110.97, 29.07), "bcn": (-116.60, 31.85), "nle": (-100.31, 25.67),
              "mex": (-100.21, 18.55), "roo": (-88.30, 18.50), "oax": (-96.72, 17.06), "sin": (-107.39, 24.80)}
    states = {s.code: s for s in geo.states()}
    assert len(states) == 32
    for code, (lon, lat) in places.items():
        point = geo.project(lon, lat)
        inside = [c for c, s in states.items() if geo.contains(s, point)]
        assert inside == [code], (code, point, inside)
    assert geo.state_code("Michoacán de Ocampo") == "mic" and geo.state_code("Distrito Federal") == "cmx"
    assert geo.state_code("Estado de México") == "mex" and geo.state_code("México") == "mex"
    assert geo.state_code("Atlantis") is None


def test_only_http_urls_become_links():
    assert workbench.web_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert workbench.web_url("HTTP://example.org") == "HTTP://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//example.org", "example.org",
                "https://", "https://exa mple.org", "vbscript:x", " javascript:https://x", None, ""):
        assert workbench.web_url(bad) is None, bad


def test_speaker_kinds(bundled_graph):
    facets = workbench.Facets(GraphData.load(bundled_graph))
    assert facets.speaker_kind("galindo") == "official"  # a person holding the Federal Police post
    assert facets.speaker_kind("insightcrime") == "press"
    assert facets.speaker_kind("cndh") == "human-rights body"
    assert facets.speaker_kind("ucdp") == "dataset"


def test_board_pairs_equal_the_contradictions_query(bundled_graph):
    for incident in (None, "tanhuato-2015", "tlatlaya-2014", "apatzingan-2015"):
        view = select(bundled_graph, incident=incident)
        rows = queries.run("contradictions", {"incident": incident} if incident else {}, bundled_graph).rows
        pairs = workbench.board(view)
        assert {p.key for p in pairs} == {f"{r['claim_a']}|{r['claim_b']}" for r in rows}, incident
        for pair in pairs:  # every statement the query lists on a side is on that side of the board
            for side, prefix in zip(pair.sides, ("a", "b")):
                listed = {r[f"{prefix}_statement"] for r in rows if f"{r['claim_a']}|{r['claim_b']}" == pair.key
                          and r[f"{prefix}_statement"]}
                assert listed <= {s["id"] for s in side.statements}, (pair.key, side.claim)
    pair = next(p for p in workbench.board(select(bundled_graph, incident="tanhuato-2015"))
                if p.key == "tanhuato-22-executed|tanhuato-no-executions")
    executed, none = pair.sides
    assert "galindo-no-executions-la-jornada" in {s["id"] for s in none.statements}
    # Galindo's denial of the executions stands with his assertion that there were none, not against it
    assert "galindo-denies-executions-la-jornada" in {s["id"] for s in none.statements}
    assert "galindo-denies-executions-la-jornada" not in {s["id"] for s in executed.statements}
    assert {"category": "executed", "party": "the people killed at the El Sol ranch", "n": 1, "min": 22, "max": 22,
            "spread": 0} in executed.figures


def test_a_view_reads_its_records_not_the_build(imported_graph):
    total = len(GraphData.load(imported_graph).record_ids())
    graph = GraphData.load(imported_graph)  # a fresh one: its record cache starts empty
    ids = graph.incident_selection("tanhuato-2015")
    assert "ucdp/event/218178" in ids
    assert len(graph.items) < total * 0.75, (len(graph.items), total)  # what it read, of everything there


def test_imported_records_are_linked_and_their_figures_shown(imported_graph, tmp_path):
    page = render(imported_graph, incident="tanhuato-2015", out=tmp_path / "t.html").read_text(encoding="utf-8")
    data = data_of(page)
    nodes = {n["id"] for n in data["nodes"]}
    assert {"tanhuato-2015", "ucdp/event/218178", "ucdp/statement/218178"} <= nodes
    same = {frozenset((e["from"], e["to"])) for e in data["edges"] if e.get("link")}
    assert frozenset(("tanhuato-2015", "ucdp/event/218178")) in same
    # UCDP's own figure (best 0, high 4) is drawn beside the case's
    labels = {n["label"] for n in data["nodes"] if n["group_class"] == "Quantity"}
    assert "0 (0–4) killed" in labels and "42 killed (CJNG)" in labels
    # the map mark sizes the raid by the largest toll any source gives, and colours it by their spread
    mark = re.search(r'<circle class="mark" data-incident="tanhuato-2015" data-deaths="(\d+)" '
                     r'data-disputed="([\d.]+)"', page)
    assert mark and int(mark.group(1)) == 43 and float(mark.group(2)) == 1.0
    # and the whole page of the bundled case alone stays without them
    linked = render(imported_graph, query="linked_figures", params=["incident=tanhuato-2015"],
                    out=tmp_path / "l.html").read_text(encoding="utf-8")
    assert frozenset(("tanhuato-2015", "ucdp/event/218178")) in {
        frozenset((e["from"], e["to"])) for e in data_of(linked)["edges"] if e.get("link")}


def test_disputed_coordinates_are_separate_marks(pages):
    page = pages["incident"]
    assert re.search(r'<circle class="alt" data-incident="tanhuato-2015" data-place="rancho-el-sol-wikipedia"', page)
    assert len(re.findall(r'<circle class="mark" data-incident="tanhuato-2015"', page)) == 1


def test_above_the_cap_the_page_aggregates(bundled_graph, case, tmp_path):
    out = render(bundled_graph, out=tmp_path / "w.html", max_nodes=50)
    page = out.read_text(encoding="utf-8")
    assert 'data-aggregated="true"' in page and "more than the cap of 50 (--max-nodes)" in page
    data = data_of(page)
    groups = [n for n in data["nodes"] if n["id"].startswith("group:")]
    incidents = section(case, "incidents")
    assert sum(int(n["label"].replace(",", "")) for n in groups) == len(incidents)
    assert {n["id"].rsplit(":", 1)[1] for n in groups} == {str(i["startDate"])[:4] for i in incidents.values()}
    assert data["options"]["physics"]["enabled"] is False
    # under the cap nothing is aggregated
    assert 'data-aggregated' not in render(bundled_graph, out=tmp_path / "x.html").read_text(encoding="utf-8")
    result = runner.invoke(app, ["viz", "-g", str(bundled_graph), "--max-nodes", "0", "-o", str(tmp_path / "y.html")])
    assert result.exit_code == 2
