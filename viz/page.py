"""The HTML page: a pyvis network (nodes, edges, options, positions from layout.py) with the workbench around
it (filters, contradiction board, timeline, map; see workbench.py), rendered through our own template so that
the file is self-contained and safe to open anywhere.

- Offline: vis-network's JS is inlined from pyvis's bundled copy; pyvis's own template is not used because
  it links Bootstrap from a CDN even in `in_line` mode. vis-network's 220 kB stylesheet is left out: it
  styles buttons and editors this page does not enable; page.html carries the one tooltip rule it needs. A Content-Security-Policy meta tag forbids
  every network load, so a remote URL slipping in later would fail loudly instead of phoning home.
- Escaping: every text from the graph is html.escape'd exactly once, when tooltip HTML is built here.
  The data travels as JSON in a non-executed <script type="application/json"> block with every '<'
  written as \\u003c, so no value can close the script element; app.js turns tooltip HTML into DOM
  elements when one is shown (vis-network shows string titles as plain text). Canvas labels are not HTML and
  stay unescaped. The board and the map are rendered by the template, whose autoescaping escapes their text;
  only http(s) document URLs (workbench.web_url) become links.
- Direction: each data text in HTML sits in its own <bdi>, so bidi controls in it (U+202A-202E, U+2066-2069,
  U+200E/F, U+061C) cannot reorder what is around it; canvas labels and the page title cannot isolate, so
  those controls are removed from them.
- Scripts are allowed by their SHA-256 in the CSP, so even an injected inline event handler could not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import Counter
from pathlib import Path

import pyvis
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pyvis.edge import Edge as PyvisEdge
from pyvis.network import Network
from pyvis.node import Node as PyvisNode

from ..ingest.case import CONTROLS
from ..core.fsops import atomic_output
from ..core.text import fold
from . import geo, workbench
from .layout import radial
from .model import MAX_LABEL, Edge, GraphData, Item, View, clip
from .overview import Overview

ASSETS = Path(__file__).resolve().parent / "assets"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"

# Styling, keyed by the ontology's top classes; a top class added to the ontology later gets a fallback style.
CLASS_STYLES: dict[str, tuple[str, str]] = {
    "Incident": ("star", "#d62728"),
    "Place": ("triangle", "#2ca02c"),
    "Agent": ("dot", "#1f77b4"),
    "Post": ("square", "#7f7f7f"),
    "Document": ("diamond", "#9467bd"),
    "Statement": ("hexagon", "#17becf"),
    "Claim": ("box", "#f5d142"),
    "Quantity": ("triangleDown", "#8c564b"),
    "IdentityLink": ("ellipse", "#e377c2"),
}
FALLBACK_STYLES = [("dot", "#bcbd22"), ("square", "#aec7e8"), ("diamond", "#ffbb78"), ("hexagon", "#98df8a")]
NODE_SIZES = {"Incident": 30, "Claim": 18, "Statement": 16}
# Label sizes: what an investigator reads first is large enough to stay legible when the view is fitted; the
# rest is drawn once zoomed in (vis-network skips labels smaller than DRAW_THRESHOLD pixels on screen).
FONT_SIZES = {"Incident": 30, "Claim": 22, "speaker": 22}
FONT_SIZE = 14
DRAW_THRESHOLD = 9
PHYSICS_LIMIT = 300  # above this many nodes the Python layout is final: no physics in the browser
SAME_AS = "#e377c2"
HUB_SPRING = 320  # everything about an incident links to it; longer springs keep its surroundings readable
STANCE_COLOURS = {"asserts": "#2ca02c", "denies": "#ff7f0e"}
CONTRADICTS = "#d62728"
PLAIN_EDGE = "#a8a8a8"

OPTIONS = {
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -160, "springLength": 150, "avoidOverlap": 0.6,
                             "centralGravity": 0.015},
        # Refine the Python layout before first paint, then app.js switches physics off so the drawing stays.
        "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 25, "fit": True},
    },
    "layout": {"randomSeed": 7, "improvedLayout": False},  # positions come from layout.py
    "interaction": {"hover": True, "tooltipDelay": 120, "keyboard": False},
    "nodes": {"font": {"size": FONT_SIZE, "face": "sans-serif"}, "borderWidth": 1,
              "scaling": {"label": {"drawThreshold": DRAW_THRESHOLD}}},
    "edges": {"smooth": {"type": "continuous"}, "font": {"size": 11, "align": "middle"},
              "scaling": {"label": {"drawThreshold": DRAW_THRESHOLD}},
              "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
}
# A large view is drawn where layout.py put it: no physics, straight edges, edges hidden while dragging.
LARGE_OPTIONS = {
    "physics": {"enabled": False},
    "edges": {"smooth": False},
    "interaction": {"hideEdgesOnDrag": True, "hideEdgesOnZoom": True},
}


def class_styles(top_classes: list[str]) -> dict[str, tuple[str, str]]:
    styles, spare = {}, iter(FALLBACK_STYLES * (1 + len(top_classes)))
    for name in top_classes:
        styles[name] = CLASS_STYLES.get(name) or next(spare)
    return styles


# ---------------------------------------------------------------- tooltip HTML (the one place text is escaped)


def canvas_text(text: str) -> str:
    """A data text for a canvas label (or the page title), which cannot isolate it: without the control
    characters validation notes (bidi embeddings, overrides, isolates and marks could reorder what surrounds
    them). In HTML each data text is isolated in its own <bdi> instead."""
    return CONTROLS.sub("", text)


def _isolated(text: str) -> str:
    return f"<bdi>{html.escape(text)}</bdi>"


def tooltip_html(heading: str, subtitle: str | tuple[str, str], rows: list[tuple[str, str]]) -> str:
    """A tooltip; `subtitle` is a text, or the (source, target) of an edge, each isolated on its own."""
    esc = html.escape
    body = "".join(
        f"<tr><th>{esc(field)}</th><td>{'<br>'.join(_isolated(line) for line in value.splitlines())}</td></tr>"
        for field, value in rows
    )
    sub = " → ".join(map(_isolated, subtitle)) if isinstance(subtitle, tuple) else _isolated(subtitle)
    return (f'<div class="tip-head">{_isolated(heading)}</div><div class="tip-cls">{sub}</div>'
            f"<table>{body}</table>")


def node_options(graph: GraphData, item: Item, styles: dict[str, tuple[str, str]], speakers: set[str]) -> dict:
    top = graph.top(item)
    shape, colour = styles[top]
    label = graph.label(item)
    options = {
        "label": clip(canvas_text(label), MAX_LABEL),
        "shape": shape,
        "color": colour,
        "title": tooltip_html(label, graph.class_label(item), graph.rows(item)),
        "group_class": top,  # read by app.js for the legend counts; vis ignores unknown keys
    }
    size = FONT_SIZES.get("speaker" if item.id in speakers else top, FONT_SIZE)
    options["font"] = {"size": size}
    if shape in ("box", "ellipse"):  # label drawn inside: keep it readable and narrow
        options["font"]["color"] = "#222222"
        options["widthConstraint"] = {"maximum": 220}
    else:
        options["size"] = NODE_SIZES.get(top, 14)
    return options


def edge_options(graph: GraphData, edge: Edge) -> dict:
    if edge.link is not None:  # an identity link: the records it joins, with its method and evidence
        link = graph.items[edge.link]
        method = graph.text(link, "method") or ""
        label = f"same as ({method})" if method else "same as"
        title = tooltip_html(label, (graph.name(edge.source), graph.name(edge.target)), graph.rows(link))
        return {"color": SAME_AS, "width": 3, "dashes": [2, 6], "label": canvas_text(label), "title": title,
                "font": {"color": SAME_AS, "strokeWidth": 3}, "arrows": {"to": {"enabled": False}},
                "link": edge.link}
    label = graph.prop_label(edge.prop)
    title = tooltip_html(label, (graph.name(edge.source), graph.name(edge.target)), [])
    if edge.prop == "contradicts":
        return {"color": CONTRADICTS, "width": 4, "dashes": True, "label": label, "title": title,
                "font": {"color": CONTRADICTS, "size": 13, "strokeWidth": 3},
                "arrows": {"to": {"enabled": False}}}
    if edge.stance is not None:
        colour = STANCE_COLOURS.get(edge.stance, PLAIN_EDGE)
        return {"color": colour, "width": 2.5, "label": canvas_text(edge.stance), "title": title,
                "font": {"color": colour, "strokeWidth": 3}}
    options = {"color": PLAIN_EDGE, "width": 1, "title": title}
    target = graph.items.get(edge.target)
    if target is not None and graph.top(target) == "Incident":
        options["length"] = HUB_SPRING
    if edge.undirected:
        options["arrows"] = {"to": {"enabled": False}}
    return options


def network(view: View) -> tuple[Network, dict[str, tuple[str, str]]]:
    graph = view.graph
    styles = class_styles(graph.onto.top_classes())
    net = Network(directed=True, cdn_resources="in_line", heading=view.heading)
    drawn = {item.id for item in view.items}
    speakers = {s for item in view.items for s in item.links.get("speaker", []) if s in drawn}
    positions = radial(sorted(drawn), [(e.source, e.target) for e in view.edges], view.focus)
    for item in view.items:
        # Network.add_node checks the id against a list (quadratic on big views); ids here are unique.
        options = node_options(graph, item, styles, speakers)
        options["x"], options["y"] = positions.get(item.id, (0.0, 0.0))
        net.nodes.append(PyvisNode(item.id, options.pop("shape"), options.pop("label"), **options).options)
        net.node_ids.append(item.id)
    for edge in view.edges:
        # Network.add_edge scans the node list per edge (quadratic on big graphs); the view already
        # guarantees both ends are drawn, so the edge's options go straight in.
        net.edges.append(PyvisEdge(edge.source, edge.target, True, **edge_options(graph, edge)).options)
    if len(view.items) > PHYSICS_LIMIT:
        # app.js tells a plain edge's relation and ends on hover instead of a tooltip per edge, and the
        # colours say what the labels would (each label is measured and drawn: thousands slow the first frame)
        for edge, options in zip(view.edges, net.edges):
            if edge.link is None:
                options["p"] = options.pop("label", None) or graph.prop_label(edge.prop)
                options.pop("title", None)
                options.pop("font", None)
    net.options = options_for(len(view.items))
    return net, styles


def options_for(nodes: int) -> dict:
    options = json.loads(json.dumps(OPTIONS))
    if nodes > PHYSICS_LIMIT:
        for key, value in LARGE_OPTIONS.items():
            options[key] = {**options.get(key, {}), **value} if key != "physics" else dict(value)
    return options


# ---------------------------------------------------------------- the page


def script_json(data) -> str:
    """JSON that is inert inside a <script> element: no '<' survives, so neither '</script' nor '<!--' can
    appear (script data has no character references, and '>' matters only after '<!--'), and U+2028/2029 are
    escaped for old JS parsers. Tooltip HTML is most of a large page, so '>' and '&' stay as they are."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _inline_js(text: str) -> str:
    # A literal '</script' inside a string or regex would end the element early; '<\/' means the same in JS.
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


