"""ACLED CSV export → records.

Each event becomes an incident at a place (admin1 > admin2 > location), typed as an armed clash when ACLED's
sub-event type says so and with a violence type derived from the event type and the actors' interaction codes.
Both actors and their associated actors become participants: ACLED actors carry no direction (actor1 is not
"the attacker") and ACLED's fatality count is not split between them, so it is one quantity without a party,
stated by ACLED in a dataset record dated by the event's `timestamp` (when ACLED last changed it). The
outlets ACLED cites (`source`) are named in that record's description: ACLED gives neither dates nor titles.
"""

from __future__ import annotations

import datetime as dt
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
    dataset_published,
    dataset_source,
    date,
    decimal,
    integer,
    language_of,
    names_a_cartel,
    place_chain,
    read_csv,
    slug,
    text,
)

PREFIX = "acled"

COLUMNS = {
    "event_id_cnty": Column(text, required=True),
    "event_date": Column(date, required=True),
    "time_precision": Column(integer),
    "event_type": Column(text, required=True),
    "sub_event_type": Column(text),
    "actor1": Column(text, required=True),
    "assoc_actor_1": Column(text),
    "inter1": Column(text),
    "actor2": Column(text),
    "assoc_actor_2": Column(text),
    "inter2": Column(text),
    "interaction": Column(text),
    "civilian_targeting": Column(text),
    "admin1": Column(text),
    "admin2": Column(text),
    "admin3": Column(text),
    "location": Column(text),
    "latitude": Column(decimal),
    "longitude": Column(decimal),
    "geo_precision": Column(integer),
    "source": Column(text),
    "source_scale": Column(text),
    "notes": Column(text),
    "fatalities": Column(integer, required=True),
    "timestamp": Column(integer),
    # Also in ACLED's public exports, and accepted when present.
    "event_id_no_cnty": Column(text),
    "year": Column(integer),
    "disorder_type": Column(text),
    "region": Column(text),
    "country": Column(text),
    "iso": Column(integer),
    "tags": Column(text),
    "population_best": Column(integer),
}
OPTIONAL = frozenset({"event_id_no_cnty", "year", "disorder_type", "region", "country", "iso", "tags",
                      "population_best"})

# ACLED actor types ("inter" codes), as numbers in older exports and as words in newer ones.
INTER = {"1": "state forces", "2": "rebel group", "3": "political militia", "4": "identity militia",
         "5": "rioters", "6": "protesters", "7": "civilians", "8": "external/other forces"}
ORGANIZED_VIOLENCE = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
# ACLED time_precision 1 day, 2 week, 3 month -> UCDP-style date precision 1 day, 3 week, 4 month;
# geo_precision 1 the named town, 2 near it, 3 only the region -> location precision 1, 2, 4.
DATE_PRECISION = {1: 1, 2: 3, 3: 4}
GEO_PRECISION = {1: 1, 2: 2, 3: 4}


def actor_type(code: str | None) -> str | None:
    if not code:
        return None
    return INTER.get(code.strip(), code.strip().lower())


def actor_class(name: str, kind: str | None) -> str:
    if kind == "state forces":
        return "ArmedForce"
    if kind in ("civilians", "rioters", "protesters"):
        return "Agent"
    return "CriminalGroup" if names_a_cartel(name) else "Organization"


@paused_gc()
def read(path: Path, *, published: str | None = None, progress: Progress = None, warn: Warn = None) -> list[Record]:
    """Records for every event of an ACLED CSV export."""
    rows = list(read_csv(Path(path), COLUMNS, optional=OPTIONAL, progress=progress))
    out = Records()
    if not rows:
        return []
    day, how = dataset_published([r["event_date"] for r in rows], published)
    acled, _ = dataset_source(
        out, PREFIX, rows[0].origin("dataset"),
        {"name": "Armed Conflict Location & Event Data Project", "abbreviation": "ACLED"},
        {"title": "ACLED event data export", "published": day, "language": "en", "url": "https://acleddata.com/",
         "description": f"The export imported from {Path(path).name}. {how}"})
    for row in rows:
        _event(row, out, acled, day)
    return out.list()


