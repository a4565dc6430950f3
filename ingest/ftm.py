"""FollowTheMoney (FtM) entity streams: import JSON lines as records, export a built graph as FtM entities.

Import (as Aleph and OpenSanctions publish them, one entity per line): Person → Person; Organization,
Company and LegalEntity → Organization (PublicBody → GovernmentAgency); Event → Incident (its `location`
becomes a place, `involved`/`organizer` participants); Article → Article, with its `publisher` and `author`
names as agents; Mention and Documentation link a document to the entity it mentions, which becomes that
entity's source. Other schemata are skipped with a warning. Entities without any document get the stream
itself (a dataset record) as their source.

Export: agents, incidents, places, documents, statements (as Documentation of the incident by the document
that reports them), posts (Membership) and identity links between agents (UnknownLink), with ids derived from
record ids, so that `ftm validate` accepts the stream.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry

from ..core.errors import InputError
from ..core.fsops import atomic_output
from ..core.graph import build_records
from ..core.namespaces import term_id
from ..core.runtime import paused_gc
from ..ontology import load
from ..ontology.display import preferred
from .case import Origin, Record
from .tabular import Progress, Records, Warn, date, digest, read_jsonl, slug

PREFIX = "ftm"

AGENT_SCHEMATA = {"Person": "Person", "Organization": "Organization", "Company": "Organization",
                  "LegalEntity": "Organization", "PublicBody": "GovernmentAgency"}
DOCUMENT_LINKS = {"Mention": ("document", "resolved"), "Documentation": ("document", "entity")}


def record_id(entity_id: str) -> str:
    """A record id for an FtM entity id: readable when the id allows, always distinct per id."""
    readable = slug(entity_id, 80)
    return f"{PREFIX}/{readable}" if readable == entity_id else f"{PREFIX}/{readable}-{digest(entity_id, size=8)}"


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _language(code: str | None) -> str | None:
    """FtM languages are ISO 639-3 ('spa'); BCP 47 wants the two-letter code where one exists ('es')."""
    if not code:
        return None
    from rigour.langs import iso_639_alpha2

    return iso_639_alpha2(code) or code


@paused_gc()
def read(path: Path, *, published: str | None = None, progress: Progress = None, warn: Warn = None) -> list[Record]:
    """Records for the Person, Organization, Event, Article, Mention and Documentation entities of a
    FollowTheMoney JSON-lines file."""
    name = str(path)
    entities = []
    for line, data in read_jsonl(Path(path)):
        schema_name = data.get("schema")
        if not isinstance(schema_name, str) or model.get(schema_name) is None:
            raise InputError(name, line, None, "schema", f"unknown FollowTheMoney schema {schema_name!r}")
        if not isinstance(data.get("id"), str) or not registry.entity.clean(data["id"]):
            raise InputError(name, line, None, "id", f"missing or invalid entity id {data.get('id')!r}")
        if not isinstance(data.get("properties", {}), dict):
            raise InputError(name, line, data["id"], "properties", "must be an object of property lists")
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except InvalidData as exc:
            raise InputError(name, line, data["id"], None, str(exc)) from None
        for prop, values in data.get("properties", {}).items():
            if proxy.schema.get(prop) is None:
                raise InputError(name, line, data["id"], prop, f"unknown property for {proxy.schema.name}")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise InputError(name, line, data["id"], prop, "property values must be a list of strings")
        entities.append((line, data, proxy))
        if progress and len(entities) % 1000 == 0:
            progress(len(entities))
    return _records(name, entities, published, warn)


def _records(name: str, entities: list, published: str | None, warn) -> list[Record]:
    out = Records()
    ids = {data["id"]: record_id(data["id"]) for _, data, _ in entities}
    schemata = {data["id"]: proxy.schema for _, data, proxy in entities}
    sources: dict[str, list[str]] = {}  # entity id -> ids of documents mentioning it
    for line, data, proxy in entities:
        if proxy.schema.name in DOCUMENT_LINKS:
            doc_prop, entity_prop = DOCUMENT_LINKS[proxy.schema.name]
            for document in proxy.get(doc_prop):
                for entity in proxy.get(entity_prop):
                    if document in ids and entity in ids:
                        sources.setdefault(entity, []).append(ids[document])
        for document in proxy.get("proof", quiet=True):
            if document in ids:
                sources.setdefault(data["id"], []).append(ids[document])

    dates = [d[:10] for _, data, _ in entities for key in ("last_change", "first_seen", "last_seen")
             if isinstance(d := data.get(key), str)]
    stream: list[str] = []  # the stream's own record, made on first need

    def stream_source(origin: Origin) -> str:
        if not stream:
            if not published and not dates:
                raise origin.error("source", "no document mentions this entity and the stream has no dates; "
                                             "give the publication date with --published")
            day = date(published) if published else max(dates)
            publisher, record = f"{PREFIX}/publisher", f"{PREFIX}/stream"
            datasets = sorted({d for _, data, _ in entities for d in data.get("datasets", []) if isinstance(d, str)})
            out.add("Organization", publisher, {"name": ", ".join(datasets) or Path(name).stem,
                                                "source": record}, origin)
            out.add("DatasetRecord", record, {
                "title": {"en": f"FollowTheMoney entity stream {Path(name).name}"}, "publisher": publisher,
                "published": day, "description": {"en": "Entities without a document of their own cite the stream."}},
                origin)
            stream.append(record)
        return stream[0]

    for line, data, proxy in entities:
        origin = Origin(name, line, f"{proxy.schema.name} {data['id']!r}")
        schema = proxy.schema
        rid = ids[data["id"]]
        names = proxy.get("name", quiet=True)
        if schema.is_a("Article"):
            _article(out, proxy, rid, origin, stream_source)
        elif schema.name in AGENT_SCHEMATA or (schema.is_a("LegalEntity") and not schema.is_a("Person")
                                                and schema.name not in ("LegalEntity",)):
            cls = AGENT_SCHEMATA.get(schema.name, "Organization")
            if not names:
                raise origin.error("name", "an agent needs a name")
            wikidata = [q for q in proxy.get("wikidataId", quiet=True) if q.startswith("Q")]
            out.add(cls, rid, {
                "name": names[0], "alias": names[1:] + proxy.get("alias", quiet=True) + proxy.get("weakAlias", quiet=True),
                "abbreviation": proxy.get("abbreviation", quiet=True),
                "wikidata": _first(wikidata),
                "description": {"en": _first(proxy.get("description", quiet=True) or proxy.get("summary", quiet=True))}
                if proxy.get("description", quiet=True) or proxy.get("summary", quiet=True) else None,
                "source": sources.get(data["id"]) or stream_source(origin)}, origin)
        elif schema.is_a("Event"):
            start = _first(proxy.get("startDate", quiet=True) or proxy.get("date", quiet=True))
            if not start:
                raise origin.error("startDate", "an event needs a startDate or date")
            place = None
            if proxy.get("location", quiet=True):
                place = f"{rid}/place"
                out.add("Place", place, {"name": proxy.get("location", quiet=True)[0],
                                         "source": sources.get(data["id"]) or stream_source(origin)}, origin)
            involved = [ids[e] for e in proxy.get("involved", quiet=True) + proxy.get("organizer", quiet=True) if e in ids
                        and schemata[e].is_a("LegalEntity")]
            try:
                start_day = date(start)
                end_day = date(_first(proxy.get("endDate", quiet=True))) if proxy.get("endDate", quiet=True) else None
            except ValueError:
                raise origin.error("startDate", f"expected a date, got {start!r}") from None
            out.add("Incident", rid, {
                "name": names[0] if names else f"Event {data['id']}", "alias": names[1:],
                "description": {"en": _first(proxy.get("description", quiet=True) or proxy.get("summary", quiet=True))}
                if proxy.get("description", quiet=True) or proxy.get("summary", quiet=True) else None,
                "startDate": start_day, "endDate": end_day,
                "datePrecision": 1 if len(start) >= 10 else None,
                "place": place, "participant": involved,
                "source": sources.get(data["id"]) or stream_source(origin)}, origin)
        elif schema.name not in DOCUMENT_LINKS and warn:
            warn(f"{name}:{line}: {schema.name} entity {data['id']} skipped (not imported)")
    return out.list()


def _article(out: Records, proxy, rid: str, origin: Origin, stream_source) -> None:
    title = _first(proxy.get("title", quiet=True) or proxy.get("name", quiet=True))
    if not title:
        raise origin.error("title", "an article needs a title or name")
    published = _first(proxy.get("publishedAt", quiet=True) or proxy.get("date", quiet=True))
    if not published:
        raise origin.error("publishedAt", "an article needs a publishedAt date")
    try:
        day = date(published)
    except ValueError:
        raise origin.error("publishedAt", f"expected a date, got {published!r}") from None
    publishers = []
    for name in proxy.get("publisher", quiet=True):
        agent = f"{PREFIX}/outlet/{slug(name)}"
        out.once("NewsOutlet", agent, {"name": name, "source": rid}, origin)
        publishers.append(agent)
    authors = []
    for name in proxy.get("author", quiet=True):
        agent = f"{PREFIX}/author/{slug(name)}"
        out.once("Person", agent, {"name": name, "source": rid}, origin)
        authors.append(agent)
    url = next((u for u in proxy.get("sourceUrl", quiet=True) if u.startswith(("http://", "https://"))), None)
    out.add("Article", rid, {
        "title": title, "publisher": publishers or stream_source(origin), "author": authors, "published": day,
        "url": url, "language": _language(_first(proxy.get("language", quiet=True)))}, origin)


# ---------------------------------------------------------------- export

# Ontology class → FtM schema, most specific first.
EXPORT_SCHEMATA = [("Person", "Person"), ("GovernmentAgency", "PublicBody"), ("Organization", "Organization"),
                   ("Agent", "LegalEntity"), ("Incident", "Event"), ("Place", "Address"),
                   ("Document", "Article"), ("Statement", "Documentation"), ("Post", "Membership"),
                   ("IdentityLink", "UnknownLink")]


def ftm_id(record: str) -> str:
    """An FtM entity id for a record id; FtM ids allow letters, digits, '.' and '-' only."""
    candidate = "ikg." + record.replace("/", ".")
    if "." not in record and registry.entity.REGEX.match(candidate):
        return candidate
    return "ikg-h" + hashlib.sha1(record.encode("utf-8")).hexdigest()[:20]


def export_entities(graph_dir: Path | None = None) -> Iterator[dict]:
    """FtM entities (as dicts) for the built graph's records."""
    onto = load()
    types, records = build_records(graph_dir)
    names: dict[str, str] = {}
    for iri, props in records.items():
        found = props.get("name") or props.get("title")
        if found:
            names[iri] = preferred([(t.value, t.language) for t in found])

    def value(term) -> str:
        return term.value

    for iri in sorted(types):
        if iri not in records:
            continue
        classes = types[iri]
        schema = next((ftm for cls, ftm in EXPORT_SCHEMATA if cls in classes and cls in onto.classes), None)
        if schema is None:
            continue  # claims and quantities: carried by statements
        props = records[iri]
        get = lambda key: [value(t) for t in props.get(key, [])]  # noqa: E731
        refs = lambda key: [ftm_id(term_id(t.value)) for t in props.get(key, []) if iri_term(t)]  # noqa: E731
        entity: dict[str, list[str]] = {}
        if schema in ("Person", "PublicBody", "Organization", "LegalEntity"):
            entity = {"name": get("name"), "alias": get("alias"), "description": get("description"),
                      "wikidataId": get("wikidata"), "proof": refs("source")}
            if schema != "Person":
                entity["abbreviation"] = get("abbreviation")
        elif schema == "Event":
            place = [names[t.value] for t in props.get("place", []) if t.value in names]
            entity = {"name": get("name"), "alias": get("alias"), "summary": get("description"),
                      "startDate": get("startDate"), "endDate": get("endDate"), "involved": refs("participant"),
                      "location": place, "addressEntity": refs("place"), "proof": refs("source")}
        elif schema == "Address":
            entity = {"full": get("name"), "latitude": get("latitude"), "longitude": get("longitude"),
                      "summary": get("description"), "proof": refs("source")}
        elif schema == "Article":
            entity = {"title": get("title"), "publishedAt": get("published"), "sourceUrl": get("url"),
                      "language": [registry.language.clean(x) for x in get("language") if registry.language.clean(x)],
                      "publisher": [names[t.value] for t in props.get("publisher", []) if t.value in names],
                      "author": [names[t.value] for t in props.get("author", []) if t.value in names],
                      "summary": get("description")}
        elif schema == "Documentation":
            incidents = refs("incident")
            documents = refs("reportedIn")
            if not incidents or not documents:
                continue
            speaker = [names[t.value] for t in props.get("speaker", []) if t.value in names]
            entity = {"entity": incidents[:1], "document": documents[:1], "date": get("date"),
                      "role": [f"statement by {speaker[0]}" if speaker else "statement"], "summary": get("quote")}
        elif schema == "Membership":
            entity = {"member": refs("holder"), "organization": refs("organization"), "role": get("role"),
                      "startDate": get("startDate"), "endDate": get("endDate")}
        elif schema == "UnknownLink":
            linked = [t.value for t in props.get("links", [])]
            if len(linked) != 2 or not all("Agent" in types.get(x, ()) for x in linked):
                continue  # FtM has no same-as between events or places; agents only
            entity = {"subject": [ftm_id(term_id(linked[0]))], "object": [ftm_id(term_id(linked[1]))],
                      "role": [f"same as ({', '.join(get('method'))})"], "description": get("evidence")}
        yield {"id": ftm_id(term_id(iri)), "schema": schema,
               "properties": {k: v for k, v in entity.items() if v}}


def iri_term(term) -> bool:
    return term.iri


def write_stream(out: Path | None, graph_dir: Path | None = None) -> int:
    """The exporter of `incidentkg export --format ftm`: to `out`, or standard output without it."""
    if out:
        return write(out, graph_dir)
    count = 0
    for entity in export_entities(graph_dir):
        sys.stdout.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write(path: Path, graph_dir: Path | None = None) -> int:
    """Write the graph as FtM JSON lines; returns the number of entities."""
    count = 0
    with atomic_output(Path(path), "w", encoding="utf-8") as handle:
        for entity in export_entities(graph_dir):
            handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count
