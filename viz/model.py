"""What the visualisation draws: records read from the build's store as a view needs them (never the whole
build), a selection of them (whole graph, one incident's neighbourhood with the records identity links join
to it, or a saved query's result), and for each record its class, a short label and its provenance as
plain-text tooltip rows. Nothing here produces HTML; page.py escapes all of it.

Class, property and field names come from the ontology model, so a new subclass or property shows up
without code here: only the few relations that define an incident's neighbourhood and a statement's
provenance are named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import queries
from ..core.errors import QueryError
from ..core.graph import open_store
from ..core.namespaces import ID, IKG, RDF_TYPE_IRI, term_id
from ..ontology import Ontology, load
from ..ontology.display import LABEL_FIELDS, caption, preferred, quantity_caption
from ..ontology.display import name as record_name

MAX_LABEL = 48
MAX_TEXT = 300


@dataclass
class Item:
    """One record of the built graph."""

    id: str
    cls: str  # most specific ikg class
    literals: dict[str, list[tuple[str, str | None]]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Edge:
    source: str
    target: str
    prop: str
    stance: str | None = None  # for statement→claim edges
    undirected: bool = False  # symmetric properties are drawn once, without arrow
    link: str | None = None  # the identity link record an edge between two records stands for


@dataclass
class View:
    """A selection ready to draw: the heading, the items, the edges among them."""

    heading: str
    items: list[Item]
    edges: list[Edge]
    graph: "GraphData"
    focus: list[str] = field(default_factory=list)  # incidents the layout centres on


class Records(dict):
    """Records by id, each read from the store the first time it is asked for (and misses remembered), so a
    view reads only the records it draws and those it names."""

    def __init__(self, load):
        super().__init__()
        self._load = load
        self._absent: set[str] = set()

    def __missing__(self, key: str) -> Item:
        if key in self._absent:
            raise KeyError(key)
        item = self._load(key)
        if item is None:
            self._absent.add(key)
            raise KeyError(key)
        self[key] = item
        return item

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None


class Incoming(dict):
    """target id -> [(property, source id)], read from the store's object index on first use."""

    def __init__(self, load):
        super().__init__()
        self._load = load

    def __missing__(self, key: str) -> list[tuple[str, str]]:
        found = self[key] = self._load(key)
        return found

    def get(self, key, default=None):
        return self[key]