def _actors(row: Row, out: Records, record: str) -> list[str]:
    ids = []
    for name_col, assoc_col, inter_col in (("actor1", "assoc_actor_1", "inter1"),
                                           ("actor2", "assoc_actor_2", "inter2")):
        kind = actor_type(row.get(inter_col))
        names = [row.get(name_col)] + (row.get(assoc_col) or "").split(";")
        for position, name in enumerate(names):
            name = " ".join((name or "").split())
            if not name:
                continue
            record_id = f"{PREFIX}/actor/{slug(name)}"
            # ACLED writes some actors as "ABBREVIATION: Full name" ("CJNG: Jalisco Cartel New Generation").
            short = re.fullmatch(r"([A-Z][A-Z0-9-]{1,9}): (.+)", name)
            # An associated actor's type is not given; only the main actor's inter code applies.
            out.once(actor_class(name, kind if position == 0 else None), record_id, {
                "name": name, "alias": [short.group(2)] if short else None,
                "abbreviation": short.group(1) if short else None, "source": record}, row.origin(f"actor {name!r}"))
            if record_id not in ids:
                ids.append(record_id)
    return ids


def _violence(row: Row) -> str | None:
    if row["event_type"] not in ORGANIZED_VIOLENCE:
        return None
    if row["event_type"] == "Violence against civilians":
        return "one-sided"
    state = "state forces" in (actor_type(row.get("inter1")), actor_type(row.get("inter2")))
    return "state-based" if state else "non-state"


def _event(row: Row, out: Records, acled: str, default_day: str) -> None:
    event = row["event_id_cnty"]
    label = f"event {event}"
    origin = row.origin(label)
    key = slug(event)
    if row.get("time_precision") is not None and row["time_precision"] not in DATE_PRECISION:
        raise row.error("time_precision", f"expected 1, 2 or 3, got {row['time_precision']}", label)
    if row.get("geo_precision") is not None and row["geo_precision"] not in GEO_PRECISION:
        raise row.error("geo_precision", f"expected 1, 2 or 3, got {row['geo_precision']}", label)
    changed = default_day
    if row.get("timestamp") is not None:
        changed = dt.datetime.fromtimestamp(row["timestamp"], dt.timezone.utc).date().isoformat()
    record = f"{PREFIX}/record/{key}"
    cited = "; ".join(s.strip() for s in (row.get("source") or "").split(";") if s.strip())
    note = f"ACLED event {event}." + (f" Sources as cited by ACLED: {cited}." if cited else "") + \
        (f" Source scale: {row['source_scale']}." if row.get("source_scale") else "")
    out.add("DatasetRecord", record, {"title": {"en": f"ACLED event {event}"}, "publisher": acled,
                                      "published": changed, "language": "en", "description": {"en": note}}, origin)
    participants = _actors(row, out, record)
    place = place_chain(
        out, PREFIX, row.origin(f"{label} place"), record, country=row.get("country"),
        admin=[("State", row.get("admin1")), ("Municipality", row.get("admin2"))],
        point=row.get("location"), latitude=row.get("latitude"), longitude=row.get("longitude"),
        precision=GEO_PRECISION.get(row.get("geo_precision")))
    incident = f"{PREFIX}/event/{key}"
    kind = " / ".join(x for x in (row["event_type"], row.get("sub_event_type")) if x)
    out.add("ArmedClash" if row.get("sub_event_type") == "Armed clash" else "Incident", incident, {
        "name": f"{kind}: {row.get('location') or row.get('admin1') or 'unnamed place'}, {row['event_date']} "
                f"(ACLED {event})",
        "description": {"en": row["notes"]} if row.get("notes") else None,
        "startDate": row["event_date"], "endDate": row["event_date"],
        "datePrecision": DATE_PRECISION.get(row.get("time_precision")), "place": place,
        "participant": participants, "violenceType": _violence(row), "source": record}, origin)
    quote = row.get("notes") or f"fatalities {row['fatalities']}"
    out.add("Statement", f"{PREFIX}/statement/{key}", {
        "speaker": acled, "reportedIn": record, "date": changed, "quote": {language_of(quote): quote},
        "stance": "asserts", "incident": incident,
        "quantity": [{"category": "killed", "partyScope": "all", "value": row["fatalities"]}]}, origin)
