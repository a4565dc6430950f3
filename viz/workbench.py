"""What the investigator's workbench shows beside the network, as plain data for page.py: each record's facets
(for search and filters), the contradiction board (from the saved `contradictions` query), the timeline's
items, and the map's marks. Nothing here produces HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..core.text import fold
from ..ontology.display import preferred_value
from . import geo
from .model import GraphData, Item, View

# Who is speaking, by the speaker's ontology class (the nearest listed ancestor decides); a person is an
# official while holding a post in an official body, otherwise a witness.
SPEAKER_KINDS = {
    "GovernmentAgency": "official",
    "ArmedForce": "official",
    "NewsOutlet": "press",
    "HumanRightsBody": "human-rights body",
    "CollectiveSpeaker": "witnesses/families",
    "Person": "witnesses/families",
    "ResearchBody": "dataset",
    "Agent": "other",
}
KIND_ORDER = ["official", "press", "human-rights body", "witnesses/families", "dataset", "other"]
SEARCH_FIELDS = ("name", "title", "text", "role", "alias", "abbreviation")
DEATHS = ("killed", "executed")  # categories a map mark is sized by (the largest figure among them)


def web_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) one, else None: nothing else becomes a link."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\r\n\t "):
        return url.strip()
    return None


class Facets:
    """Per record: its top class, and for statements (and their quantities and documents) the stance, the
    speaker's kind, the outlets and the date the filters act on; and the folded text search matches."""

    def __init__(self, graph: GraphData):
        self.graph = graph
        self._kinds: dict[str, str] = {}

    def speaker_kind(self, agent_id: str) -> str:
        if agent_id in self._kinds:
            return self._kinds[agent_id]
        graph, kind = self.graph, "other"
        agent = graph.items.get(agent_id)
        if agent is not None:
            kind = next((SPEAKER_KINDS[c] for c in graph.onto.ancestors(agent.cls) if c in SPEAKER_KINDS), "other")
            if graph.onto.is_a(agent.cls, "Person"):
                for post in graph.linking(agent_id, "holder"):
                    if post in graph.items:
                        orgs = graph.items[post].links.get("organization", [])
                        if any(self.speaker_kind(o) == "official" for o in orgs if o != agent_id):
                            kind = "official"
        self._kinds[agent_id] = kind
        return kind

    def outlets(self, statement: Item) -> list[str]:
        found = []
        for doc in statement.links.get("reportedIn", []):
            if doc in self.graph.items:
                found.extend(self.graph.items[doc].links.get("publisher", []))
        return sorted(set(found))

    def of(self, item: Item) -> dict:
        graph = self.graph
        top = graph.top(item)
        entry: dict = {"c": top}
        if top == "Statement":
            entry.update(self._statement(item))
        elif top == "Quantity":
            owner = next(iter(graph.linking(item.id, "quantity")), None)
            if owner and owner in graph.items:
                entry.update(self._statement(graph.items[owner]))
        elif top == "Document":
            entry["o"] = list(item.links.get("publisher", []))
            if graph.text(item, "published"):
                entry["d"] = graph.text(item, "published")
        texts = [item.id, graph.label(item)]
        for prop in SEARCH_FIELDS:
            texts.extend(text for text, _ in item.literals.get(prop, []))
        entry["s"] = " | ".join(dict.fromkeys(fold(t) for t in texts if t))
        return entry

    def _statement(self, statement: Item) -> dict:
        graph = self.graph
        speakers = statement.links.get("speaker", [])
        entry = {"st": graph.text(statement, "stance") or "", "o": self.outlets(statement),
                 "k": self.speaker_kind(speakers[0]) if speakers else "other"}
        if graph.text(statement, "date"):
            entry["d"] = graph.text(statement, "date")
        return entry


# ---------------------------------------------------------------- the contradiction board


@dataclass
class Side:
    claim: str
    text: str
    statements: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)