class GraphData:
    """The records of a build as the visualisation reads them: straight from the Oxigraph store, one record
    (its outgoing triples) or one record's incoming links at a time, never the whole build."""

    def __init__(self, store: ox.Store, onto: Ontology, graph_dir: Path | None = None):
        self.graph_dir = graph_dir
        self.store = store
        self.onto = onto
        self.items = Records(self._read)
        self.incoming = Incoming(self._read_incoming)
        self._id_ns, self._ikg_ns = str(ID), str(IKG)
        self._known: set[str] | None = None
        self._linking: dict[tuple[str, str], list[str]] = {}

    @classmethod
    def load(cls, graph_dir: Path | None = None) -> "GraphData":
        return cls(open_store(graph_dir), load(), graph_dir)

    def _node(self, item_id: str) -> ox.NamedNode:
        return ox.NamedNode(self._id_ns + item_id)

    def _read(self, item_id: str) -> Item | None:
        try:
            subject = self._node(item_id)
        except ValueError:  # not an IRI we could have minted
            return None
        item, types = Item(item_id, ""), []
        ikg_ns, id_ns = self._ikg_ns, self._id_ns
        for quad in self.store.quads_for_pattern(subject, None, None, ox.DefaultGraph()):
            predicate, obj = quad.predicate.value, quad.object
            if predicate == RDF_TYPE_IRI:
                if isinstance(obj, ox.NamedNode) and obj.value.startswith(ikg_ns):
                    types.append(obj.value[len(ikg_ns):])
                continue
            if not predicate.startswith(ikg_ns):
                continue
            prop = predicate[len(ikg_ns):]
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(id_ns):
                item.links[prop].append(term_id(obj.value))
            elif isinstance(obj, ox.Literal):
                item.literals[prop].append((obj.value, obj.language))
            else:
                item.literals[prop].append((str(getattr(obj, "value", obj)), None))
        known = [t for t in types if t in self.onto.classes]
        if not known:
            return None  # not a record (nothing typed by the ontology): nothing to draw
        item.cls = self.onto.most_specific(known)
        for values in item.links.values():
            values.sort()
        return item

    def _read_incoming(self, item_id: str) -> list[tuple[str, str]]:
        found = []
        ikg_ns, id_ns = self._ikg_ns, self._id_ns
        for quad in self.store.quads_for_pattern(None, None, self._node(item_id), ox.DefaultGraph()):
            subject, predicate = quad.subject, quad.predicate.value
            if (isinstance(subject, ox.NamedNode) and subject.value.startswith(id_ns)
                    and predicate.startswith(ikg_ns)):
                found.append((predicate[len(ikg_ns):], term_id(subject.value)))
        return sorted(found)

    def values(self, item_id: str, prop: str) -> list[str]:
        """One field of a record, read alone (literal values, or ids of linked records): for passes over many
        records that need one or two fields each."""
        pattern = self.store.quads_for_pattern(self._node(item_id), ox.NamedNode(self._ikg_ns + prop), None,
                                               ox.DefaultGraph())
        return sorted(term_id(q.object.value) for q in pattern)

    def is_of(self, item_id: str, cls: str) -> bool:
        """Whether a record is typed `cls` (materialised superclasses count), one index look-up."""
        return bool(next(iter(self.store.quads_for_pattern(self._node(item_id), ox.NamedNode(RDF_TYPE_IRI),
                                                           ox.NamedNode(self._ikg_ns + cls), ox.DefaultGraph())),
                         None))

    def ids_of_class(self, cls: str) -> list[str]:
        """Every record typed `cls` (superclass types are materialised, so 'Incident' finds raids too)."""
        pattern = self.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE_IRI), ox.NamedNode(self._ikg_ns + cls),
                                               ox.DefaultGraph())
        return sorted(term_id(q.subject.value) for q in pattern
                      if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(self._id_ns))

    def record_ids(self) -> list[str]:
        """Every record's id: the records of each top class (each record has exactly one)."""
        return sorted(self.known_ids())

    def known_ids(self) -> set[str]:
        if self._known is None:
            self._known = set()
            for top in self.onto.top_classes():
                self._known.update(self.ids_of_class(top))
        return self._known

    # ------------------------------------------------------------ texts

    def text(self, item: Item, prop: str) -> str | None:
        """The preferred value of a field (ontology.display.preferred)."""
        return preferred(item.literals.get(prop) or ())

    def name(self, item_id: str) -> str:
        item = self.items.get(item_id)
        if item is None:
            return item_id
        return record_name(item.literals) or item_id

    def short_name(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return (item and self.text(item, "abbreviation")) or self.name(item_id)

    def top(self, item: Item) -> str:
        return self.onto.top_class(item.cls)

    def label(self, item: Item) -> str:
        """The full display label (ontology.display.caption); page.py shortens it for the canvas."""
        return caption(self.top(item), item.id, item.literals, item.links, self.name, self.short_name)

    def quantity_label(self, item: Item) -> str:
        return quantity_caption(item.literals, [self.short_name(p) for p in item.links.get("party", [])])

    def class_label(self, item: Item) -> str:
        """'raid (incident)': the subclass, then the top class it belongs to."""
        cls, top = self.onto.classes[item.cls], self.top(item)
        if cls.name == top:
            return cls.label("en")
        return f"{cls.label('en')} ({self.onto.classes[top].label('en')})"

    # ------------------------------------------------------------ tooltip rows

    def prop_label(self, prop: str) -> str:
        info = self.onto.properties.get(prop)
        return info.label("en") if info else prop

    def field_value(self, item: Item, prop: str) -> str:
        if prop in item.links:
            return ", ".join(self.label(self.items[t]) if t in self.items else t for t in item.links[prop])
        parts = []
        for text, lang in item.literals.get(prop, []):
            text = clip(text, MAX_TEXT)
            parts.append(f"[{lang}] {text}" if lang else text)
        return "\n".join(parts)

    def rows(self, item: Item) -> list[tuple[str, str]]:
        """Tooltip rows (field, plain text): the record's own fields, then where they came from."""
        top = self.top(item)
        if top == "Statement":
            return self.statement_rows(item, with_claim=True)
        rows = [("id", item.id)]
        for prop in _ordered(list(item.literals) + list(item.links)):
            if prop == "source":
                continue  # shown below with the document's date and URL
            info = self.onto.properties.get(prop)
            if info and info.transitive and prop in item.links:
                value = ", ".join(self.name(t) for _, t in self._reduced_links(item, prop))
            else:
                value = self.field_value(item, prop)
            if value:
                rows.append((self.prop_label(prop), value))
        if top == "Quantity":
            for prop, statement in self.incoming.get(item.id, []):
                if prop == "quantity" and statement in self.items:
                    rows.append(("put forward in", self.label(self.items[statement])))
                    rows.extend(self.statement_rows(self.items[statement], with_claim=False))
        if top == "Claim":
            for prop, statement in sorted(self.incoming.get(item.id, [])):
                if prop == "claim" and statement in self.items:
                    st = self.items[statement]
                    stance = self.text(st, "stance") or "states"
                    outlet = self.outlet(st)
                    rows.append((f"{stance} by", self.label(st) + (f" ({outlet})" if outlet else "")))
        for doc in item.links.get("source", []):
            rows.extend(self.document_rows(doc, "source document"))
        return rows

    def statement_rows(self, item: Item, with_claim: bool) -> list[tuple[str, str]]:
        """A statement's provenance: speaker, outlet, document, date, quote (with language), stance, URL."""
        rows = [("speaker", self.field_value(item, "speaker"))]
        outlet = self.outlet(item)
        if outlet:
            rows.append(("outlet", outlet))
        for doc in item.links.get("reportedIn", []):
            rows.append(("document", self.name(doc)))
        rows.append(("date", self.text(item, "date") or ""))
        if with_claim:
            rows.append(("quote", self.field_value(item, "quote")))
            rows.append(("stance", self.text(item, "stance") or ""))
            if item.links.get("claim"):
                rows.append(("claim", self.field_value(item, "claim")))
        for doc in item.links.get("reportedIn", []):
            rows.append(("URL", self._doc_text(doc, "url") or "(not recorded)"))
        if with_claim:
            rows.append(("incident", self.field_value(item, "incident")))
            if item.links.get("quantity"):
                rows.append(("quantities", "\n".join(
                    self.quantity_label(self.items[q]) for q in item.links["quantity"] if q in self.items
                )))
            rows.insert(0, ("id", item.id))
        return [r for r in rows if r[1]]

    def outlet(self, statement: Item) -> str:
        names = []
        for doc in statement.links.get("reportedIn", []):
            if doc in self.items:
                names.extend(self.name(p) for p in self.items[doc].links.get("publisher", []))
        return ", ".join(dict.fromkeys(names))

    def document_rows(self, doc: str, heading: str) -> list[tuple[str, str]]:
        if doc not in self.items:
            return [(heading, doc)]
        rows = [(heading, self.name(doc))]
        publishers = ", ".join(self.name(p) for p in self.items[doc].links.get("publisher", []))
        if publishers:
            rows.append(("outlet", publishers))
        rows.append(("published", self._doc_text(doc, "published") or ""))
        rows.append(("URL", self._doc_text(doc, "url") or "(not recorded)"))
        return [r for r in rows if r[1]]

    def _doc_text(self, doc: str, prop: str) -> str | None:
        return self.text(self.items[doc], prop) if doc in self.items else None

    # ------------------------------------------------------------ edges

    def _reduced_links(self, item: Item, prop: str) -> list[tuple[str, str]]:
        """Direct links of a transitive property: the build materialised the closure, which would draw an
        edge from a site to every place above it; keep only targets not reachable through another target."""
        targets = item.links.get(prop, [])
        kept = [t for t in targets
                if not any(t in self.items.get(u, Item(u, "")).links.get(prop, []) for u in targets if u != t)]
        return [(prop, t) for t in kept]

    def edges_among(self, ids: set[str]) -> list[Edge]:
        """The edges among `ids`; an identity link is not a node but one 'same as' edge per pair of the
        records it joins (carrying the link's id, for its method and evidence)."""
        edges: list[Edge] = []
        seen_symmetric: set[tuple[str, str, str]] = set()
        for sid in sorted(ids):
            item = self.items[sid]
            if self.top(item) == IDENTITY_LINK:
                joined = [t for t in item.links.get("links", []) if t in ids and t != sid]
                for index, a in enumerate(joined):
                    for b in joined[index + 1:]:
                        edges.append(Edge(a, b, "links", None, True, link=sid))
                continue
            # an edge a sub-property's edge entails (replaces beside revises, withinOrganization beside
            # subOrganizationOf) says nothing more: drawn once, as the asserted one
            implied = {(q, t) for p, found in item.links.items() for q in self.onto.super_properties(p) for t in found}
            for prop in sorted(item.links):
                info = self.onto.properties.get(prop)
                if info and info.materialised:
                    continue  # the build's index for queries (sidesWith beside claim), not a link of the record
                targets = ([t for _, t in self._reduced_links(item, prop)] if info and info.transitive
                           else item.links[prop])
                for target in targets:
                    if target not in ids or target == sid or self.top(self.items[target]) == IDENTITY_LINK:
                        continue
                    if (prop, target) in implied:
                        continue
                    if info and info.symmetric:
                        key = (prop, *sorted((sid, target)))
                        if key in seen_symmetric:
                            continue
                        seen_symmetric.add(key)
                    stance = self.text(item, "stance") if prop == "claim" else None
                    edges.append(Edge(sid, target, prop, stance, bool(info and info.symmetric)))
        return edges

    # ------------------------------------------------------------ selections

    def view(self, ids: set[str], heading: str, focus: list[str] | None = None) -> View:
        ids = {i for i in ids if i in self.items}
        items = [self.items[i] for i in sorted(ids) if self.top(self.items[i]) != IDENTITY_LINK]
        return View(heading, items, self.edges_among(ids), self, focus or [])

    def check_incident(self, incident_id: str) -> Item:
        item = self.items.get(incident_id)
        if item is None:
            known = self.ids_of_class("Incident")
            shown = ", ".join(known[:12]) + (f", ... ({len(known)} in all)" if len(known) > 12 else "")
            raise QueryError(f"unknown incident '{incident_id}' (known: {shown or 'none'})")
        if not self.onto.is_a(item.cls, "Incident"):
            raise QueryError(f"'{incident_id}' is a {item.cls}, not an incident")
        return item

    def incident_selection(self, incident_id: str) -> set[str]:
        """The incident's neighbourhood and, through identity links, the records it is linked with: a linked
        incident (an imported dataset's record of the same event) with its own neighbourhood, so its figures
        are drawn beside ours, and the other end of each identity link of any record shown."""
        incidents, queue = {incident_id}, [incident_id]
        while queue:  # identity links between incidents, followed transitively
            for link in self.identity_links(queue.pop()):
                for other in self.items[link].links.get("links", []):
                    other_item = self.items.get(other)
                    if other not in incidents and other_item and self.top(other_item) == "Incident":
                        incidents.add(other)
                        queue.append(other)
        ids: set[str] = set()
        for inc in sorted(incidents):
            ids |= self.neighbourhood(inc)
        for record in sorted(ids):
            if self.top(self.items[record]) in ("Place", "Agent", "Incident"):
                for link in self.identity_links(record):
                    ids.add(link)
                    ids.update(self.items[link].links.get("links", []))
        return {i for i in ids if i in self.items}

    def identity_links(self, record: str) -> list[str]:
        return self.linking(record, "links")

    def linking(self, record: str, prop: str) -> list[str]:
        """The records whose `prop` points at `record`, from the store's index (a hub such as a government
        that takes part in thousands of events is not read in full for it)."""
        key = (record, prop)
        if key not in self._linking:
            if record in self.incoming:
                self._linking[key] = [s for p, s in self.incoming[record] if p == prop]
            else:
                pattern = self.store.quads_for_pattern(None, ox.NamedNode(self._ikg_ns + prop), self._node(record),
                                                       ox.DefaultGraph())
                self._linking[key] = sorted(term_id(q.subject.value) for q in pattern
                                            if isinstance(q.subject, ox.NamedNode)
                                            and q.subject.value.startswith(self._id_ns))
        return self._linking[key]

    def neighbourhood(self, incident_id: str) -> set[str]:
        """The incident, its place, participants, claims (and the claims they contradict), statements about
        it with their speakers, the documents behind all of these, their outlets, and the quantities."""
        incident = self.items[incident_id]
        ids = {incident_id, *incident.links.get("place", []), *incident.links.get("participant", [])}
        about = {s for p, s in self.incoming.get(incident_id, []) if p == "incident"}
        claims = {c for c in about if c in self.items and self.top(self.items[c]) == "Claim"}
        claims |= {o for c in set(claims) for o in self.items[c].links.get("contradicts", [])}
        statements = {s for s in about if s in self.items and self.top(self.items[s]) == "Statement"}
        statements |= {s for c in claims for s in self.linking(c, "claim")}
        ids |= claims | statements
        documents = set(incident.links.get("source", []))
        for sid in statements:
            statement = self.items[sid]
            ids.update(statement.links.get("speaker", []))
            ids.update(statement.links.get("quantity", []))
            documents.update(statement.links.get("reportedIn", []))
        for cid in claims:
            documents.update(self.items[cid].links.get("source", []))
        ids |= documents
        for doc in documents:
            if doc in self.items:
                ids.update(self.items[doc].links.get("publisher", []))
        return {i for i in ids if i in self.items}

    def query(self, name: str, params, graph_dir: Path | None, engine: str) -> tuple[set[str], str]:
        """The records a saved query's rows name, with the identity links among them (so a linked_figures
        view joins the records it compares)."""
        result = run_query(name, params, graph_dir, engine)
        cells = {cell for row in result.rows for cell in row.values() if isinstance(cell, str)}
        ids = cells & self.known_ids() if len(cells) > 1000 else {c for c in cells if c in self.items}
        if len(ids) > 1000:
            return ids, f"incidentkg: query {name} ({len(result.rows)} rows)"
        for record in sorted(ids):
            for link in self.identity_links(record):
                if len(set(self.items[link].links.get("links", [])) & ids) >= 2:
                    ids.add(link)
        return ids, f"incidentkg: query {name} ({len(result.rows)} rows)"


IDENTITY_LINK = "IdentityLink"


def run_query(name: str, params, graph_dir: Path | None, engine: str):
    """The saved query's rows from the chosen engine (see queries.ENGINES)."""
    queries.ENGINES.check(engine)  # before anything runs, so no engine starts for a misspelt name
    params = list(params) if not isinstance(params, dict) else params
    return queries.run(name, params, graph_dir, engine=engine)


def _ordered(props: list[str]) -> list[str]:
    first = [p for p in LABEL_FIELDS if p in props]
    return first + sorted(set(props) - set(first))


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
