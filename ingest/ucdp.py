"""UCDP Georeferenced Event Dataset (GED) CSV → records.

Each event becomes an incident at a place (country > state > municipality > located point), with its date
range, date precision and violence type; its two sides become agents (one per name in the file). UCDP's own
figures (best/low/high and deaths per side) are quantities of a statement by UCDP reported in a dataset record
for the event. Every report the event cites (`source_office`/`source_date`/`source_headline`, `;`-separated)
becomes a document by its outlet and a statement by that outlet quoting the headline, carrying the death toll
the headline states when it states exactly one — so sources that disagree with UCDP's count show up as
disagreeing figures beside it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.runtime import paused_gc
from .case import Record
from .tabular import (
    Progress,
    Warn,
    Column,
    Records,
    Row,
    add_alias,
    boolean,
    dataset_source,
    date,
    decimal,
    digest,
    fold,
    headline_toll,
    integer,
    language_of,
    names_a_cartel,
    place_chain,
    read_csv,
    slug,
    text,
)

PREFIX = "ucdp"
DATASET_URL = "https://ucdp.uu.se/downloads/"

# The 49 public GED columns. Required: what an incident cannot do without.
COLUMNS = {
    "id": Column(integer, required=True),
    "relid": Column(text),
    "year": Column(integer),
    "active_year": Column(boolean),
    "code_status": Column(text),
    "type_of_violence": Column(integer, required=True),
    "conflict_dset_id": Column(integer),
    "conflict_new_id": Column(integer),
    "conflict_name": Column(text),
    "dyad_dset_id": Column(integer),
    "dyad_new_id": Column(integer),
    "dyad_name": Column(text),
    "side_a_dset_id": Column(integer),
    "side_a_new_id": Column(integer),
    "side_a": Column(text, required=True),
    "side_b_dset_id": Column(integer),
    "side_b_new_id": Column(integer),
    "side_b": Column(text, required=True),
    "number_of_sources": Column(integer),
    "source_article": Column(text),
    "source_office": Column(text),
    "source_date": Column(text),
    "source_headline": Column(text),
    "source_original": Column(text),
    "where_prec": Column(integer),
    "where_coordinates": Column(text),
    "where_description": Column(text),
    "adm_1": Column(text),
    "adm_2": Column(text),
    "latitude": Column(decimal),
    "longitude": Column(decimal),
    "geom_wkt": Column(text),
    "priogrid_gid": Column(integer),
    "country": Column(text, required=True),
    "country_id": Column(integer),
    "region": Column(text),
    "event_clarity": Column(integer),
    "date_prec": Column(integer),
    "date_start": Column(date, required=True),
    "date_end": Column(date),
    "deaths_a": Column(integer),
    "deaths_b": Column(integer),
    "deaths_civilians": Column(integer),
    "deaths_unknown": Column(integer),
    "best": Column(integer, required=True),
    "high": Column(integer),
    "low": Column(integer),
    "gwnoa": Column(text),
    "gwnob": Column(text),
}

VIOLENCE_TYPES = {1: "state-based", 2: "non-state", 3: "one-sided"}
CIVILIANS = "Civilians"
_ADM_SUFFIX = re.compile(r"\s+(?:state|mun\w*)$", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?P<office>.+?),\s*(?P<date>\d{4}-\d{2}-\d{2}),(?P<headline>.*)$", re.DOTALL)


def agent_class(name: str) -> str:
    """The ontology class for a GED side. UCDP does not classify actors, so only what the name itself says
    is used: governments, civilians, and groups calling themselves cartels; everything else stays an
    organization."""
    folded = fold(name)
    if name == CIVILIANS:
        return "Agent"
    if folded.startswith("government of"):
        return "GovernmentAgency"
    if names_a_cartel(name):
        return "CriminalGroup"
    return "Organization"


def participant_role(cls: str, one_sided: bool) -> str:
    """The participant-roles concept for a GED side of the given class."""
    if cls == "GovernmentAgency":
        return "state-force"
    if cls == "Agent":  # the civilians
        return "victims" if one_sided else "civilians"
    return "armed-group"


def outlet_class(name: str) -> str:
    """Reports cited by GED come mostly from news outlets; a few offices are rights or research bodies."""
    folded = fold(name)
    if re.search(r"human rights|amnesty|derechos humanos|\bcndh\b", folded):
        return "HumanRightsBody"
    if re.search(r"\bcide\b|project|university|universidad|institute|instituto|stratfor|crisis group", folded):
        return "ResearchBody"
    return "NewsOutlet"


def clean(name: str) -> str:
    return " ".join(name.split())


def source_entries(row: Row) -> list[tuple[str, str, str | None]]:
    """(office, date, headline) for each report an event cites. `source_article` lists them as quoted
    "office,date,headline" entries separated by ';', which survives offices and headlines that contain ';'
    themselves; the parallel `source_office`/`source_date`/`source_headline` columns are the fallback."""
    dates = row.get("source_date", "").split(";") if row.get("source_date") else []
    article = clean(row.get("source_article", ""))
    parts = [p.strip().strip('"') for p in re.split(r'"\s*;\s*"', article)] if article else []
    matches = [_ARTICLE.match(p) for p in parts]
    if dates and len(matches) == len(dates) and all(
        m and m.group("date") == d.strip() for m, d in zip(matches, dates)
    ):
        return [(m.group("office"), m.group("date"), m.group("headline")) for m in matches]
    offices = row.get("source_office", "").split(";") if row.get("source_office") else []
    headlines = row.get("source_headline", "").split(";") if row.get("source_headline") else []
    if not offices and not dates:
        return []
    if len(dates) != len(offices):
        raise row.error("source_date", f"lists {len(dates)} dates for {len(offices)} offices in source_office")
    if len(headlines) == len(offices):
        return list(zip(offices, dates, headlines))
    if len(offices) == 1:
        return [(offices[0], dates[0], row.get("source_headline"))]
    return [(o, d, None) for o, d in zip(offices, dates)]  # headlines cannot be aligned: documents only


@paused_gc()
def read(path: Path, *, published: str | None = None, progress: Progress = None, warn: Warn = None) -> list[Record]:
    """Records for every event of a GED CSV file. `published` overrides the assumed GED release date;
    `warn` receives one line per oddity kept as a note rather than rejected."""
    out = Records()
    if published:
        release, how = date(published), "Release date as given at import."
    else:
        # GED version YY.1, covering events up to the year before, is released in June of year YY. A first
        # pass reads the dates alone: holding every parsed row instead would cost more than their records.
        dates = (r["date_start"] for r in read_csv(Path(path), COLUMNS, select=frozenset({"date_start"})))
        last = max(dates, default="2000-01-01")[:4]
        release = f"{int(last) + 1}-06-01"
        how = (f"The file does not state its GED version; events run to {last}, so the release of June "
               f"{int(last) + 1} is assumed.")
    ucdp = None
    for row in read_csv(Path(path), COLUMNS, progress=progress):
        if ucdp is None:
            ucdp, _ = dataset_source(
                out, PREFIX, row.origin("dataset"), {"name": "Uppsala Conflict Data Program", "abbreviation": "UCDP"},
                {"title": "UCDP Georeferenced Event Dataset (GED)", "published": release, "language": "en",
                 "url": DATASET_URL, "description": f"The GED file imported from {Path(path).name}. {how}"})
        _event(row, out, ucdp, release, warn)
        out.done()
    return out.list()


def _agent(out: Records, prefix: str, cls: str, name: str, row: Row, source: str) -> str:
    name = clean(name)
    record_id = f"{PREFIX}/{prefix}/{slug(name)}"
    record = out.once(cls, record_id, {"name": name, "source": source}, row.origin(f"{prefix} {name!r}"))
    add_alias(record, name)
    return record_id


def _places(row: Row, out: Records, source: str) -> str:
    """The event's place: the located point, within municipality (adm_2) < state (adm_1) < country."""
    return place_chain(
        out, PREFIX, row.origin(f"event {row['id']} place"), source,
        country=clean(row["country"]),
        admin=[("State", _ADM_SUFFIX.sub("", clean(row["adm_1"])) if row.get("adm_1") else None),
               ("Municipality", _ADM_SUFFIX.sub("", clean(row["adm_2"])) if row.get("adm_2") else None)],
        point=clean(row.get("where_coordinates") or ""), latitude=row.get("latitude"),
        longitude=row.get("longitude"), precision=row.get("where_prec"))


