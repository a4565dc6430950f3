"""CIDE-PPD "confrontations" CSV → records.

Each row is a confrontation between security forces and organized crime (CIDE Programa de Política de
Drogas, 2007–2011): an armed clash in a municipality (INEGI state and municipality codes), with the dead and
wounded per party, people detained and weapons, ammunition and vehicles seized. The figures are quantities of
one statement by CIDE per event, reported in a dataset record. The file does not say which agencies took part;
an agency counts as a participant when it has dead or wounded in the event, organized crime always does (the
dataset only records confrontations with it), and civilians when they were hit.
"""

from __future__ import annotations

from pathlib import Path

from ..core.runtime import paused_gc
from .case import Record
from .tabular import (
    Column, Progress, Records, Row, Warn, dataset_published, dataset_source, date, integer, read_csv,
    text)

PREFIX = "cide"

# Party column prefix -> (record id, class, names, abbreviation). Names are given in English and Spanish so
# entity resolution can match other sources' records (e.g. the bundled case's Federal Police, PF).
PARTIES = {
    "military": ("army", "ArmedForce", {"en": "Army (SEDENA)", "es": "Ejército (SEDENA)"}, "SEDENA"),
    "navy": ("navy", "ArmedForce", {"en": "Navy (SEMAR)", "es": "Marina (SEMAR)"}, "SEMAR"),
    "federal.police": ("federal-police", "ArmedForce", {"en": "Federal Police", "es": "Policía Federal"}, "PF"),
    "afi": ("afi", "ArmedForce", {"en": "Federal Investigation Agency", "es": "Agencia Federal de Investigación"},
            "AFI"),
    "state.police": ("state-police", "ArmedForce", {"en": "State police", "es": "Policía estatal"}, None),
    "ministerial.police": ("ministerial-police", "ArmedForce",
                           {"en": "Ministerial police", "es": "Policía ministerial"}, None),
    "municipal.police": ("municipal-police", "ArmedForce", {"en": "Municipal police", "es": "Policía municipal"},
                         None),
    "public.prosecutor": ("public-prosecutor", "GovernmentAgency",
                          {"en": "Public prosecutor's office", "es": "Ministerio Público"}, "MP"),
    "organized.crime": ("organized-crime", "CriminalGroup",
                        {"en": "Organized crime", "es": "Delincuencia organizada"}, None),
    "civilian": ("civilians", "Agent", {"en": "Civilians", "es": "Civiles"}, None),
}
# participant role and side by class (anything else: civilians)
SIDES = {"ArmedForce": ("state-force", "state"), "GovernmentAgency": ("state-force", "state"),
         "CriminalGroup": ("armed-group", "armed")}
ALWAYS_PARTICIPATES = "organized.crime"
# Seizure and detention columns -> quantity category (the file spells "cartridge.sezied").
COUNTS = {
    "detained": "arrested",
    "long.guns.seized": "long_guns_seized",
    "small.arms.seized": "handguns_seized",
    "cartridge.sezied": "cartridges_seized",
    "clips.seized": "magazines_seized",
    "vehicles.seized": "vehicles_seized",
}

COLUMNS = {
    "event.id": Column(integer, required=True),
    "unix.timestamp": Column(integer),
    "date": Column(date, required=True),
    "state_code": Column(integer, required=True),
    "state": Column(text),
    "state.abbr": Column(text),
    "mun_code": Column(integer),
    "municipality": Column(text),
    "total.people.dead": Column(integer, required=True),
    "total.people.wounded": Column(integer, required=True),
    **{f"{party}.{what}": Column(integer, required=True) for party in PARTIES for what in ("dead", "wounded")},
    **{column: Column(integer, required=True) for column in COUNTS},
}


