"""An extraction as a draft in the case format: the document, proposed agents (speakers and outlets not yet
known), the documents of the reporting chain, claims and statements with their figures. Every proposed record
carries `review: pending` and a `proposal:` block (the span in the source text, the words, a confidence, how
the speaker was found, the figures' spans); `incidentkg build` refuses pending records and ignores
`proposal:`. The `extraction:` block at the top says where the text came from and, for HTML, holds the main
text the spans index."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from ...core.errors import InputError, UsageError
from ...core.fsops import atomic_output
from ...core.text import fold
from .intake import Source
from .model import Extraction, Figure, Proposal, Speaker
from .speakers import AgentIndex
from .world import World

SECTIONS = ("sources", "agents", "incidents", "claims", "statements")
ARTICLES = ("the", "el", "la", "los", "las", "a", "an")
GROUP_NAMES = {
    "en": {"witnesses": "witnesses", "families": "families of the dead", "authorities": "authorities",
           "residents": "residents", "survivors": "survivors", "prosecutors": "prosecutors", "sources": "sources",
           "police": "police", "army": "army", "navy": "navy"},
    "es": {"witnesses": "testigos", "families": "familiares de los muertos", "authorities": "autoridades",
           "residents": "vecinos", "survivors": "sobrevivientes", "prosecutors": "fiscales", "sources": "fuentes",
           "police": "policía", "army": "ejército", "navy": "marina"},
}
CHAIN_TITLE = {"en": "{outlet} report cited in \u201c{title}\u201d (headline not recorded)",
               "es": "Nota de {outlet} citada en \u00ab{title}\u00bb (titular no registrado)"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:48] or "x"


class Options:
    def __init__(self, document: str | None = None, outlet: str | None = None, incident: str | None = None,
                 title: str | None = None, date: str | None = None, url: str | None = None) -> None:
        self.document, self.outlet, self.incident = document, outlet, incident
        self.title, self.date, self.url = title, date, url


def check_options(options: Options, world: World) -> None:
    """The command line's ids and values, before any reading: an unknown outlet or incident is bad input."""
    if options.outlet is not None and not world.is_a(options.outlet, "Agent"):
        raise InputError("--outlet", None, None, None, f"unknown outlet id '{options.outlet}' (no such agent in "
                                                       "the case files; add it there, or leave --outlet out)")
    if options.incident is not None and not world.is_a(options.incident, "Incident"):
        raise InputError("--incident", None, None, None, f"unknown incident id '{options.incident}'")
    if options.document is not None and not re.fullmatch(r"[a-z0-9][a-z0-9._/-]*", options.document):
        raise UsageError(f"--document: invalid id '{options.document}' (lower-case letters, digits, '-', '.', '/')")
    existing = world.get(options.document) if options.document else None
    if existing is not None and not world.is_a(existing.id, "Document"):
        raise InputError("--document", None, None, None, f"'{options.document}' is a {existing.cls}, not a document")
    if options.date is not None:
        try:
            if dt.date.fromisoformat(options.date) > dt.date.today():
                raise UsageError(f"--date: {options.date} is in the future")
        except ValueError:
            raise UsageError(f"--date: expected YYYY-MM-DD, got '{options.date}'") from None
    if options.url is not None and not re.match(r"^https?://\S+$", options.url):
        raise UsageError(f"--url: expected an http(s) URL, got '{options.url}'")


