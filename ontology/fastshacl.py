"""The SHACL shapes compiled to Python: the validator `shacl.validate()` uses for large builds.

pyshacl needs minutes for the hundreds of thousands of triples an imported dataset brings. This module reads
the same shapes graph and turns every constraint into a Python check over an in-memory index of the asserted
triples (terms as N-Triples strings, which hash and compare in C). SPARQL-based constraints (`sh:sparql` and
SPARQL constraint components such as `ikgs:notInFuture`) are rewritten into one query per shape that finds
every violating focus node, and run on the Oxigraph store holding the same asserted triples.

Nothing here names an ontology property: a shape the compiler does not understand raises `Unsupported` at
compile time, so a new kind of constraint cannot be silently skipped (tests compare this validator with
pyshacl on broken variants).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import chain

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from ..core.namespaces import SH, local_name
from ..core.nt import RDF_TYPE, XSD_NS, XSD_STRING, is_literal, nt_iri, nt_term, parse_literal, term_text
from ..core.runtime import paused_gc
from . import Violation, load, shapes_for_today

NUMERIC = {XSD_NS + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
                                "positiveInteger", "negativeInteger", "nonPositiveInteger", "short", "byte")}
ORDERED_AS_TEXT = {XSD_NS + t for t in ("date", "dateTime", "gYear", "gYearMonth", "time")}

# Shape-graph predicates that are not constraints.
_SHAPE_META = {RDF.type, RDFS.label, RDFS.comment, SH.path, SH.message, SH.severity, SH.name, SH.description,
               SH.deactivated, SH.order, SH.group, SH.targetClass, SH.property, SH.sparql}
# Constraints are kept by local name: comparing rdflib terms (and reaching SH.x) costs microseconds each.
VALUE_CONSTRAINTS = {"datatype", "in", "pattern", "class", "minInclusive", "maxInclusive", "minExclusive",
                     "maxExclusive", "nodeKind", "node", "or", "minLength", "maxLength", "hasValue"}
PROPERTY_CONSTRAINTS = {"minCount", "maxCount", "uniqueLang", "disjoint", "lessThan", "lessThanOrEquals", "equals"}


class Unsupported(Exception):
    """A shape uses a SHACL feature this compiler does not implement."""


# ---------------------------------------------------------------- data index


class Data:
    """Distinct asserted triples grouped by predicate, then subject. Checks run a constraint over all focus
    nodes at once with set operations."""

    def __init__(self, triples: Iterable[tuple[str, str, str]],
                 outside: Callable[[str], Iterable[str]] | None = None) -> None:
        """`outside(node)` gives the asserted types of a node whose triples are not among `triples` (a build
        validating one chunk at a time: a reference may point into another chunk); none by default."""
        self.outside = outside or (lambda node: ())
        by_pred: defaultdict[str, dict[str, list[str]]] = defaultdict(dict)  # predicate -> subject -> objects
        multi: defaultdict[str, set[str]] = defaultdict(set)  # predicate -> subjects with several objects
        count = 0
        for s, p, o in triples:
            count += 1
            subjects = by_pred[p]
            objects = subjects.get(s)
            if objects is None:
                subjects[s] = [o]
            else:
                objects.append(o)
                multi[p].add(s)
        self.count = count
        self._grouped: dict[tuple[str, bool], dict[str, list[str]]] = {
            (p, False): subjects for p, subjects in by_pred.items()}
        self._multi = {(p, False): subjects for p, subjects in multi.items()}
        self.types = self.grouped(RDF_TYPE, False)

    def grouped(self, path: str, inverse: bool) -> dict[str, list[str]]:
        """focus node -> its values on `path` (or on its inverse, built on first use)."""
        found = self._grouped.get((path, inverse))
        if found is None:
            found = self._grouped[(path, inverse)] = {}
            if inverse:
                for s, objects in self.grouped(path, False).items():
                    for o in objects:
                        found.setdefault(o, []).append(s)
        return found

    def several(self, path: str, inverse: bool) -> set[str]:
        """The focus nodes with more than one value on `path` (or its inverse): few, so maxCount checks
        look at these instead of every node."""
        key = (path, inverse)
        if key not in self._multi:
            self._multi[key] = {n for n, values in self.grouped(path, inverse).items() if len(values) > 1}
        return self._multi[key]

    def values(self, focus: str, path: str, inverse: bool = False) -> list[str]:
        return self.grouped(path, inverse).get(focus, [])


# ---------------------------------------------------------------- compiled shapes


@dataclass
class Shape:
    """A node or property shape. Property shapes have a path; value constraints apply to each value node
    (of the path, or the focus node itself for node shapes)."""

    id: str
    path: str | None = None
    inverse: bool = False
    targets: list[str] = field(default_factory=list)  # class IRIs (N-Triples)
    values: list[tuple[str, object]] = field(default_factory=list)  # (constraint name, compiled parameter)
    counts: list[tuple[str, object]] = field(default_factory=list)  # whole-value-set constraints
    properties: list["Shape"] = field(default_factory=list)
    sparql: list[tuple[str, str]] = field(default_factory=list)  # (query finding ?this [?value], message)


    @property
    def path_name(self) -> str | None:
        return None if self.path is None or self.inverse else local_name(self.path[1:-1])


class Compiled:
    def __init__(self, shapes: Graph, dated: frozenset = frozenset()) -> None:
        self.graph = shapes
        self.dated = {str(shape) for shape in dated}  # shapes whose maxInclusive is today's date
        onto = load()
        # Class closure: each ontology class (N-Triples) -> the class and its ikg superclasses.
        self.ancestors = {nt_iri(str(c.iri)): {nt_iri(str(onto.classes[a].iri)) for a in onto.ancestors(n)}
                          for n, c in onto.classes.items()}
        self.descendants = {nt_iri(str(c.iri)): [nt_iri(str(onto.classes[d].iri)) for d in onto.descendants(n)]
                            for n, c in onto.classes.items()}
        self._shapes: dict = {}
        self.components = self._components()
        self.roots = [self.shape(s) for s in sorted(set(shapes.subjects(SH.targetClass, None)), key=str)]


    # -------------------------------------------------------------- compiling

    def _components(self) -> dict[URIRef, tuple[str, str, str]]:
        """SPARQL-based constraint components: parameter predicate -> (parameter name, select, message)."""
        out = {}
        g = self.graph
        for component in g.subjects(RDF.type, SH.ConstraintComponent):
            validator = g.value(component, SH.propertyValidator) or g.value(component, SH.validator)
            if validator is None or g.value(validator, SH.select) is None:
                raise Unsupported(f"constraint component {component} has no SPARQL select validator")
            for param in g.objects(component, SH.parameter):
                path = g.value(param, SH.path)
                out[path] = (local_name(path), str(g.value(validator, SH.select)),
                             str(g.value(validator, SH.message) or f"{local_name(path)} violated"))
        return out

    def shape(self, node) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        g = self.graph
        shape = Shape(id=str(node))
        self._shapes[node] = shape
        path = g.value(node, SH.path)
        if path is not None:
            if isinstance(path, URIRef):
                shape.path = nt_iri(str(path))
            elif g.value(path, SH.inversePath) is not None:
                shape.path, shape.inverse = nt_iri(str(g.value(path, SH.inversePath))), True
            else:
                raise Unsupported(f"shape {node}: only predicate and inverse paths are supported")
        for cls in g.objects(node, SH.targetClass):
            shape.targets.append(nt_iri(str(cls)))
        for pred, obj in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if pred in _SHAPE_META or pred == SH.flags:
                continue
            name = local_name(pred) if str(pred).startswith(str(SH)) else None
            if pred in self.components:
                param, select, message = self.components[pred]
                shape.sparql.append(self._component_query(shape, param, obj, select, message))
            elif name in VALUE_CONSTRAINTS:
                shape.values.append((name, self._param(node, name, obj)))
            elif name in PROPERTY_CONSTRAINTS:
                if shape.path is None:
                    raise Unsupported(f"shape {node}: {name} needs a path")
                shape.counts.append((name, self._param(node, name, obj)))
            else:
                raise Unsupported(f"shape {node}: unsupported SHACL feature {pred}")
        for prop in g.objects(node, SH.property):
            shape.properties.append(self.shape(prop))
        for constraint in g.objects(node, SH.sparql):
            select = g.value(constraint, SH.select)
            if select is None:
                raise Unsupported(f"shape {node}: sh:sparql without sh:select")
            shape.sparql.append((str(select), str(g.value(constraint, SH.message) or "SPARQL constraint violated")))
        return shape

    def _param(self, node, name: str, obj):
        g = self.graph
        if name in ("in", "or"):
            items = list(Collection(g, obj))
            # in: ordered (the message lists the allowed values as the shape does), with set-speed membership
            return dict.fromkeys(nt_term(i) for i in items) if name == "in" else [self.shape(i) for i in items]
        if name == "node":
            return self.shape(obj)
        if name == "pattern":
            flags = str(g.value(node, SH.flags) or "")
            return re.compile(str(obj), re.IGNORECASE if "i" in flags else 0)
        if name == "datatype":
            return str(obj)
        if name == "nodeKind":
            return local_name(obj)
        if name in ("class", "disjoint", "lessThan", "lessThanOrEquals", "equals"):
            return nt_iri(str(obj))
        if name in ("minCount", "maxCount", "minLength", "maxLength"):
            return int(obj)
        if name == "uniqueLang":
            return bool(obj.toPython())
        return nt_term(obj)  # min/max bounds, hasValue

    def _component_query(self, shape: Shape, name: str, value, select: str, message: str) -> tuple[str, str]:
        if shape.path is None:
            raise Unsupported(f"shape {shape.id}: component {name} used without a path")
        path = f"^{shape.path}" if shape.inverse else shape.path
        query = select.replace("$PATH", path).replace(f"${name}", nt_term(value))
        return query, message

    # -------------------------------------------------------------- checking

    def is_a(self, data: Data, node: str, cls: str) -> bool:
        types = data.types.get(node) or data.outside(node)
        return any(cls in self.ancestors.get(t, (t,)) for t in types)

    def validate(self, data: Data) -> list[Violation]:
        """Violations of every constraint checked in Python (all but the SPARQL-based ones)."""
        by_class: dict[str, list[Shape]] = {}  # asserted type -> the shapes targeting it or a superclass
        for root in self.roots:
            for target in root.targets:
                for cls in self.descendants.get(target, [target]):
                    by_class.setdefault(cls, []).append(root)
        focus: dict[int, set[str]] = {}
        for node, types in data.types.items():
            for t in types:
                for root in by_class.get(t, ()):
                    focus.setdefault(id(root), set()).add(node)
        out: list[tuple] = []
        for root in self.roots:
            if id(root) in focus:
                out.extend(self._failures(data, root, focus[id(root)]))
        found = []
        for focus, path, value, message, shape in out:
            if shape.id in self.dated and "(maxInclusive" in message:
                message = f"date {term_text(value)} lies in the future"
            found.append(_violation(focus, path, value, message, shape))
        return found

    def _failures(self, data: Data, shape: Shape, nodes: set[str]) -> list[tuple]:
        """(focus, path name, value, message, shape) for each way `nodes` violate `shape`."""
        out: list[tuple] = []
        if shape.path is None:  # node shape: value constraints apply to the nodes themselves
            for constraint, param in shape.values:
                for node, message in self._bad_values(data, constraint, param, nodes).items():
                    out.append((node, None, node, message, shape))
            for prop in shape.properties:
                out.extend(self._failures(data, prop, nodes))
            return out
        grouped = data.grouped(shape.path, shape.inverse)
        name = shape.path_name
        for constraint, param in shape.counts:
            if constraint == "minCount":
                short = nodes - grouped.keys() if param == 1 else \
                    [n for n in nodes if len(grouped.get(n, ())) < param]
                out.extend((n, name, None, f"less than {param} values", shape) for n in short)
            elif constraint == "maxCount":
                several = data.several(shape.path, shape.inverse) if param >= 1 else grouped.keys()
                out.extend((n, name, None, f"more than {param} values", shape)
                           for n in several & nodes if len(grouped[n]) > param)
            else:  # pairwise constraints hold vacuously for a node without values, except equals
                for node in nodes if constraint == "equals" else nodes & grouped.keys():
                    for value, message in self._count_messages(data, constraint, param, node,
                                                               grouped.get(node, [])):
                        out.append((node, name, value, message, shape))
        if shape.values:
            having = nodes & grouped.keys()
            distinct = set(chain.from_iterable(map(grouped.__getitem__, having)))
            for constraint, param in shape.values:
                bad = self._bad_values(data, constraint, param, distinct)
                if bad:
                    out.extend((n, name, v, bad[v], shape) for n in having for v in grouped[n] if v in bad)
        return out

    def _failing(self, data: Data, shape: Shape, nodes: set[str]) -> set[str]:
        """The nodes that do not conform to `shape`."""
        return {failure[0] for failure in self._failures(data, shape, nodes)}

    def _bad_values(self, data: Data, constraint: str, param, values: set[str]) -> dict[str, str]:
        """value -> message for the values that violate one value constraint; each distinct value is checked
        once however many focus nodes share it."""
        if constraint == "node":
            return {v: f"value {term_text(v)!r} does not conform to {local_name(param.id)}"
                    for v in self._failing(data, param, values)}
        if constraint == "or":
            failing = set(values)
            for member in param:
                if failing:
                    failing &= self._failing(data, member, failing)
            return {v: "conforms to none of the alternatives (sh:or)" for v in failing}
        out = {}
        for value in values:
            message = self._value_message(data, constraint, param, value)
            if message:
                out[value] = message
        return out

    def _count_messages(self, data: Data, constraint, param, focus: str, values: list[str]):
        if constraint == "minCount" and len(values) < param:
            yield None, f"less than {param} values"
        elif constraint == "maxCount" and len(values) > param:
            yield None, f"more than {param} values"
        elif constraint == "uniqueLang" and param:
            langs = [parse_literal(v)[2] for v in values if is_literal(v)]
            for lang in {l for l in langs if l and langs.count(l) > 1}:
                yield None, f"more than one value in language '{lang}'"
        elif constraint == "disjoint":
            others = set(data.values(focus, param, False))
            for value in values:
                if value in others:
                    yield value, f"value is also a value of {local_name(param[1:-1])}"
        elif constraint in ("lessThan", "lessThanOrEquals"):
            for value in values:
                for other in data.values(focus, param, False):
                    order = _compare(value, other)
                    if order is None or order > 0 or (order == 0 and constraint == "lessThan"):
                        yield value, f"not {'<' if constraint == 'lessThan' else '<='} {term_text(other)} " \
                                     f"({local_name(param[1:-1])})"
        elif constraint == "equals":
            if set(values) != set(data.values(focus, param, False)):
                yield None, f"values differ from those of {local_name(param[1:-1])}"

    def _value_message(self, data: Data, constraint, param, value: str) -> str | None:
        if constraint == "datatype":
            if not is_literal(value) or parse_literal(value)[1] != param:
                return f"not a literal of datatype {local_name(param)}"
        elif constraint == "nodeKind":
            kind = param
            ok = {"IRI": value.startswith("<"), "Literal": is_literal(value), "BlankNode": value.startswith("_:"),
                  "BlankNodeOrIRI": not is_literal(value), "IRIOrLiteral": not value.startswith("_:"),
                  "BlankNodeOrLiteral": not value.startswith("<")}.get(kind)
            if ok is None:
                raise Unsupported(f"node kind {kind}")
            if not ok:
                return f"not of node kind {kind}"
        elif constraint == "in":
            if value not in param:
                return not_in_message(term_text(value), [term_text(v) for v in param])
        elif constraint == "pattern":
            if value.startswith("_:") or not param.search(term_text(value)):
                return f"value {term_text(value)!r} does not match {param.pattern}"
        elif constraint == "class":
            if not self.is_a(data, value, param):
                return f"value is not a {local_name(param[1:-1])}"
        elif constraint in _BOUNDS:
            order = _compare(value, param)
            if order is None or not _BOUNDS[constraint](order):
                return f"value {term_text(value)} is out of range ({constraint} {term_text(param)})"
        elif constraint in ("minLength", "maxLength"):
            size = len(term_text(value))
            if value.startswith("_:") or (size < param if constraint == "minLength" else size > param):
                return f"length {size} violates {constraint} {param}"
        elif constraint == "hasValue":
            if value != param:
                return f"value is not {term_text(param)}"
        else:  # node and or are checked a set at a time in _bad_values
            raise Unsupported(f"value constraint {constraint}")
        return None

    # -------------------------------------------------------------- SPARQL-based constraints

    def sparql_queries(self) -> list[tuple[str, str, str | None, Shape]]:
        """(query, message, path name, shape) per SPARQL-based constraint, each selecting every violating
        ?this (and ?value) among the shape's targets at once instead of per pre-bound focus node."""
        out = []
        for root in self.roots:
            classes = " ".join(sorted({d for t in root.targets for d in self.descendants.get(t, [t])}))
            restrict = f"VALUES ?__class {{ {classes} }} ?this a ?__class ."
            for shape, path_name in [(root, None)] + [(p, p.path_name) for p in root.properties]:
                for select, message in shape.sparql:
                    query = select.replace("$this", "?this")
                    match = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE)
                    if match is None:
                        raise Unsupported(f"shape {shape.id}: SPARQL constraint without WHERE")
                    # at the end of the WHERE group: Oxigraph then starts from the constraint's own, more
                    # selective pattern (three times faster on a large build than starting from the class)
                    end = query.rindex("}")
                    query = query[:end] + f" {restrict} " + query[end:]
                    out.append((query, message, path_name, shape))
        return out

    def sparql_violations(self, store) -> list[Violation]:
        """Run the SPARQL-based constraints on an Oxigraph store holding the asserted triples."""
        out = []
        for query, message, path_name, shape in self.sparql_queries():
            solutions = store.query(query)
            has_value = any(v.value == "value" for v in solutions.variables)
            for row in solutions:
                focus = row["this"]
                value = row["value"] if has_value else None
                text = message.replace("{?value}", value.value if value is not None else "")
                out.append(Violation(focus=focus.value, path=path_name, value=value.value if value is not None
                                     else None, message=text, shape=shape.id))
        return out