def _event(row: Row, out: Records, ucdp: str, release: str, warn: Warn) -> None:
    event = row["id"]
    label = f"event {event}"
    origin = row.origin(label)
    violence = VIOLENCE_TYPES.get(row["type_of_violence"])
    if violence is None:
        raise row.error("type_of_violence", f"expected 1, 2 or 3, got {row['type_of_violence']}", label)

    record = f"{PREFIX}/record/{event}"
    citation = clean(row.get("source_article") or "")
    notes = [f"UCDP GED event {event} ({row.get('relid') or 'no relid'})."]
    if citation and not row.get("source_office"):
        notes.append(f"Sources as cited by UCDP: {citation}")
    if row.get("source_original"):
        notes.append(f"Original sources: {clean(row['source_original'])}.")
    out.add("DatasetRecord", record, {
        "title": {"en": f"UCDP GED event {event}"}, "publisher": ucdp, "published": release, "language": "en",
        "description": {"en": " ".join(notes)}}, origin)

    side_a = _agent(out, "agent", agent_class(row["side_a"]), row["side_a"], row, record)
    side_b = _agent(out, "agent", agent_class(row["side_b"]), row["side_b"], row, record)
    place = _places(row, out, record)
    incident = f"{PREFIX}/event/{event}"
    where = clean(row.get("where_coordinates") or row.get("adm_2") or row.get("adm_1") or row["country"])
    out.add("Incident", incident, {
        "name": f"{clean(row.get('dyad_name') or row['side_a'] + ' - ' + row['side_b'])}, {where}, "
                f"{row['date_start']} (UCDP GED {event})",
        "alias": row.get("relid"),
        "description": {"en": "; ".join(clean(part) for part in row["where_description"].splitlines()
                                       if part.strip())} if row.get("where_description") else None,
        "startDate": row["date_start"], "endDate": row.get("date_end"), "datePrecision": row.get("date_prec"),
        "place": place, "participant": [side_a, side_b] if side_a != side_b else [side_a],
        "violenceType": violence, "source": record}, origin)
    claim_text = {"en": f"{row.get('dyad_name') or 'Organized violence'} took place at {where} "
                        f"on {row['date_start']} (UCDP GED event {event})."}

    civilians = f"{PREFIX}/agent/{slug(CIVILIANS)}"
    estimate = {"category": "killed", "partyScope": "all", "value": row["best"], "low": row.get("low"),
                "high": row.get("high")}
    bounds = [v for v in (estimate["low"], estimate["value"], estimate["high"]) if v is not None]
    if bounds != sorted(bounds):
        # GED itself has some events whose low/best/high are out of order; keep best as the figure and the
        # range as written in the quantity's description rather than reject the file or reorder UCDP's numbers.
        estimate = {"category": "killed", "partyScope": "all", "value": row["best"], "description": {
            "en": f"GED gives low {row.get('low')}, best {row['best']}, high {row.get('high')}, out of order; "
                  "only best is recorded as the figure."}}
        if warn:
            warn(f"{row.file}:{row.line}: event {event}: low/best/high out of order; range kept as a note")
    quantities = [estimate]
    # Per-side counts become quantities when non-zero: a zero adds nothing to any sum or comparison, and
    # the statement's quote keeps every GED figure verbatim, zeros included. (This keeps the full Mexico
    # file at about a million triples instead of 1.3 million.)
    for column, party in (("deaths_a", side_a), ("deaths_b", side_b), ("deaths_civilians", civilians)):
        if not row.get(column) or (column == "deaths_b" and side_b == civilians):
            continue  # one-sided events count their victims in deaths_civilians
        if party == civilians:
            _agent(out, "agent", "Agent", CIVILIANS, row, record)
        quantities.append({"category": "killed", "party": party, "value": row[column]})
    if row.get("deaths_unknown"):
        quantities.append({"category": "killed_unknown_status", "partyScope": "not-stated",
                           "value": row["deaths_unknown"]})
    # GED's dyad: side A against side B (the civilians of a one-sided event are its victims)
    one_sided = violence == "one-sided"
    participation = [{"agent": agent, "participantRole": participant_role(agent_class(name), one_sided), "side": side}
                     for agent, name, side in ((side_a, row["side_a"], "a"), (side_b, row["side_b"], "b"))
                     if side == "a" or side_b != side_a]
    figures = ", ".join(f"{c} {row[c]}" for c in ("best", "low", "high", "deaths_a", "deaths_b",
                                                   "deaths_civilians", "deaths_unknown") if row.get(c) is not None)
    out.add("Statement", f"{PREFIX}/statement/{event}", {
        "speaker": ucdp, "reportedIn": record, "date": release, "quote": {"en": figures}, "stance": "asserts",
        "incident": incident, "participation": participation,
        "quantity": [{k: v for k, v in q.items() if v is not None} for q in quantities]}, origin)

    for index, (office, day, headline) in enumerate(source_entries(row), start=1):
        _report(row, out, incident, claim_text, index, clean(office), day.strip(), headline and clean(headline))