class _Writer:
    def __init__(self, extraction: Extraction, world: World, options: Options, extractor: str) -> None:
        self.x, self.world, self.opt = extraction, world, options
        self.source: Source = extraction.source
        self.lang = self.source.lang
        self.extractor = extractor
        self.taken = set(world.entries)
        self.records: dict[str, list[dict]] = {name: [] for name in SECTIONS}
        self.new_agents: dict[tuple, str] = {}
        self.chain_docs: dict[str, str] = {}

    def new_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate

    def span(self, start: int, end: int) -> dict:
        return {"span": [start, end], "text": self.source.text[start:end]}

    # ------------------------------------------------------------ the document
    def document(self) -> tuple[str, str | None, dt.date | None]:
        opt, src = self.opt, self.source
        existing = self.world.get(opt.document) if opt.document else None
        if existing is not None:
            published = existing.first("published")
            return existing.id, existing.first("publisher"), dt.date.fromisoformat(published) if published else None
        publisher = opt.outlet
        notes = []
        if publisher is None and src.site:  # the HTML's site name, as a known outlet or a new one
            found = [m.agent for m in AgentIndex(self.world).mentions(src.site)]
            publisher = found[0] if found else None
            if publisher is None:
                publisher = self.agent_for(Speaker(0, 0, cls="NewsOutlet", how="new", score=0.5), name=src.site)
        date = opt.date or src.date
        title = opt.title or src.title
        if title is None:
            title = f"Text from {Path(src.path).name} (headline not recorded)"
            notes.append("no headline found: edit the title")
        doc_id = opt.document or self.new_id(slug(f"{publisher or 'draft'}-{date or ''}-{Path(src.path).stem}"))
        self.taken.add(doc_id)
        record: dict[str, Any] = {"id": doc_id, "type": "Article", "title": {self.lang: title}}
        if publisher:
            record["publisher"] = publisher
        else:
            notes.append("no outlet given or found: set publisher (review --set ID:publisher=OUTLET)")
        if date:
            record["published"] = dt.date.fromisoformat(date)
        else:
            notes.append("no publication date given or found: set published")
        record["language"] = self.lang
        url = opt.url or src.url
        if url:
            record["url"] = url
        self.records["sources"].append(_pending(record, {"confidence": 0.9, "notes": notes} if notes else
                                                {"confidence": 0.9}))
        return doc_id, publisher, dt.date.fromisoformat(date) if date else None

    # ------------------------------------------------------------ agents
    def agent_for(self, speaker: Speaker, name: str | None = None) -> str | None:
        if speaker.agent:
            return speaker.agent
        text = name or self.source.text[speaker.start:speaker.end]
        words = text.split()
        while words and fold(words[0]) in ARTICLES:
            words = words[1:]
        label = " ".join(words).strip(" ,.;:") or text
        if speaker.group and speaker.group != "unnamed":
            label = GROUP_NAMES[self.lang].get(speaker.group, label)
            key = ("group", speaker.group)
            base = slug(f"{speaker.group}-{self.opt.incident or self.doc_id}")
        else:
            key = (speaker.cls, fold(label))
            base = slug(label)
        if key in self.new_agents:
            return self.new_agents[key]
        agent_id = self.new_id(base)
        self.new_agents[key] = agent_id
        record = {"id": agent_id, "type": speaker.cls or "Organization", "name": {self.lang: label},
                  "source": [self.doc_id]}
        how = "a generic speaker with no known agent" if speaker.group else "a name no known agent has"
        meta = {**(self.span(speaker.start, speaker.end) if speaker.end > speaker.start else {}),
                "confidence": round(speaker.score, 2), "notes": [f"new agent: {how}; check the type and name"]}
        self.records["agents"].append(_pending(record, meta))
        return agent_id

    def chain_doc(self, outlet: str, title: str, date: dt.date | None, via: Speaker) -> str:
        if outlet in self.chain_docs:
            return self.chain_docs[outlet]
        entry = self.world.get(outlet)
        name = entry.text("name", self.lang) if entry else None
        if name is None:
            name = next((r["name"][self.lang] for r in self.records["agents"] if r["id"] == outlet), outlet)
        doc_id = self.new_id(f"{self.doc_id}/via-{outlet}")
        self.chain_docs[outlet] = doc_id
        record: dict[str, Any] = {"id": doc_id, "type": "Article", "publisher": outlet,
                                  "title": {self.lang: CHAIN_TITLE[self.lang].format(outlet=name, title=title)}}
        if date:
            record["published"] = date
        record["description"] = {"en": f"The report {self.doc_id} cites; its publication date is a placeholder "
                                       "(the citing document's date), headline and URL not recorded."}
        self.records["sources"].append(_pending(record, {**self.span(via.start, via.end), "confidence": 0.8,
                                                         "notes": ["the reporting chain: the document this "
                                                                   "statement came through"]}))
        return doc_id

    # ------------------------------------------------------------ statements
    def write(self) -> dict:
        src = self.source
        self.doc_id = self.opt.document or "draft"
        doc_id, publisher, date = self.document()
        self.doc_id = doc_id
        doc = self.world.get(doc_id)
        title = (doc.text("title", self.lang) if doc else None) or self.records["sources"][0]["title"][self.lang]
        incident = self.opt.incident
        if incident is None:
            incident = self.new_id(f"{doc_id}/incident")
            record = {"id": incident, "type": "Incident", "name": {self.lang: title}, "source": [doc_id]}
            if date:
                record["startDate"] = date
            self.records["incidents"].append(_pending(record, {"confidence": 0.3, "notes": [
                "no --incident given: a new incident named after the document; give its date and name, or "
                "re-run extract with --incident ID"]}))
        statement_ids: list[str | None] = []
        claim_ids: list[str | None] = []
        for n, proposal in enumerate(self.x.proposals, start=1):
            speaker = publisher if proposal.speaker.how == "outlet voice" else self.agent_for(proposal.speaker)
            if speaker is None:
                statement_ids.append(None)
                claim_ids.append(None)
                continue
            reported = [doc_id]
            for via in proposal.via:
                outlet = self.agent_for(via)
                if outlet and outlet != publisher:
                    reported.append(self.chain_doc(outlet, title, date, via))
            st_incident = proposal.incident or incident
            claim_id = f"{doc_id}/c{n:02d}"
            statement_id = f"{doc_id}/s{n:02d}"
            self.taken.update((claim_id, statement_id))
            quote = src.text[proposal.start:proposal.end]
            self.records["claims"].append(_pending(
                {"id": claim_id, "incident": st_incident, "text": {self.lang: quote}},
                {**self.span(proposal.start, proposal.end), "confidence": round(proposal.confidence * 0.8, 2),
                 "notes": ["the claim is the statement's words: rephrase it as a proposition, or point the "
                           "statement at an existing claim and drop this one"]}))
            record: dict[str, Any] = {
                "id": statement_id, "speaker": speaker, "reportedIn": reported[0] if len(reported) == 1 else reported,
                "quote": {self.lang: quote}, "stance": proposal.stance, "claim": claim_id, "incident": st_incident,
            }
            if date:
                record = {**{k: record[k] for k in ("id", "speaker", "reportedIn")}, "date": date,
                          **{k: record[k] for k in ("quote", "stance", "claim", "incident")}}
            if proposal.figures:
                record["quantity"] = [_quantity(f) for f in proposal.figures]
            self.records["statements"].append(_pending(record, self.meta(proposal, date)))
            statement_ids.append(statement_id)
            claim_ids.append(claim_id)
        contradictions = []
        for contrast in self.x.contrasts:
            a, b = claim_ids[contrast.a], claim_ids[contrast.b]
            if a is None or b is None:
                continue
            claim = next(r for r in self.records["claims"] if r["id"] == b)
            claim["contradicts"] = a
            why = f"the text sets the accounts against each other (\u201c{src.text[contrast.start:contrast.end]}\u201d)"
            claim["proposal"].setdefault("contradicts", []).append(
                {"claim": a, "why": why, "span": [contrast.start, contrast.end], "confidence": contrast.confidence})
            contradictions.append({"statements": [statement_ids[contrast.a], statement_ids[contrast.b]],
                                   "claims": [a, b], "why": why, "span": [contrast.start, contrast.end],
                                   "confidence": contrast.confidence})
        head: dict[str, Any] = {
            "case": f"draft-{slug(doc_id)}",
            "title": f"Draft statements extracted from {Path(src.path).name}",
            "description": "Proposals for review: accept, edit or drop each with `incidentkg review`; the build "
                           "refuses records still marked review: pending.",
            "extraction": {
                "file": src.path, "sha256": hashlib.sha256(src.text.encode("utf-8")).hexdigest(),
                "format": "html" if src.html else "text", "language": self.lang, "extractor": self.extractor,
                "spans": "character offsets (Python string indexes) into the file's text" if not src.html
                         else "character offsets into `text` below, the HTML's main text",
                "skipped": [{"span": [s, e], "why": why} for s, e, why in src.skipped],
                "contradictions": contradictions,
            },
        }
        if src.html:
            head["extraction"]["text"] = src.text
        return {**head, **{name: items for name, items in self.records.items() if items}}

    def meta(self, proposal: Proposal, date) -> dict:
        speaker = proposal.speaker
        out: dict[str, Any] = {**self.span(proposal.start, proposal.end), "confidence": proposal.confidence,
                               "direct": proposal.direct}
        if speaker.how == "outlet voice":
            out["speaker"] = {"how": "outlet voice"}
        else:
            out["speaker"] = {**self.span(speaker.start, speaker.end), "how": speaker.how,
                              "score": round(speaker.score, 2)}
        if proposal.cue:
            out["cue"] = self.span(*proposal.cue)
        if proposal.via:
            out["via"] = [{**self.span(v.start, v.end), "outlet": self.agent_for(v)} for v in proposal.via]
        if proposal.figures:
            out["figures"] = [{**self.span(f.start, f.end), "confidence": f.confidence,
                               **({"note": f.note} if f.note else {})} for f in proposal.figures]
        out["sentence"] = list(proposal.sentence)
        notes = list(proposal.notes)
        if not date:
            notes.append("no date: set date (the document's publication date)")
        if notes:
            out["notes"] = notes
        return out


def _quantity(figure: Figure) -> dict:
    out: dict[str, Any] = {"category": figure.category}
    if figure.party is not None and figure.party.agent:
        out["party"] = figure.party.agent
    if figure.low is not None:
        out["low"] = figure.low
    out["value"] = figure.value
    return out


def _pending(record: dict, meta: dict) -> dict:
    return {**record, "review": "pending", "proposal": meta}


def to_draft(extraction: Extraction, world: World, options: Options, extractor: str) -> dict:
    return _Writer(extraction, world, options, extractor).write()


class _Dumper(yaml.SafeDumper):
    """Plain YAML a person edits: no anchors, spans and short id lists on one line."""

    def ignore_aliases(self, data) -> bool:
        return True


def _list(dumper: yaml.SafeDumper, data: list):
    flow = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data) and len(data) <= 4
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _list)


def dump(draft: dict) -> str:
    return yaml.dump(draft, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def write(draft: dict, out: Path | None) -> str:
    text = dump(draft)
    if out is not None:
        with atomic_output(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    return text


__all__ = ["Options", "check_options", "dump", "slug", "to_draft", "write"]
