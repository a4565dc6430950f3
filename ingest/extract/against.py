"""`extract --against BUILD`: the draft beside what a build already holds.

A draft statement is matched to an existing statement of the same incident when the existing quote is found
in the draft's words (rapidfuzz partial ratio on folded text), or to a claim whose text it repeats. Matched,
it points at that claim (its own proposed claim goes); same speaker as well makes it `held`. A figure is
held when a statement of the incident already gives the same category, party and value; a different value
for the same incident, category and party, or an opposed stance on the same claim, is a candidate
contradiction. Two draft statements the text sets against each other are `held` when the build's claims
already contradict."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz

from ...core.text import fold
from .world import World

QUOTE_MATCH = 90
CLAIM_MATCH = 90
MIN_QUOTE = 12
MIN_COVER = 0.25  # the known quote's length against the draft's


def compare(draft: dict, graph: World, build: str) -> dict:
    statements = draft.get("statements", [])
    claims = {c["id"]: c for c in draft.get("claims", [])}
    existing = graph.of("Statement")
    summary = {"build": build, "statements": len(statements), "held_statements": 0, "known_claims": 0,
               "figures": 0, "held_figures": 0, "different_figures": 0, "opposed_stances": 0}
    replaced: dict[str, str] = {}  # draft claim -> existing claim
    candidates: list[dict] = []
    for record in statements:
        meta = record["proposal"]
        incident = record.get("incident")
        quote = next(iter(record["quote"].values()))
        here = [s for s in existing if incident in s.fields.get("incident", [])] or existing
        match = _best(quote, here, graph, incident, record["stance"])
        result: dict[str, Any] = {}
        if match is not None:
            claim, statement, score = match
            result.update({"claim": claim, "matches": statement, "score": score})
            if claim:
                summary["known_claims"] += 1
                replaced[record["claim"]] = claim
                record["claim"] = claim
                others = [s for s in graph.of("Statement") if claim in s.fields.get("claim", [])]
                same = [s.id for s in others if record["speaker"] in s.fields.get("speaker", [])]
                if same:
                    result["held"] = True
                    result["held_by"] = same
                    summary["held_statements"] += 1
                opposed = sorted({s.id for s in others if s.first("stance") and s.first("stance") != record["stance"]})
                if opposed:
                    summary["opposed_stances"] += 1
                    candidates.append({"kind": "opposed stance", "statements": [record["id"], *opposed],
                                       "claims": [claim], "why": f"{record['stance']} a claim that "
                                       f"{', '.join(opposed)} {graph.get(opposed[0]).first('stance')}"})
        result["held"] = result.get("held", False)
        figures = []
        for index, quantity in enumerate(record.get("quantity", [])):
            summary["figures"] += 1
            held, differs = _figure(quantity, incident, graph)
            mark: dict[str, Any] = {"held_by": held} if held else {}
            if differs:
                mark["differs_from"] = differs
                summary["different_figures"] += 1
                candidates.append({"kind": "different figure", "statements": [record["id"], *sorted({d["statement"] for d in differs})],
                                   "why": f"{quantity['category']}"
                                          f"{' of ' + quantity['party'] if quantity.get('party') else ''}: "
                                          f"{quantity['value']} here, "
                                          + ", ".join(f"{d['value']} in {d['statement']}" for d in differs)})
            if held:
                summary["held_figures"] += 1
            figures.append(mark)
            if index < len(meta.get("figures", [])):
                meta["figures"][index]["against"] = mark or {"new": True}
        meta["against"] = result
    # the draft's own claims that an existing claim replaces go; their contradictions move to the existing one
    kept = []
    for claim in draft.get("claims", []):
        if claim["id"] in replaced:
            continue
        targets = claim.get("contradicts")
        if targets:
            claim["contradicts"] = replaced.get(targets, targets) if isinstance(targets, str) else [replaced.get(t, t) for t in targets]
        kept.append(claim)
    if kept:
        draft["claims"] = kept
    else:
        draft.pop("claims", None)
    for entry in draft.get("extraction", {}).get("contradictions", []):
        a, b = (replaced.get(c, c) for c in entry["claims"])
        entry["claims"] = [a, b]
        known_a, known_b = graph.get(a), graph.get(b)
        entry["held"] = bool(known_a and known_b and (b in known_a.fields.get("contradicts", [])
                                                       or a in known_b.fields.get("contradicts", [])))
        if known_a and known_b and not entry["held"]:
            entry["note"] = "both claims are in the build already: add `contradicts` to one of them in its case file"
    extraction = draft.setdefault("extraction", {})
    extraction.setdefault("contradictions", []).extend(candidates)
    summary["candidate_contradictions"] = len(extraction["contradictions"])
    summary["held_contradictions"] = sum(1 for e in extraction["contradictions"] if e.get("held"))
    extraction["against"] = summary
    return summary


def _best(quote: str, statements, graph: World, incident: str | None, stance: str):
    folded = fold(quote)
    best = None
    for statement in statements:
        for known in statement.fields.get("quote", []):
            known_folded = fold(known)
            if len(known_folded) < MIN_QUOTE or len(known_folded) < MIN_COVER * len(folded):
                continue  # a few words that happen to recur in a long sentence are no match
            shorter, longer = sorted((known_folded, folded), key=len)
            score = fuzz.partial_ratio(shorter, longer)
            # equal words read two ways (asserting one claim, denying another): the reading of this stance
            rank = (score, statement.first("stance") == stance)
            if score >= QUOTE_MATCH and (best is None or rank > best[3]):
                best = (statement.first("claim"), statement.id, round(score, 1), rank)
    if best is not None:
        return best[:3]
    for claim in graph.of("Claim"):
        if incident and incident not in claim.fields.get("incident", []):
            continue
        for text in claim.fields.get("text", []):
            score = fuzz.token_set_ratio(fold(text), folded)
            if score >= CLAIM_MATCH and (best is None or score > best[2]):
                best = (claim.id, None, round(score, 1))
    return best


def _figure(quantity: dict, incident: str | None, graph: World) -> tuple[list[str], list[dict]]:
    held, differs = [], []
    for statement in graph.of("Statement"):
        if incident and incident not in statement.fields.get("incident", []):
            continue
        for qid in statement.fields.get("quantity", []):
            q = graph.get(qid)
            if q is None or q.first("category") != quantity["category"]:
                continue
            party = q.first("party")
            value = int(q.first("value")) if q.first("value") is not None else None
            if value == quantity["value"] and (quantity.get("party") in (None, party)):
                held.append(statement.id)
            elif party == quantity.get("party") and value is not None and value != quantity["value"]:
                differs.append({"statement": statement.id, "value": value})
    return sorted(set(held)), differs


__all__ = ["compare"]