def _report(row: Row, out: Records, incident: str, claim_text: dict, index: int, office: str, day: str,
            headline: str | None) -> None:
    """A cited report: its document, its outlet, and the outlet's statement quoting the headline. A
    statement needs a figure or a claim; headlines without a toll assert the event's claim, created once."""
    label = f"event {row['id']} source {index}"
    try:
        day = date(day)
    except ValueError:
        raise row.error("source_date", f"entry {index}: expected a date, got {day!r}", label) from None
    if not office:
        raise row.error("source_office", f"entry {index} names no office", label)
    origin = row.origin(label)
    document = f"{PREFIX}/doc/{slug(office, 30)}-{day}-{digest(fold(office), day, headline or '')}"
    outlet = f"{PREFIX}/outlet/{slug(office)}"
    title = headline or f"{office}, {day} (headline not aligned in the GED record)"
    out.once("Article", document, {"title": title, "publisher": outlet, "published": day}, origin)
    record = out.get(outlet)
    if record is None:
        out.add(outlet_class(office), outlet, {"name": office, "source": document}, origin, shared=True)
    else:
        add_alias(record, office)
    sources = out.get(incident).fields.setdefault("source", [])
    if not isinstance(sources, list):
        out.get(incident).fields["source"] = sources = [sources]
    if document not in sources:
        sources.append(document)
    if not headline:
        return
    toll = headline_toll(headline)
    claim = None
    if toll is None:
        claim = f"{PREFIX}/claim/{row['id']}"
        if claim not in out:  # the event's one claim, made for its first headline without a toll
            out.add("Claim", claim, {"incident": incident, "text": claim_text}, row.origin(f"event {row['id']}"))
    out.add("Statement", f"{PREFIX}/report/{row['id']}/{index}", {
        "speaker": outlet, "reportedIn": document, "date": day, "quote": {language_of(headline): headline},
        "stance": "asserts", "claim": claim, "incident": incident,
        "quantity": [{"category": "killed", "partyScope": "all", "value": toll}] if toll is not None else None},
        origin)
