"""The HTML page: a pyvis network (nodes, edges, options) rendered through our own template so that the file is
self-contained and safe to open anywhere.

- Offline: vis-network's JS is inlined from pyvis's bundled copy; pyvis's own template is not used because
  it links Bootstrap from a CDN even in `in_line` mode. vis-network's 220 kB stylesheet is left out: it
  styles buttons and editors this page does not enable; page.html carries the one tooltip rule it needs. A Content-Security-Policy meta tag forbids
  every network load, so a remote URL slipping in later would fail loudly instead of phoning home.
- Escaping: every text from the graph is html.escape'd exactly once, when tooltip HTML is built here.
  The data travels as JSON in a non-executed <script type="application/json"> block with '<', '>' and '&'
  written as \\u escapes, so no value can close the script element; app.js turns tooltip HTML into DOM
  elements (vis-network shows string titles as plain text). Canvas labels are not HTML and stay unescaped.
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

from ..ingest.case import CONTROLS
from ..core.fsops import atomic_output
from .model import MAX_LABEL, Edge, GraphData, Item, View, clip

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
        # Lay out before first paint, then app.js switches physics off so the drawing stays still.
        "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 25, "fit": True},
    },
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "interaction": {"hover": True, "tooltipDelay": 120, "keyboard": False},
    "nodes": {"font": {"size": 13, "face": "sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": {"type": "continuous"}, "font": {"size": 11, "align": "middle"},
              "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
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


def node_options(graph: GraphData, item: Item, styles: dict[str, tuple[str, str]]) -> dict:
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
    if shape in ("box", "ellipse"):  # label drawn inside: keep it readable and narrow
        options["font"] = {"color": "#222222"}
        options["widthConstraint"] = {"maximum": 180}
    else:
        options["size"] = NODE_SIZES.get(top, 14)
    return options


def edge_options(graph: GraphData, edge: Edge) -> dict:
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
    for item in view.items:
        net.add_node(item.id, **node_options(graph, item, styles))
    for edge in view.edges:
        # Network.add_edge scans the node list per edge (quadratic on big graphs); the view already
        # guarantees both ends are drawn, so the edge's options go straight in.
        net.edges.append(PyvisEdge(edge.source, edge.target, True, **edge_options(graph, edge)).options)
    net.options = json.loads(json.dumps(OPTIONS))
    return net, styles


# ---------------------------------------------------------------- the page


def script_json(data) -> str:
    """JSON that is inert inside a <script> element: no '<', '>' or '&' survives, so neither '</script>' nor
    '<!--' can appear, and U+2028/2029 are escaped for old JS parsers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
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


def page_html(view: View) -> str:
    net, styles = network(view)
    nodes, edges, heading, _height, _width, options = net.get_network_data()
    graph = view.graph
    counts = Counter(graph.top(item) for item in view.items)
    legend = [
        {"name": name, "label": _capital(graph.onto.classes[name].label("en")), "count": counts.get(name, 0),
         "swatch": swatch(*styles[name]),
         "subclasses": ", ".join(graph.onto.classes[c].label("en") for c in graph.onto.descendants(name)
                                 if c != name)}
        for name in sorted(graph.onto.top_classes(), key=_legend_order)
    ]
    edge_legend = [
        {"label": graph.prop_label("contradicts"), "colour": CONTRADICTS, "dash": "6,4", "width": 4},
        *({"label": f"statement {stance} claim", "colour": colour, "dash": "", "width": 2.5}
          for stance, colour in STANCE_COLOURS.items()),
        {"label": "other relation (hover for its name)", "colour": PLAIN_EDGE, "dash": "", "width": 1},
    ]
    vis_js = _inline_js((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"))
    app_js = _inline_js((ASSETS / "app.js").read_text(encoding="utf-8"))
    data = script_json({"nodes": nodes, "edges": edges, "options": json.loads(options)})
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
        edge_legend=edge_legend,
        node_count=len(nodes),
        edge_count=len(edges),
    )


def _legend_order(name: str) -> tuple[int, str]:
    order = list(CLASS_STYLES)
    return (order.index(name) if name in order else len(order), name)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failed render never leaves a half-written page."""
    with atomic_output(path, "w", encoding="utf-8") as handle:
        handle.write(text)