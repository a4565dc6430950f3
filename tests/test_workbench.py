"""The workbench in a real browser: Playwright for Python driving Debian's Chromium (never a downloaded
browser). Search, the legend and the other filters, the timeline brush, the contradiction board against the
saved query, links, the map, and a 5,000-node page; every page is checked for script errors and for any
request that would leave the file. The screenshots in docs/screenshots are taken here."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from incidentkg import queries
from incidentkg.ingest.build import build
from incidentkg.viz import render

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
sys.path.insert(0, str(Path(__file__).parent))
from synthetic import write_case  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed and CI is unset")
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else found  # Debian's, as installed


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Opened:
    """A page of ours loaded in its own browser context, with every request and script error recorded;
    a request for anything but the file itself is aborted."""

    def __init__(self, browser, path: Path, width: int = 1500, height: int = 950):
        self.path = path.resolve()
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(self.path.as_uri())
        self.page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=60_000)

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url == self.path.as_uri():
            route.continue_()
        else:
            route.abort()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def shown(self) -> set[str]:
        """The ids of the network's nodes that are not hidden."""
        return set(self.js("ikgNetwork.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))

    def close(self, *, links: tuple[str, ...] = ()) -> None:
        assert self.errors == []
        left = [u for u in self.requests if u != self.path.as_uri() and u not in links]
        assert left == [], left  # nothing but the file itself was asked for (data: URIs make no request)
        self.context.close()


@pytest.fixture(scope="module")
def pages(bundled_graph, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("workbench")
    return {"incident": render(bundled_graph, incident="tanhuato-2015", out=folder / "incident.html"),
            "whole": render(bundled_graph, out=folder / "whole.html")}


@pytest.fixture
def tanhuato(browser, pages):
    opened = Opened(browser, pages["incident"])
    yield opened
    opened.close()


def test_search_selects_and_focuses(tanhuato):
    page = tanhuato.page
    page.fill("#ikg-search", "Galindo")
    assert "galindo" in tanhuato.js("ikgNetwork.getSelectedNodes()")
    assert page.text_content("#ikg-search-result").endswith(("match", "matches"))
    # accents and case aside, in Spanish: the Federal Police by its Spanish name, the ranch by its alias
    page.fill("#ikg-search", "POLICIA FEDERAL")
    assert "pf" in tanhuato.js("ikgNetwork.getSelectedNodes()")
    page.fill("#ikg-search", "rancho del sol")  # an alias of the ranch (and of the raid named after it)
    assert "rancho-el-sol" in tanhuato.js("ikgNetwork.getSelectedNodes()")
    page.fill("#ikg-search", "comision nacional de los derechos")
    assert tanhuato.js("ikgNetwork.getSelectedNodes()") == ["cndh"]
    page.fill("#ikg-search", "tanhuato-2015")  # ids too
    assert "tanhuato-2015" in tanhuato.js("ikgNetwork.getSelectedNodes()")
    page.fill("#ikg-search", "")
    assert tanhuato.js("ikgNetwork.getSelectedNodes()") == []


def test_legend_hides_and_shows_a_class(tanhuato):
    classes = tanhuato.js("Object.fromEntries(ikgNetwork.body.data.nodes.get().map(n => [n.id, n.group_class]))")
    before = tanhuato.shown()
    statements = {i for i, c in classes.items() if c == "Statement"}
    assert statements and before == set(classes)
    tanhuato.page.click('#ikg-legend li[data-class="Statement"]')
    after = tanhuato.shown()
    assert after == before - statements - {i for i, c in classes.items() if c == "Quantity"} or \
        after == before - statements
    assert not after & statements
    assert tanhuato.page.text_content('#ikg-legend li[data-class="Statement"] .count') == "0"
    tanhuato.page.click('#ikg-legend li[data-class="Statement"]')
    assert tanhuato.shown() == before


def test_stance_filter_and_counts(tanhuato):
    facets = tanhuato.js("JSON.parse(document.getElementById('ikg-data').textContent).facets")
    denies = {i for i, f in facets.items() if f["c"] == "Statement" and f["st"] == "denies"}
    asserts = {i for i, f in facets.items() if f["c"] == "Statement" and f["st"] == "asserts"}
    assert denies and asserts
    label = tanhuato.page.text_content('li[data-stances="denies"] .count')
    assert label == f"{len(denies)} / {len(denies)}"
    tanhuato.page.click('li[data-stances="denies"]')
    shown = tanhuato.shown()
    assert not shown & denies and asserts <= shown
    assert tanhuato.page.text_content('li[data-stances="denies"] .count') == f"0 / {len(denies)}"
    # the board hides the statements the filter removes
    hidden_rows = set(tanhuato.js("[...document.querySelectorAll('.statement.filtered')].map(r => r.dataset.statement)"))
    assert hidden_rows and hidden_rows <= denies
    # combined with a speaker-kind filter: official statements go too
    tanhuato.page.click('li[data-kinds="official"]')
    official = {i for i, f in facets.items() if f["c"] == "Statement" and f["k"] == "official"}
    assert not tanhuato.shown() & (denies | official)
    tanhuato.page.click("#ikg-reset")
    assert denies | asserts <= tanhuato.shown()


def test_timeline_brush_narrows_graph_and_board(tanhuato):
    page = tanhuato.page
    before = tanhuato.shown()
    box = page.locator("#ikg-timeline svg").bounding_box()
    # zoom the axis into 2015 with the wheel, then drag over the first days after the raid
    page.mouse.move(box["x"] + 100, box["y"] + 60)
    for _ in range(6):
        page.mouse.wheel(0, -100)
    state = tanhuato.js("ikgWorkbench.state")
    assert state["from"] == "" and state["to"] == ""
    page.mouse.move(box["x"] + 90, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 60, steps=5)
    page.mouse.up()
    state = tanhuato.js("ikgWorkbench.state")
    assert state["from"] and state["to"] and state["from"] < state["to"]
    assert page.input_value("#ikg-from") == state["from"] and page.input_value("#ikg-to") == state["to"]
    facets = tanhuato.js("JSON.parse(document.getElementById('ikg-data').textContent).facets")
    after = tanhuato.shown()
    assert after < before  # narrowed, strictly
    for node in after:  # whatever has a date is within the brush
        date = facets[node].get("d")
        assert date is None or state["from"] <= date <= state["to"], (node, date)
    assert {n for n in before - after if facets[n].get("d")} == before - after
    rows = tanhuato.js("[...document.querySelectorAll('.statement')].map(r => [r.dataset.statement, "
                       "r.classList.contains('filtered')])")
    assert any(hidden for _, hidden in rows) and all(hidden == (sid not in after) for sid, hidden in rows)
    page.dblclick("#ikg-timeline svg")
    assert tanhuato.shown() == before


@pytest.mark.parametrize("which", ["incident", "whole"])
def test_board_rows_equal_the_contradictions_query(browser, pages, bundled_graph, which):
    opened = Opened(browser, pages[which])
    params = {"incident": "tanhuato-2015"} if which == "incident" else {}
    rows = queries.run("contradictions", params, bundled_graph).rows
    expected = {f"{r['claim_a']}|{r['claim_b']}" for r in rows}
    shown = opened.js("[...document.querySelectorAll('[data-view=contradictions] [data-pair]')].map(p => p.dataset.pair)")
    assert len(shown) == len(set(shown)) and set(shown) == expected
    for key in shown:
        a, b = key.split("|")
        assert a < b
        sides = opened.js(f"[...document.querySelector('[data-pair=\"{key}\"]').querySelectorAll('.side')]"
                          ".map(s => [s.dataset.claim, [...s.querySelectorAll('.statement')].map(r => r.dataset.statement)])")
        assert [claim for claim, _ in sides] == [a, b]
        for (claim, statements), prefix in zip(sides, ("a", "b")):
            listed = {r[f"{prefix}_statement"] for r in rows
                      if (r["claim_a"], r["claim_b"]) == (a, b) and r[f"{prefix}_statement"]}
            assert listed <= set(statements)
    opened.close()


def test_board_and_graph_selection_are_linked_both_ways(tanhuato):
    page = tanhuato.page
    row = page.locator('.statement[data-statement="galindo-no-executions-la-jornada"]').first
    row.click()
    assert tanhuato.js("ikgNetwork.getSelectedNodes()") == ["galindo-no-executions-la-jornada"]
    assert "selected" in row.get_attribute("class")
    assert page.locator(".pair.selected").count() >= 1
    # and from the graph: selecting a claim's node (as a click does) marks its pairs on the board
    tanhuato.js("ikgNetwork.selectNodes(['tanhuato-22-executed']);"
                "ikgNetwork.body.emitter.emit('click', {nodes: ['tanhuato-22-executed'], edges: []}); null")
    marked = tanhuato.js("[...document.querySelectorAll('.pair.selected')].map(p => p.dataset.pair)")
    assert marked and all("tanhuato-22-executed" in key.split("|") for key in marked)


def test_document_links_open_only_http_in_a_new_tab(browser, pages):
    opened = Opened(browser, pages["incident"])
    links = opened.js("[...document.querySelectorAll('a')].map(a => [a.href, a.target, a.rel])")
    assert links, "the bundled case has documents with URLs"
    for href, target, rel in links:
        assert href.startswith(("https://", "http://")) and target == "_blank" and rel == "noopener noreferrer"
    href = links[0][0]
    with opened.context.expect_page() as popup:
        opened.page.locator("a.doc").first.click()
    tab = popup.value
    tab.wait_for_load_state("commit")
    assert tab.url.startswith(("https://", "http://")) or tab.url.startswith("chrome-error://")
    assert opened.page.url == pages["incident"].resolve().as_uri()  # the page itself stayed
    # the click asked for exactly the link's address (aborted by the route: nothing leaves the machine)
    opened.close(links=(href,))


def test_pinned_details_link_a_documents_url(tanhuato):
    tanhuato.js("ikgNetwork.body.emitter.emit('click', {nodes: ['insightcrime-2015-05-25'], edges: []}); null")
    links = tanhuato.js("[...document.querySelectorAll('#ikg-details a')].map(a => [a.href, a.target, a.rel])")
    url = tanhuato.js("JSON.parse(document.getElementById('ikg-data').textContent).nodes"
                      ".find(n => n.id === 'insightcrime-2015-05-25').title")
    assert links and all(href in url and target == "_blank" and rel == "noopener noreferrer"
                         for href, target, rel in links)
    # a document without a URL links nothing
    tanhuato.js("ikgNetwork.body.emitter.emit('click', {nodes: ['la-jornada-2015-05-26'], edges: []}); null")
    assert tanhuato.js("document.querySelectorAll('#ikg-details a').length") == 0


def test_map_marks_focus_their_incident(tanhuato):
    page = tanhuato.page
    page.click('#ikg-tabs button[data-tab="map"]')
    mark = page.locator('#ikg-map circle.mark[data-incident="tanhuato-2015"]')
    assert mark.count() == 1 and float(mark.get_attribute("data-deaths")) == 43
    mark.click()
    assert tanhuato.js("ikgNetwork.getSelectedNodes()") == ["tanhuato-2015"]
    alt = page.locator('#ikg-map circle.alt[data-place="rancho-el-sol-wikipedia"]')
    assert alt.count() == 1
    alt.dispatch_event("click")
    assert tanhuato.js("ikgNetwork.getSelectedNodes()") == ["rancho-el-sol-wikipedia"]


def test_first_frame_labels_are_legible(tanhuato):
    # at the first frame, the labels of incidents, claims and speakers are at least 11 px on screen
    scale = tanhuato.js("ikgNetwork.getScale()")
    sizes = tanhuato.js("ikgNetwork.body.data.nodes.get().filter(n => ['Incident', 'Claim'].includes(n.group_class))"
                        ".map(n => n.font.size)")
    assert sizes and min(sizes) * scale >= 11
    centre = tanhuato.js("ikgNetwork.getViewPosition()")
    focus = tanhuato.js("ikgNetwork.getPosition('tanhuato-2015')")
    assert abs(centre["x"] - focus["x"]) < 1 and abs(centre["y"] - focus["y"]) < 1


def test_identity_links_hide_with_their_legend_entry(tanhuato):
    links = "ikgNetwork.body.data.edges.get({filter: e => e.link && !e.hidden}).length"
    assert tanhuato.js(links) == 1
    tanhuato.page.click('#ikg-legend li[data-class="IdentityLink"]')
    assert tanhuato.js(links) == 0
    assert tanhuato.page.text_content('#ikg-legend li[data-class="IdentityLink"] .count') == "0"


def test_screenshots_of_board_timeline_and_map(tanhuato, browser, pages):
    """The README's pictures, from this run (small PNGs in docs/screenshots)."""
    if not os.access(SCREENSHOTS.parent.parent, os.W_OK):
        pytest.skip("the source tree is read-only")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = tanhuato.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator('[data-view="contradictions"]').screenshot(path=SCREENSHOTS / "board.png")
    page.locator('[data-view="timeline"]').screenshot(path=SCREENSHOTS / "timeline.png")
    page.screenshot(path=SCREENSHOTS / "workbench.png")
    whole = Opened(browser, pages["whole"], 1280, 800)  # the map of the whole case: its three incidents
    whole.page.click('#ikg-tabs button[data-tab="map"]')
    whole.page.locator('[data-view="map"] svg').screenshot(path=SCREENSHOTS / "map.png")
    whole.close()
    for name in ("board", "timeline", "map", "workbench"):
        assert 2_000 < (SCREENSHOTS / f"{name}.png").stat().st_size < 400_000


def test_a_5000_node_page_settles(browser, tmp_path):
    build([write_case(tmp_path, 999)], tmp_path / "build")
    page = render(tmp_path / "build", out=tmp_path / "big.html")
    opened = Opened(browser, page)  # waits for the first frame drawn with physics off
    assert opened.js("ikgNetwork.body.data.nodes.length") == 999 * 5 + 4
    assert opened.js("JSON.parse(document.getElementById('ikg-data').textContent).options.physics.enabled") is False
    opened.page.fill("#ikg-search", "clash 998")
    assert opened.js("ikgNetwork.getSelectedNodes()") == ["gen-incident-998"]
    opened.close()