SHAPE_SVG = {
    "dot": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "triangle": '<polygon points="10,2 18,17 2,17"/>',
    "triangleDown": '<polygon points="2,3 18,3 10,18"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10"/>',
    "star": '<polygon points="10,1 12.4,7.2 19,7.2 13.7,11.2 15.6,18 10,14 4.4,18 6.3,11.2 1,7.2 7.6,7.2"/>',
    "hexagon": '<polygon points="10,1 18,5.5 18,14.5 10,19 2,14.5 2,5.5"/>',
    "box": '<rect x="1" y="5" width="18" height="10" rx="3"/>',
    "ellipse": '<ellipse cx="10" cy="10" rx="9" ry="6"/>',
}


def swatch(shape: str, colour: str) -> Markup:
    inner = SHAPE_SVG.get(shape, SHAPE_SVG["dot"])
    return Markup(
        f'<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<g fill="{html.escape(colour)}" stroke="#444" stroke-width="0.8">{inner}</g></svg>'
    )


def page_html(view: View | Overview) -> str:
    if isinstance(view, Overview):
        return _render(**overview_parts(view))
    net, styles = network(view)
    nodes, edges, heading, _height, _width, options = net.get_network_data()
    graph = view.graph
    counts = Counter(graph.top(item) for item in view.items)
    counts["IdentityLink"] = sum(1 for e in view.edges if e.link)  # drawn as edges
    facets = workbench.Facets(graph)
    records = {item.id: facets.of(item) for item in view.items}
    outlets = sorted({o for r in records.values() for o in r.get("o", [])})
    pairs = workbench.board(view)
    marks = workbench.map_marks(view)
    payload = {
        "nodes": nodes, "edges": edges, "options": json.loads(options), "facets": records,
        "kinds": workbench.KIND_ORDER, "outlets": {o: graph.name(o) for o in outlets},
        "timeline": workbench.timeline(view, records), "focus": [f for f in view.focus if f in records],
        "classes": {name: _capital(graph.onto.classes[name].label("en")) for name in graph.onto.top_classes()},
        "pairs": {p.key: [s.claim for s in p.sides] for p in pairs},
        "hub": _hub(view),
    }
    return _render(heading=heading, payload=payload, legend=_legend(graph, styles, counts), pairs=pairs,
                   marks=marks, notice=None, node_count=len(nodes), edge_count=len(edges))