@paused_gc()
def read(path: Path, *, published: str | None = None, progress: Progress = None, warn: Warn = None) -> list[Record]:
    """Records for every confrontation in a CIDE-PPD CSV file."""
    rows = list(read_csv(Path(path), COLUMNS, progress=progress))
    out = Records()
    if not rows:
        return []
    day, how = dataset_published([r["date"] for r in rows], published)
    origin = rows[0].origin("dataset")
    cide, dataset = dataset_source(
        out, PREFIX, origin,
        {"name": {"en": "CIDE Drug Policy Program", "es": "Programa de Política de Drogas del CIDE"},
         "abbreviation": "CIDE-PPD"},
        {"title": "CIDE-PPD confrontations between security forces and organized crime, 2007-2011",
         "published": day, "language": "es",
         "description": f"The confrontations file imported from {Path(path).name}. {how}"})
    for column, (slug_, cls, names, abbreviation) in PARTIES.items():
        out.add(cls, f"{PREFIX}/{slug_}", {"name": names, "abbreviation": abbreviation, "source": dataset}, origin)
    # A few rows lack the state's name; the same code is named on other rows.
    state_names = {r["state_code"]: r["state"] for r in rows if r.get("state")}
    country = f"{PREFIX}/place/mexico"
    out.add("Country", country, {"name": {"en": "Mexico", "es": "México"}, "source": dataset}, origin)
    for row in rows:
        _event(row, out, cide, day, country, state_names)
        if warn and not row.get("state"):
            warn(f"{row.file}:{row.line}: event {row['event.id']}: state name missing; named from other rows")
    return out.list()


def _place(row: Row, out: Records, country: str, state_names: dict[int, str], source: str) -> str:
    origin = row.origin(f"event {row['event.id']} place")
    code = row["state_code"]
    if not 1 <= code <= 32:
        raise row.error("state_code", f"expected an INEGI state code 1-32, got {code}")
    state = f"{PREFIX}/place/{code:02d}"
    out.once("State", state, {"name": state_names.get(code, f"INEGI state {code:02d}"), "inegiCode": f"{code:02d}",
                              "partOf": country, "source": source}, origin)
    mun = row.get("mun_code")
    if not mun or not row.get("municipality"):
        return state
    if mun > 999:
        raise row.error("mun_code", f"expected an INEGI municipality code 1-999, got {mun}")
    municipality = f"{state}{mun:03d}"
    out.once("Municipality", municipality, {"name": row["municipality"], "inegiCode": f"{code:02d}{mun:03d}",
                                            "partOf": state, "source": source}, origin)
    return municipality


def _event(row: Row, out: Records, cide: str, day: str, country: str, state_names: dict[int, str]) -> None:
    event = row["event.id"]
    origin = row.origin(f"event {event}")
    record = f"{PREFIX}/record/{event}"
    out.add("DatasetRecord", record, {"title": {"en": f"CIDE-PPD confrontation {event}"}, "publisher": cide,
                                      "published": day, "language": "es"}, origin)
    place = _place(row, out, country, state_names, record)
    participants, quantities, participation = [], [], []
    for column, (slug_, cls, _names, _abbr) in PARTIES.items():
        dead, wounded = row[f"{column}.dead"], row[f"{column}.wounded"]
        party = f"{PREFIX}/{slug_}"
        if dead or wounded or column == ALWAYS_PARTICIPATES:
            participants.append(party)
            # CIDE-PPD codes each count by who the people were: state agencies against organized crime, with
            # civilians apart; that is the side each participant is on
            role, side = SIDES.get(cls, ("civilians", "civilians"))
            participation.append({"agent": party, "participantRole": role, "side": side})
        # Zero counts are left out: they add nothing to sums or comparisons (all columns are required, so
        # a missing figure cannot be mistaken for a zero here).
        if dead:
            quantities.append({"category": "killed", "party": party, "value": dead})
        if wounded:
            quantities.append({"category": "wounded", "party": party, "value": wounded})
    quantities.append({"category": "killed", "partyScope": "all", "value": row["total.people.dead"]})
    quantities.append({"category": "wounded", "partyScope": "all", "value": row["total.people.wounded"]})
    for column, category in COUNTS.items():
        if row[column]:
            quantities.append({"category": category, "partyScope": "not-stated", "value": row[column]})
    where = ", ".join(x for x in (row.get("municipality"), state_names.get(row["state_code"])) if x)
    incident = f"{PREFIX}/event/{event}"
    out.add("ArmedClash", incident, {
        "name": f"Confrontation in {where or 'Mexico'}, {row['date']} (CIDE-PPD {event})",
        "startDate": row["date"], "endDate": row["date"], "datePrecision": 1, "place": place,
        "participant": participants, "source": record}, origin)
    figures = ", ".join(f"{c} {row[c]}" for c in COLUMNS if c.endswith((".dead", ".wounded")) or c in COUNTS)
    out.add("Statement", f"{PREFIX}/statement/{event}", {
        "speaker": cide, "reportedIn": record, "date": day, "quote": {"en": figures}, "stance": "asserts",
        "incident": incident, "participation": participation, "quantity": quantities}, origin)