@dataclass
class Pair:
    key: str  # "CLAIM_A|CLAIM_B", the smaller id first
    incident: str
    incident_name: str
    sides: tuple[Side, Side]


def board(view: View) -> list[Pair]:
    """Every contradicting claim pair of the view, as the saved `contradictions` query lists them (each pair
    once, the smaller id first, under claim A's incident, both claims drawn and that incident too), with
    every drawn statement on each side. Read from the records the view already holds: the saved query
    scans every incident's name and is far slower on a large build. tests/test_workbench.py holds the pairs
    equal to the query's."""
    graph = view.graph
    drawn, claims = _drawn(view, "Claim")
    pairs = []
    for item in claims:
        incidents = [i for i in item.links.get("incident", []) if i in drawn]
        for other in item.links.get("contradicts", []):
            if item.id < other and other in drawn and incidents:
                sides = (_side(graph, item.id, other, drawn), _side(graph, other, item.id, drawn))
                pairs.append(Pair(f"{item.id}|{other}", incidents[0], graph.name(incidents[0]), sides))
    return sorted(pairs, key=lambda p: (p.incident, p.key))


def _drawn(view: View, top: str) -> tuple[set[str], list[Item]]:
    """The ids drawn, and the drawn records of one top class."""
    return {i.id for i in view.items}, [i for i in view.items if view.graph.top(i) == top]


def _side(graph: GraphData, claim: str, other: str, drawn: set[str]) -> Side:
    """The statements on `claim`'s side of its contradiction with `other`: those asserting it or denying the
    other, as the saved query puts them."""
    stance = {"asserts": claim, "denies": other}
    found = dict.fromkeys(s for c in (claim, other) for s in graph.linking(c, "claim")
                          if s in drawn and stance.get(graph.text(graph.items[s], "stance") or "") == c)
    statements = [_statement_entry(graph, graph.items[s]) for s in found]
    statements.sort(key=lambda s: (s["date"], s["id"]))
    return Side(claim, graph.name(claim), statements, figures(graph, [s["id"] for s in statements]))


def _statement_entry(graph: GraphData, statement: Item) -> dict:
    quote = preferred_value(statement.literals.get("quote") or ()) or ("", None)
    documents = []
    for doc in statement.links.get("reportedIn", []):
        item = graph.items.get(doc)
        documents.append({"name": graph.name(doc), "url": web_url(graph.text(item, "url")) if item else None})
    return {
        "id": statement.id,
        "speaker": ", ".join(graph.name(s) for s in statement.links.get("speaker", [])),
        "outlet": ", ".join(dict.fromkeys(graph.name(o) for d in statement.links.get("reportedIn", [])
                                          if d in graph.items for o in graph.items[d].links.get("publisher", []))),
        "date": graph.text(statement, "date") or "",
        "stance": graph.text(statement, "stance") or "",
        "quote": quote[0],
        "lang": quote[1] or "",
        "documents": documents,
    }


def figures(graph: GraphData, statements: list[str]) -> list[dict]:
    """The figures some statements put forward, per category and party: how many, min, max and spread."""
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for sid in statements:
        item = graph.items.get(sid)
        for qid in item.links.get("quantity", []) if item else []:
            quantity = graph.items.get(qid)
            value = quantity and graph.text(quantity, "value")
            if value is None:
                continue
            category = graph.text(quantity, "category") or ""
            party = ", ".join(graph.short_name(p) for p in quantity.links.get("party", []))
            groups[(category, party)].append(float(value))
    return [{"category": c.replace("_", " "), "party": p, "n": len(v), "min": _num(min(v)), "max": _num(max(v)),
             "spread": _num(max(v) - min(v))} for (c, p), v in sorted(groups.items())]


def _num(value: float):
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------- timeline and map