def _hub(view: View) -> str | None:
    """The incident with the most links (else any record), where an unfocused large page opens legibly."""
    degree = Counter()
    for edge in view.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    candidates = [i.id for i in view.items if view.graph.top(i) == "Incident"] or [i.id for i in view.items]
    return max(candidates, key=lambda i: (degree[i], i)) if candidates else None


def _legend(graph: GraphData, styles, counts) -> list[dict]:
    return [
        {"name": name, "label": _capital(graph.onto.classes[name].label("en")), "count": counts.get(name, 0),
         "swatch": swatch(*styles[name]),
         "subclasses": ", ".join(graph.onto.classes[c].label("en") for c in graph.onto.descendants(name)
                                 if c != name)}
        for name in sorted(graph.onto.top_classes(), key=_legend_order)
    ]


EDGE_LEGEND = [
    {"label": "contradicts", "colour": CONTRADICTS, "dash": "6,4", "width": 4},
    *({"label": f"statement {stance} claim", "colour": colour, "dash": "", "width": 2.5}
      for stance, colour in STANCE_COLOURS.items()),
    {"label": "same as (identity link)", "colour": SAME_AS, "dash": "2,6", "width": 3},
    {"label": "other relation (hover for its name)", "colour": PLAIN_EDGE, "dash": "", "width": 1},
]


