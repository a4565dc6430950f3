"""Validation lives with the shapes: one `validate()` over the records of a build, by one of two validators of the
same `shapes.ttl`:

- pyshacl, the reference implementation, on an rdflib graph (what small builds and the tests use);
- the shapes compiled to Python set operations (`fastshacl`), which a large build needs: pyshacl takes minutes for
  the hundreds of thousands of triples an imported dataset brings. Tests hold the two equal on broken variants.

Both report `ikgs:notInFuture` as a date bound set to today, with the same message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.collection import Collection

from ..core.namespaces import SH, local_name
from ..core.nt import nt_term, to_bytes
from . import Violation, fastshacl, load, shapes_for_today

# Above this many records a build validates with the compiled shapes (the bundled case has a few hundred).
COMPILED_ABOVE_RECORDS = 2_000


def validate(data: Graph | Iterable[tuple[str, str, str]], *, compiled: bool = False, store: ox.Store | None = None,
             sparql: bool = True, outside: Callable[[str], Iterable[str]] | None = None) -> list[Violation]:
    """Every violation of the shapes by `data` (an rdflib Graph, or distinct N-Triples-string triples), sorted by
    focus node, path and message.

    `compiled` picks the compiled validator over pyshacl. Its SPARQL-based constraints run on `store`, an
    Oxigraph store holding the same asserted triples (made in memory when none is given), or not at all with
    `sparql=False`, for a caller that runs them later on its own store with `sparql_violations(store)`.

    A large build validates one chunk at a time with the compiled validator: each chunk holds every triple of
    its subjects, and `outside(node)` gives the asserted types of the nodes it references in other chunks."""
    if not compiled:
        graph = data if isinstance(data, Graph) else Graph().parse(data=to_bytes(data).decode("utf-8"), format="nt")
        return _pyshacl(graph)
    if isinstance(data, Graph):
        data = [(nt_term(s), nt_term(p), nt_term(o)) for s, p, o in data]
    else:
        data = list(data)
    if sparql and store is None:
        store = ox.Store()
        store.bulk_load(to_bytes(data), format=ox.RdfFormat.N_TRIPLES)
    return fastshacl.validate(data, store if sparql else None, outside)


def sparql_violations(store: ox.Store) -> list[Violation]:
    """The compiled validator's SPARQL-based constraints, on a store holding exactly the asserted triples."""
    return fastshacl.compiled().sparql_violations(store)


_BOUNDS = {SH[f"{name[0].upper()}{name[1:]}ConstraintComponent"]: name
           for name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")}


def _pyshacl(data: Graph) -> list[Violation]:
    """SHACL-validate `data` against the shapes; the ontology is mixed in so subclass targets apply."""
    from pyshacl import validate as shacl_validate

    onto = load()
    shapes, dated = shapes_for_today()
    _, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=onto.graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = str(report.value(result, SH.resultMessage) or "constraint violated")
        source, component = report.value(result, SH.sourceShape), report.value(result, SH.sourceConstraintComponent)
        if source in dated and component == SH.MaxInclusiveConstraintComponent:
            message = f"date {value} lies in the future"
        elif component in _BOUNDS and value is not None:
            # pyshacl's own text is a Python repr (Value is not <= Literal("90", ...)); word it as the compiled one
            bound = shapes.value(source, SH[_BOUNDS[component]])
            message = f"value {value} is out of range ({_BOUNDS[component]} {bound})"
        elif component == SH.InConstraintComponent and value is not None:
            # pyshacl's own text is Python reprs (Value Literal("x") not in list [...]); name the allowed values
            allowed = Collection(shapes, shapes.value(source, SH["in"]))
            message = fastshacl.not_in_message(str(value), [str(v) for v in allowed])
        violations.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=local_name(path) if isinstance(path, URIRef) else None,
                value=str(value) if value is not None else None,
                message=message,
                shape=str(report.value(result, SH.sourceShape) or ""),
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return violations


__all__ = ["COMPILED_ABOVE_RECORDS", "sparql_violations", "validate"]