def not_in_message(value: str, allowed: Iterable[str]) -> str:
    """The sh:in violation as both validators word it: the value and the values the shape allows."""
    return f"{value!r} is not one of: {', '.join(allowed)}"


_BOUNDS = {"minInclusive": lambda o: o >= 0, "maxInclusive": lambda o: o <= 0,
           "minExclusive": lambda o: o > 0, "maxExclusive": lambda o: o < 0}


def _violation(focus: str, path: str | None, value: str | None, message: str, shape: Shape) -> Violation:
    return Violation(focus=term_text(focus), path=path, value=term_text(value) if value else None,
                     message=message, shape=shape.id)


def _compare(a: str, b: str) -> int | None:
    """-1/0/1 ordering of two literals, or None when SPARQL could not compare them."""
    if not (is_literal(a) and is_literal(b)):
        return None
    la, da, _ = parse_literal(a)
    lb, db, _ = parse_literal(b)
    if da in NUMERIC and db in NUMERIC:
        try:
            x, y = Decimal(la), Decimal(lb)
        except InvalidOperation:
            return None
    elif da == db and (da in ORDERED_AS_TEXT or da == XSD_STRING):
        x, y = la, lb
    else:
        return None
    return (x > y) - (x < y)


def compiled() -> Compiled:
    """The shapes compiled as they apply today: `ikgs:notInFuture` becomes a core date bound, as for pyshacl
    (ontology.shapes_for_today), so only genuinely SPARQL-based constraints need the store."""
    return _compiled(*shapes_for_today())


@cache
def _compiled(shapes: Graph, dated: frozenset) -> Compiled:
    return Compiled(shapes, dated)


def validate(triples: Iterable[tuple[str, str, str]], store=None,
             outside: Callable[[str], Iterable[str]] | None = None) -> list[Violation]:
    """Violations of the shapes by distinct N-Triples-string triples; SPARQL-based constraints run on `store` (an
    Oxigraph store holding the same triples) when it is given. The triples may be one chunk of a graph, every
    subject with all its triples: `outside` gives the asserted types of nodes in other chunks (see Data)."""
    shapes = compiled()
    with paused_gc():
        data = triples if isinstance(triples, Data) else Data(triples, outside)
        found = shapes.validate(data)
    if store is not None:
        found.extend(shapes.sparql_violations(store))
    found.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return found


__all__ = ["Compiled", "Data", "Unsupported", "compiled", "not_in_message", "validate"]