GRID_X, GRID_Y = 76, 48  # the overview's grid: years across, states down


def overview_parts(ov: Overview) -> dict:
    """The aggregated page: one node per state and year (sized by its incidents), one per state, laid out
    as a grid, the map shaded by count, the timeline counting incidents per year."""
    years = sorted({g["year"] for g in ov.groups})
    states = sorted({g["state"] for g in ov.groups})
    totals = Counter()
    for g in ov.groups:
        totals[g["state"]] += g["count"]
    shape, colour = CLASS_STYLES["Incident"]
    nodes, edges = [], []
    for row, state in enumerate(states):
        nodes.append({"id": f"state:{state}", "label": f"{canvas_text(state)}: {totals[state]:,}", "shape": "box",
                      "color": "#f0f0f0", "x": -300, "y": row * GRID_Y, "font": {"size": 30},
                      "title": tooltip_html(state, "state", [("incidents", f"{totals[state]:,}")])})
    for g in ov.groups:
        gid = f"group:{g['state']}:{g['year']}"
        nodes.append({"id": gid, "label": f"{g['count']:,}", "shape": "dot", "color": colour,
                      "size": 4 + min(GRID_Y / 2.2, g["count"] ** 0.5 * 1.2), "font": {"size": 20},
                      "x": (years.index(g["year"]) + 1) * GRID_X, "y": states.index(g["state"]) * GRID_Y,
                      "title": tooltip_html(f"{g['state']}, {g['year']}", "incidents",
                                            [("incidents", f"{g['count']:,}")])})
        edges.append({"from": f"state:{g['state']}", "to": gid, "color": PLAIN_EDGE, "width": 0.5,
                      "arrows": {"to": {"enabled": False}}})
    for index, year in enumerate(years):
        nodes.append({"id": f"year:{year}", "label": year, "shape": "text", "x": (index + 1) * GRID_X,
                      "y": -GRID_Y, "font": {"size": 26}, "title": tooltip_html(year, "year", [])})
    facets = {f"state:{state}": {"c": "Place", "s": fold(state)} for state in states}
    facets.update({f"group:{g['state']}:{g['year']}": {"c": "Incident", "s": fold(f"{g['state']} {g['year']}"),
                                                       **({"d": f"{g['year']}-07-01"} if g["year"].isdigit() else {})}
                   for g in ov.groups})
    options = options_for(len(nodes) + PHYSICS_LIMIT)
    shade = {}
    top = max(totals.values(), default=1)
    for g in ov.groups:
        if g["code"]:
            shade[g["code"]] = shade.get(g["code"], 0) + g["count"]
    by_year = Counter()
    for g in ov.groups:
        by_year[g["year"]] += g["count"]
    payload = {
        "nodes": nodes, "edges": edges, "options": options, "facets": facets, "kinds": [], "outlets": {},
        "timeline": [{"id": f"year:{y}", "d": f"{y}-07-01", "lane": "Incidents", "n": by_year[y]}
                     for y in years if y.isdigit()],
        "focus": [], "classes": {}, "pairs": {}, "overview": True,
    }
    notice = (f"This selection has {ov.records:,} records, more than the cap of {ov.cap:,} (--max-nodes): "
              f"its {ov.incidents:,} incidents are shown grouped by state and year, with counts. Draw one "
              "incident (--incident) or a narrower query to see records.")
    return {"heading": ov.heading, "payload": payload, "legend": [], "pairs": [], "marks": [],
            "notice": notice, "node_count": len(nodes), "edge_count": len(edges),
            "shade": {code: round(0.15 + 0.85 * n / top, 3) for code, n in shade.items()}}


