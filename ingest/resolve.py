"""Entity resolution: find records from different sources that denote the same agent, place or incident,
and link them with explicit `IdentityLink` records (method, evidence, score) — never merging them, so every
source's version stays attributed and the reason for each link stays auditable.

- Agents: a shared Wikidata QID (identifier); a shared name or alias, compared accent-, case- and
  word-order-insensitively with Spanish words read as their English equivalents ("Cártel de Jalisco Nueva
  Generación" = "Jalisco Cartel New Generation"); a shared abbreviation, or one record's abbreviation being the
  initials of the other's name ("CJNG", "PF").
- Places: a shared INEGI code or Wikidata QID (identifier); states by their INEGI code as read from their name;
  municipalities by name within the same state (alias).
- Incidents: the same date (within the date precision of either) and the same municipality (by INEGI code or
  name) or points within a few kilometres (attributes).

Records are compared only across sources: the bundled case files count as one source, each imported file as
another. Records already linked (for instance by hand in a case file) are not linked again.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..core.runtime import paused_gc
from ..core.text import fold
from ..ontology import load
from .case import Origin, Record
from .tabular import digest

NEAR_KM = 5.0  # points this close on the same date denote the same incident
MAX_WINDOW_DAYS = 100  # a month-precision event spanning a month still matches
# Date precision (UCDP scale) -> days of slack: 1 exact day, 2 within 2-6 days, 3 week, 4 month, 5 longer.
PRECISION_DAYS = {None: 0, 1: 0, 2: 6, 3: 7, 4: 31, 5: 366}

# INEGI state codes with the names the sources use for each state (official, short, English).
INEGI_STATES = {
    "01": ["Aguascalientes"], "02": ["Baja California"], "03": ["Baja California Sur"], "04": ["Campeche"],
    "05": ["Coahuila", "Coahuila de Zaragoza"], "06": ["Colima"], "07": ["Chiapas"], "08": ["Chihuahua"],
    "09": ["Ciudad de México", "Distrito Federal", "Mexico City", "CDMX"], "10": ["Durango"],
    "11": ["Guanajuato"], "12": ["Guerrero"], "13": ["Hidalgo"], "14": ["Jalisco"],
    "15": ["México", "Estado de México", "State of Mexico"], "16": ["Michoacán", "Michoacán de Ocampo"],
    "17": ["Morelos"], "18": ["Nayarit"], "19": ["Nuevo León"], "20": ["Oaxaca"], "21": ["Puebla"],
    "22": ["Querétaro", "Querétaro de Arteaga"], "23": ["Quintana Roo"], "24": ["San Luis Potosí"],
    "25": ["Sinaloa"], "26": ["Sonora"], "27": ["Tabasco"], "28": ["Tamaulipas"], "29": ["Tlaxcala"],
    "30": ["Veracruz", "Veracruz de Ignacio de la Llave"], "31": ["Yucatán"], "32": ["Zacatecas"],
}
_STATE_CODES = {fold(name): code for code, names in INEGI_STATES.items() for name in names}

# Words left out of name keys, and Spanish words read as their English equivalent, so that a name and its
# translation share a key.
STOPWORDS = frozenset("de del la las el los y the of and".split())
GLOSSARY = {"cartel": "cartel", "carteles": "cartel", "policia": "police", "federal": "federal",
            "nueva": "new", "nuevo": "new", "generacion": "generation", "ejercito": "army", "marina": "navy",
            "armada": "navy", "guardia": "guard", "nacional": "national", "estatal": "state",
            "municipal": "municipal", "gobierno": "government", "mexico": "mexico", "civiles": "civilians",
            "secretaria": "secretariat", "defensa": "defence", "defense": "defence", "comision": "commission",
            "derechos": "rights", "humanos": "human", "seguridad": "security", "agencia": "agency",
            "investigacion": "investigation", "fuerzas": "forces", "delincuencia": "crime",
            "organizada": "organized", "crimen": "crime", "organizado": "organized"}


# What a Resolver reads: the records of these top classes, and of them only these fields (all a spool keeps).
RESOLVED = frozenset({"Agent", "Place", "Incident", "IdentityLink"})
READS = frozenset({"name", "alias", "abbreviation", "wikidata", "inegiCode", "partOf", "latitude", "longitude",
                   "place", "startDate", "endDate", "datePrecision", "links"})


@dataclass(frozen=True)
class Candidate:
    a: str
    b: str
    kind: str  # Agent, Place or Incident
    method: str  # identifier, alias or attributes
    evidence: str
    score: float


def source_of(record: Record) -> str:
    """Which source a record comes from: the case files together, each imported file on its own."""
    return _source(record.origin.file)


@lru_cache(maxsize=1024)
def _source(file: str) -> str:
    return "case" if Path(file).suffix in (".yaml", ".yml") else file


def name_key(name: str) -> str:
    words = [GLOSSARY.get(w, w) for w in re.findall(r"[a-z0-9]+", fold(name)) if w not in STOPWORDS]
    return " ".join(sorted(words))


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[a-z0-9]+", fold(name)) if w not in STOPWORDS).upper()


def texts(value) -> list[str]:
    """Every string in a field value: plain, per-language mapping, or a list of those."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return [str(value)]


