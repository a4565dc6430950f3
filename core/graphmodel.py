"""The shape of the property-graph model (labels, their columns, relationship types) as plain data, and the
model saved beside a build's Ladybug database. `incidentkg.ontology.projection.model()` derives it from the
ontology; a Cypher query reads the saved copy instead, so it needs neither rdflib nor the ontology's parse.
The copy is current while the files the model is derived from are unchanged (`model_digest`)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Ladybug's catalog is case-insensitive, so the relationship table of CLAIM cannot be called like the node
# table Claim; such tables get this suffix (queries still say CLAIM: the Cypher translation maps it).
LADYBUG_SUFFIX = "_REL"
PACKAGE = Path(__file__).resolve().parents[1]
# What the model is computed from: the ontology, its shapes and vocabularies, and the rules that derive it.
MODEL_SOURCES = tuple(PACKAGE / "ontology" / name
                      for name in ("incidentkg.ttl", "shapes.ttl", "vocabularies.ttl", "projection.py"))


def rel_type_name(prop: str) -> str:
    """reportedIn -> REPORTED_IN, subOrganizationOf -> SUB_ORGANIZATION_OF."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", prop).upper()


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Ladybug type name: STRING, INT64, DOUBLE, DATE, BOOL, or STRING[] for P_all
    prop: str | None = None  # the ontology property it comes from; None for id, iri and kind
    role: str = "value"  # value | lang | lang:<tag> | all | id | iri | kind
    description: str = ""


@dataclass(frozen=True)
class NodeLabel:
    name: str  # the top-level class; a Ladybug node table
    classes: tuple[str, ...]  # every class whose records are stored under this label (the top class first)
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class RelType:
    name: str  # UPPER_SNAKE relationship type
    prop: str  # the object property it comes from
    pairs: tuple[tuple[str, str], ...]  # (from label, to label) combinations the ontology allows
    table: str  # Ladybug relationship table: the type, plus LADYBUG_SUFFIX where it would clash with a label


@dataclass(frozen=True)
class GraphModel:
    labels: dict[str, NodeLabel]
    relationships: dict[str, RelType]
    languages: tuple[str, ...]
    top: dict[str, str]  # class -> its top-level label
    ancestry: dict[str, tuple[str, ...]]  # class -> Neo4j labels: top class first, the class itself last

    def label_of(self, cls: str) -> str:
        return self.top[cls]

    def neo4j_labels(self, cls: str) -> tuple[str, ...]:
        return self.ancestry[cls]

    def kinds(self, cls: str) -> tuple[str, ...]:
        """The `kind` values of nodes that are instances of `cls` (the class and its subclasses)."""
        return tuple(c for c in self.labels[self.top[cls]].classes if cls in self.ancestry[c])

    def rel_for(self, prop: str) -> RelType:
        return self.relationships[rel_type_name(prop)]


@cache
def model_digest() -> str:
    """A digest of the files the model is derived from: equal digests, equal models."""
    digest = hashlib.sha256()
    for path in MODEL_SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_to_json(graph: GraphModel) -> str:
    return json.dumps(dataclasses.asdict(graph), separators=(",", ":"))


def model_from_json(text: str) -> GraphModel:
    data = json.loads(text)
    labels = {name: NodeLabel(label["name"], tuple(label["classes"]), tuple(Column(**c) for c in label["columns"]))
              for name, label in data["labels"].items()}
    relationships = {name: RelType(rel["name"], rel["prop"], tuple(tuple(pair) for pair in rel["pairs"]), rel["table"])
                     for name, rel in data["relationships"].items()}
    return GraphModel(labels, relationships, tuple(data["languages"]), dict(data["top"]),
                      {cls: tuple(labels_) for cls, labels_ in data["ancestry"].items()})


__all__ = ["LADYBUG_SUFFIX", "MODEL_SOURCES", "Column", "GraphModel", "NodeLabel", "RelType", "model_digest",
           "model_from_json", "model_to_json", "rel_type_name"]