def timeline(view: View, facets: dict[str, dict]) -> list[dict]:
    """Statements and documents with their dates, for the time axis."""
    items = []
    for item in view.items:
        entry = facets[item.id]
        if entry["c"] in ("Statement", "Document") and len(entry.get("d", "")) >= 10:
            items.append({"id": item.id, "d": entry["d"][:10], "lane": entry["c"]})
    return sorted(items, key=lambda i: (i["d"], i["id"]))


def map_marks(view: View) -> list[dict]:
    """One mark per drawn incident (at its place's coordinates, else at its state's centre), sized by the
    largest death toll any source gives and coloured by how far the sources' tolls spread; places that
    identity links join to the incident's place, at other coordinates, are marks of their own."""
    graph = view.graph
    drawn, incidents = _drawn(view, "Incident")
    marks = []
    for item in incidents:
        places = item.links.get("place", [])
        where = _located(graph, places[0]) if places else None
        if where is None:
            continue
        tolls = _tolls(graph, item.id)
        deaths = max(tolls) if tolls else 0
        spread = (max(tolls) - min(tolls)) if tolls else 0
        mark = {"id": item.id, "name": graph.name(item.id), "x": where[0], "y": where[1], "approx": where[2],
                "deaths": _num(deaths), "spread": _num(spread), "sources": len(tolls),
                "disputed": round(spread / deaths, 3) if deaths else 0.0, "alt": []}
        for place in places:
            for link in graph.identity_links(place):
                for other in graph.items[link].links.get("links", []):
                    if other == place or other not in graph.items:
                        continue
                    spot = _located(graph, other)
                    if spot and not spot[2] and (spot[0], spot[1]) != (where[0], where[1]):
                        mark["alt"].append({"id": other, "name": graph.name(other), "x": spot[0], "y": spot[1],
                                            "drawn": other in drawn})
        marks.append(mark)
    return marks


def _located(graph: GraphData, place: str) -> tuple[float, float, bool] | None:
    """A place's point on the map: its own coordinates, else a containing place's, else its state's centre
    (the third value says the point is only approximate)."""
    item = graph.items.get(place)
    if item is None:
        return None
    chain = [place, *item.links.get("partOf", [])]
    for pid in chain:
        p = graph.items.get(pid)
        lat, lon = (p and graph.text(p, "latitude")), (p and graph.text(p, "longitude"))
        if lat is not None and lon is not None:
            return (*geo.project(float(lon), float(lat)), False)
    for pid in chain:
        p = graph.items.get(pid)
        if p is not None and graph.onto.is_a(p.cls, "State"):
            code = geo.state_code(graph.name(pid))
            state = next((s for s in geo.states() if s.code == code), None)
            if state:
                return (*state.centre, True)
    return None


def _tolls(graph: GraphData, incident: str) -> list[float]:
    """Each statement's death toll for the incident (its largest killed/executed figure without a party, else
    the sum over parties), across the incident and the incidents identity links join to it."""
    incidents = {incident}
    for link in graph.identity_links(incident):
        incidents.update(i for i in graph.items[link].links.get("links", []) if i in graph.items
                         and graph.top(graph.items[i]) == "Incident")
    tolls = []
    for inc in sorted(incidents):
        for sid in graph.linking(inc, "incident"):
            statement = graph.items.get(sid)
            if statement is None or graph.top(statement) != "Statement":
                continue
            whole, by_party = [], 0.0
            for qid in statement.links.get("quantity", []):
                q = graph.items.get(qid)
                if q is None or graph.text(q, "category") not in DEATHS or graph.text(q, "value") is None:
                    continue
                if q.links.get("party"):
                    by_party += float(graph.text(q, "value"))
                else:
                    whole.append(float(graph.text(q, "value")))
            if whole or by_party:
                tolls.append(max(whole) if whole else by_party)
    return tolls


__all__ = ["Facets", "KIND_ORDER", "Pair", "SPEAKER_KINDS", "Side", "board", "figures",
           "map_marks", "timeline", "web_url"]