def state_code(name: str) -> str | None:
    return _STATE_CODES.get(fold(re.sub(r"\s+state$", "", name, flags=re.IGNORECASE)))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


class Resolver:
    def __init__(self, records: Iterable[Record]) -> None:
        self.onto = load()
        self.records = list(records)
        self.by_id = {r.id: r for r in self.records}
        self.linked = set()
        for r in self.records:
            if r.cls == "IdentityLink":
                pair = texts(r.fields.get("links"))
                if len(pair) == 2:
                    self.linked.add(frozenset(pair))

    def top(self, record: Record) -> str:
        return self.onto.top_class(record.cls)

    # -------------------------------------------------------------- keys

    def agent_keys(self, record: Record) -> list[tuple[tuple, str, str, float]]:
        """(key, method, evidence text, score) under which an agent can meet its duplicates."""
        keys = []
        qid = record.fields.get("wikidata")
        if qid:
            keys.append((("wikidata", qid), "identifier", f"Wikidata {qid}", 1.0))
        names = texts(record.fields.get("name")) + texts(record.fields.get("alias"))
        for name in names:
            keys.append((("name", name_key(name)), "alias", f"name {name!r}", 0.9))
            if re.fullmatch(r"[A-Z][A-Z0-9-]{1,9}", name):  # a name that is an abbreviation
                keys.append((("abbr", name), "alias", f"abbreviation {name}", 0.8))
            elif len(initials(name)) >= 2:  # meets only real abbreviations, never other initials
                keys.append((("abbr", initials(name)), "initials", f"initials of {name!r}", 0.7))
        for abbreviation in texts(record.fields.get("abbreviation")):
            keys.append((("abbr", abbreviation.upper()), "alias", f"abbreviation {abbreviation}", 0.8))
        return keys

    def place_state(self, record: Record | None, depth: int = 0) -> str | None:
        """The INEGI state code of a place or of the state it lies in."""
        while record is not None and depth < 10:
            if record.cls == "State":
                code = record.fields.get("inegiCode")
                return str(code) if code else next((c for n in texts(record.fields.get("name"))
                                                    if (c := state_code(n))), None)
            record = self.by_id.get(str(record.fields.get("partOf"))) if record.fields.get("partOf") else None
            depth += 1
        return None

    def place_keys(self, record: Record) -> list[tuple[tuple, str, str, float]]:
        keys = []
        code = record.fields.get("inegiCode")
        if code:
            keys.append((("inegi", str(code)), "identifier", f"INEGI code {code}", 1.0))
        qid = record.fields.get("wikidata")
        if qid:
            keys.append((("wikidata", qid), "identifier", f"Wikidata {qid}", 1.0))
        names = texts(record.fields.get("name")) + texts(record.fields.get("alias"))
        if record.cls == "State":
            for name in names:
                if (found := state_code(name)) and not code:
                    keys.append((("inegi", found), "alias", f"{name!r} is INEGI state {found}", 0.9))
        elif record.cls == "Municipality":
            state = self.place_state(record)
            if state:
                for name in names:
                    keys.append((("municipality", state, fold(name)), "alias",
                                 f"municipality {name!r} in INEGI state {state}", 0.85))
        return keys

    # -------------------------------------------------------------- incidents

    def municipality(self, place_id: str | None) -> Record | None:
        record = self.by_id.get(place_id) if place_id else None
        for _ in range(10):
            if record is None or record.cls == "Municipality":
                return record
            record = self.by_id.get(str(record.fields.get("partOf"))) if record.fields.get("partOf") else None
        return None

    def point(self, place_id: str | None) -> tuple[float, float] | None:
        record = self.by_id.get(place_id) if place_id else None
        for _ in range(10):
            if record is None:
                return None
            lat, lon = record.fields.get("latitude"), record.fields.get("longitude")
            if lat is not None and lon is not None:
                return float(lat), float(lon)
            record = self.by_id.get(str(record.fields.get("partOf"))) if record.fields.get("partOf") else None
        return None

    def incident_facts(self, record: Record) -> dict | None:
        try:
            start = dt.date.fromisoformat(str(record.fields.get("startDate"))[:10])
            end = dt.date.fromisoformat(str(record.fields.get("endDate") or record.fields["startDate"])[:10])
        except (KeyError, ValueError):
            return None
        place = record.fields.get("place")
        place = place[0] if isinstance(place, list) and place else place
        municipality = self.municipality(place)
        keys, label = set(), None
        if municipality is not None:
            label = texts(municipality.fields.get("name"))[0] if municipality.fields.get("name") else None
            if municipality.fields.get("inegiCode"):
                keys.add(("inegi", str(municipality.fields["inegiCode"])))
            state = self.place_state(municipality)
            if state:
                keys.update(("name", state, fold(n)) for n in texts(municipality.fields.get("name")))
        slack = PRECISION_DAYS.get(record.fields.get("datePrecision"), 0)
        return {"start": start, "end": end, "slack": slack, "municipality": keys, "label": label,
                "point": self.point(place)}

    def incident_candidates(self, incidents: list[Record]) -> list[Candidate]:
        """Incidents meet on each day their date window (dates widened by their precision) covers; windows
        longer than MAX_WINDOW_DAYS are too vague to say two incidents are one."""
        facts = {r.id: f for r in incidents if (f := self.incident_facts(r)) is not None}
        by_day: dict[tuple[str, dt.date], list[Record]] = defaultdict(list)  # (source, day) -> incidents
        windows = {}
        sources = {r.id: source_of(r) for r in incidents}
        for r in incidents:
            f = facts.get(r.id)
            if f is None:
                continue
            first, last = f["start"] - dt.timedelta(days=f["slack"]), f["end"] + dt.timedelta(days=f["slack"])
            if (last - first).days > MAX_WINDOW_DAYS:
                continue
            windows[r.id] = (first, last)
            for offset in range((last - first).days + 1):
                by_day[(sources[r.id], first + dt.timedelta(days=offset))].append(r)
        out = []
        all_sources = sorted(set(sources.values()))
        for a in incidents:
            if a.id not in windows:
                continue
            first, last = windows[a.id]
            seen = set()
            others = [s for s in all_sources if s != sources[a.id]]
            for offset in range((last - first).days + 1):
                day = first + dt.timedelta(days=offset)
                for b in (b for source in others for b in by_day.get((source, day), ())):
                    if b.id <= a.id or b.id in seen:
                        continue
                    seen.add(b.id)
                    found = self.incident_match(a, b, facts[a.id], facts[b.id])
                    if found:
                        out.append(found)
        return out

    def incident_match(self, a: Record, b: Record, fa: dict, fb: dict) -> Candidate | None:
        slack = max(fa["slack"], fb["slack"])
        if fa["start"] - dt.timedelta(days=slack) > fb["end"] or fb["start"] - dt.timedelta(days=slack) > fa["end"]:
            return None
        when = f"same date {fa['start']}" if fa["start"] == fb["start"] else \
            f"dates {fa['start']} and {fb['start']} agree within the date precision ({slack} days)"
        shared = fa["municipality"] & fb["municipality"]
        if shared:
            key = sorted(shared)[0]
            where = f"same municipality (INEGI {key[1]})" if key[0] == "inegi" else \
                f"same municipality {fa['label'] or key[2]!r} in INEGI state {key[1]}"
            score = 0.9 if key[0] == "inegi" else 0.8
            return Candidate(a.id, b.id, "Incident", "attributes", f"{when}; {where}", score - 0.2 * bool(slack))
        if fa["point"] and fb["point"]:
            distance = km(fa["point"], fb["point"])
            if distance <= NEAR_KM:
                score = 0.85 if distance < 1 else 0.7
                return Candidate(a.id, b.id, "Incident", "attributes", f"{when}; points {distance:.1f} km apart",
                                 round(score - 0.2 * bool(slack), 2))
        return None

    # -------------------------------------------------------------- all together

    def keyed_candidates(self, records: list[Record], kind: str, keys_of) -> list[Candidate]:
        """Pairs from different sources sharing a key; the strongest shared key is the evidence."""
        buckets: dict[tuple, list[tuple[Record, str, float]]] = defaultdict(list)
        for record in records:
            for key, method, text, score in keys_of(record):
                buckets[key].append((record, method, text, score))
        best: dict[tuple[str, str], Candidate] = {}
        for key, members in buckets.items():
            if len(members) < 2 or len(members) > 50:  # a key shared by dozens is no evidence of identity
                continue
            for i, (a, ma, ta, sa) in enumerate(members):
                for b, mb, tb, sb in members[i + 1:]:
                    if a.id == b.id or source_of(a) == source_of(b) or not self.compatible(a, b):
                        continue
                    if ma == mb == "initials":  # two names with the same initials prove nothing
                        continue
                    method = "identifier" if ma == mb == "identifier" else "alias"
                    evidence = f"{ta} [{a.id}] ~ {tb} [{b.id}]"
                    first, second = sorted((a.id, b.id))
                    candidate = Candidate(first, second, kind, method, evidence, round(min(sa, sb), 2))
                    known = best.get((first, second))
                    if known is None or candidate.score > known.score:
                        best[(first, second)] = candidate
        return list(best.values())

    def compatible(self, a: Record, b: Record) -> bool:
        """Persons only match persons, organizations only organizations; places of the same kind."""
        if self.top(a) == "Agent":
            return self.onto.is_a(a.cls, "Person") == self.onto.is_a(b.cls, "Person")
        return a.cls == b.cls or "Place" in (a.cls, b.cls)

    def candidates(self) -> list[Candidate]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            top = self.top(record)
            if top in ("Agent", "Place", "Incident"):
                groups[top].append(record)
        for top, members in groups.items():  # records of one source have no pairs: no keys to make for them
            if len({source_of(r) for r in members}) < 2:
                members.clear()
        found = (self.keyed_candidates(groups["Agent"], "Agent", self.agent_keys)
                 + self.keyed_candidates(groups["Place"], "Place", self.place_keys)
                 + self.incident_candidates(groups["Incident"]))
        found = [c for c in found if frozenset((c.a, c.b)) not in self.linked]
        return sorted(found, key=lambda c: (c.kind, c.a, c.b))


@paused_gc()  # a large import's records and the indexes over them hold no cycles
def candidates(records: Iterable[Record]) -> list[Candidate]:
    return Resolver(records).candidates()


def links(records: Iterable[Record], min_score: float = 0.0) -> list[Record]:
    """IdentityLink records for the candidate duplicates among `records`."""
    out = []
    for c in candidates(records):
        if c.score < min_score:
            continue
        out.append(Record("IdentityLink", f"link/{digest(c.a, c.b, size=16)}", {
            "links": [c.a, c.b], "method": c.method, "evidence": c.evidence, "score": f"{c.score:.2f}"},
            Origin("(entity resolution)", None, f"link {c.a} = {c.b}")))
    return out


__all__ = ["Candidate", "INEGI_STATES", "READS", "RESOLVED", "Resolver", "candidates", "links", "name_key", "state_code"]