def _render(*, heading: str, payload: dict, legend: list, pairs: list, marks: list, notice: str | None,
            node_count: int, edge_count: int, shade: dict | None = None) -> str:
    vis_js = _inline_js((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"))
    app_js = _inline_js((ASSETS / "app.js").read_text(encoding="utf-8"))
    data = script_json(payload)
    csp = ("default-src 'none'; "
           f"script-src {_sha256(vis_js)} {_sha256(app_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'")
    env = Environment(loader=FileSystemLoader(ASSETS), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env.get_template("page.html").render(
        heading=heading,
        title=canvas_text(heading),
        csp=csp,
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        data=Markup(data),
        legend=legend,
        edge_legend=EDGE_LEGEND,
        node_count=node_count,
        edge_count=edge_count,
        pairs=pairs,
        marks=marks,
        notice=notice,
        states=geo.states(),
        viewbox=" ".join(f"{v:g}" for v in geo.VIEWBOX),
        attribution=geo.ATTRIBUTION,
        shade=shade or {},
        mark_radius=mark_radius,
        mark_colour=mark_colour,
    )


def mark_radius(deaths) -> float:
    return round(4 + min(22.0, float(deaths) ** 0.5 * 2.2), 1)


def mark_colour(disputed: float) -> str:
    """From grey-blue (the sources agree, or one source) to red (their tolls spread as far as the largest)."""
    t = max(0.0, min(1.0, disputed))
    r, g, b = (int(90 + (214 - 90) * t), int(120 + (39 - 120) * t), int(160 + (40 - 160) * t))
    return f"#{r:02x}{g:02x}{b:02x}"


def _legend_order(name: str) -> tuple[int, str]:
    order = list(CLASS_STYLES)
    return (order.index(name) if name in order else len(order), name)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failed render never leaves a half-written page."""
    with atomic_output(path, "w", encoding="utf-8") as handle:
        handle.write(text)