"""The default extractor: rules over spaCy's blank Spanish or English tokenizer and sentencizer (no model).

Per sentence (sentences joined when a quotation runs across them) it looks, outside quotation marks, for an
attribution: a verb of saying ("said", "told", "denied", "afirmó", "negó") with its subject before it or, after
a comma, its subject after it ("..., reported Proceso"); an addressee ("told La Jornada", "dijo a Milenio") or
an "according to X" / "según X" naming an outlet is the reporting chain. What was said is the quotation in the
sentence when there is one of four words or more, else the reported clause. A sentence with figures and no
attribution is the writer's own statement. A sentence opening with "However" / "Sin embargo" whose speaker
differs from the previous sentence's sets the two against each other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...core.text import fold
from .intake import Source
from .lexicon import LEXICONS, Lexicon
from .model import Contrast, Extraction, Figure, Proposal, Speaker
from .numbers import Tok, figures, tokens
from .speakers import AgentIndex, SpeakerResolver, fold_chars
from .world import World

QUOTES = re.compile(r"\u201c([^\u201d]{1,2000})\u201d|\u00ab([^\u00bb]{1,2000})\u00bb|\"([^\"\n]{1,2000})\"")
MIN_QUOTE_WORDS = 4
PUNCT = re.compile(r"^\W+$")
FALSE_THAT = {"en": (("it", "was", "false", "that"), ("it", "is", "false", "that"), ("it", "was", "not", "true", "that")),
              "es": (("es", "falso", "que"), ("era", "falso", "que"), ("no", "es", "cierto", "que"))}


@lru_cache(maxsize=4)
def _nlp(lang: str):
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


class RuleExtractor:
    name = "rules"

    def extract(self, source: Source, world: World, incident: str | None) -> Extraction:
        lex = LEXICONS[source.lang]
        index = AgentIndex(world)
        text = source.text
        mentions = [m for m in index.mentions(text, fold_chars(text))
                    if not any(s <= m.start < e for s, e, _ in source.skipped)]
        resolver = SpeakerResolver(index, lex, text, mentions, _context(world, incident))
        others = _incident_forms(world, incident)
        out = Extraction(source)
        last: Speaker | None = None
        previous: tuple[int, Speaker] | None = None  # the last proposal and its speaker, for contrasts
        nlp = _nlp(source.lang)
        for p_start, p_end in source.paragraphs():
            doc = nlp(text[p_start:p_end])
            toks = tokens(doc, p_start)
            quotes = [(m.start(g), m.end(g)) for m in QUOTES.finditer(text, p_start, p_end)
                      for g in (1, 2, 3) if m.group(g)]
            for u_start, u_end, lo, hi in _units(doc, toks, quotes, p_start):
                proposal = self._unit(text, toks, lo, hi, u_start, u_end, quotes, lex, resolver, last)
                if proposal is None:
                    continue
                named = {i for form, ids in others.items() for i in ids
                         if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", fold(text[u_start:u_end]))}
                if len(named) == 1:
                    proposal.incident = named.pop()
                    proposal.notes.append(f"the sentence names another incident: {proposal.incident}")
                    participants = world.get(proposal.incident).fields.get("participant", [])
                    for figure in proposal.figures:
                        if figure.party is not None and figure.party.kind:  # a guess from this text's actors
                            classes = ("ArmedForce",) if figure.party.kind == "security" else ("CriminalGroup",)
                            fits = [a for a in participants if any(world.is_a(a, c) for c in classes)]
                            figure.party.agent = fits[0] if fits else None
                            if figure.party.agent is None:
                                figure.party = None
                out.proposals.append(proposal)
                current = len(out.proposals) - 1
                if proposal.speaker.how not in ("outlet voice", "coreference"):
                    last = proposal.speaker  # whom "he" or "the official" refers to next
                cue = _leading(toks, lo, hi, lex.contrast) or _inner_contrast(toks, lo, hi, lex, quotes)
                if cue and previous is not None and _who(previous[1]) != _who(proposal.speaker):
                    out.contrasts.append(Contrast(previous[0], current, cue[0], cue[1]))
                previous = (current, proposal.speaker)
        return out

    def _unit(self, text, toks, lo, hi, u_start, u_end, quotes, lex: Lexicon, resolver: SpeakerResolver,
              last: Speaker | None) -> Proposal | None:
        inside = {k for k in range(lo, hi) if any(qs - 1 <= toks[k].start < qe + 1 for qs, qe in quotes)}
        unit_quotes = [(qs, qe) for qs, qe in quotes if u_start <= qs < u_end
                       and len(text[qs:qe].split()) >= MIN_QUOTE_WORDS]

        def mention_at(start, end):
            return [(m.agent, resolver.world.get(m.agent).cls) for m in resolver.in_span(start, end)]

        verb = next((k for k in range(lo, hi) if k not in inside and toks[k].text in lex.say | lex.deny
                     and _speech(toks, k, lo, hi, lex, inside)), None)
        according = None
        for k in range(lo, hi):
            if k in inside:
                continue
            for phrase in lex.according:
                if all(k + n < hi and toks[k + n].text == w for n, w in enumerate(phrase)):
                    according = (k, k + len(phrase))
                    break
            if according:
                break
        if verb is None and according is None:
            found = figures(toks, lo, hi, lex, mention_at)
            if not found:
                return None
            speaker = Speaker(u_start, u_start, how="outlet voice", score=1.0)
            proposal = Proposal(speaker, *_trim(text, u_start, u_end), (u_start, u_end), confidence=0.5,
                                notes=["no attribution: the writer's own statement"])
            proposal.figures = self._parties(found, resolver)
            return proposal

        speaker = via_speaker = None
        c_start = c_end = None
        cue_span = None
        stance = "asserts"
        notes: list[str] = []
        via: list[Speaker] = []
        if verb is not None:
            cue_span = (toks[verb].start, toks[verb].end)
            if toks[verb].text in lex.deny:
                stance = "denies"
            back, back_end = _subject(toks, lo, verb, lex, inside, resolver)
            if back is not None and _inverted(toks, lo, verb, hi, lex, inside):
                back = None  # "..., reported Proceso", "«...», dijo a Milenio la vocera X"
            after = verb + 1
            addressee = None
            if toks[verb].text in ("told", "tell", "tells", "telling") or (
                    after < hi and toks[after].text in lex.to and lex.lang == "es"):
                a_from = after + (1 if lex.lang == "es" else 0)
                a_to = _phrase_forward(toks, a_from, hi, lex, inside, addressee=True)
                if a_to > a_from:
                    addressee = (a_from, a_to)
                    after = a_to
            if back is not None:
                speaker = resolver.resolve(toks[back].start, toks[back_end].end, last)
                if after < hi and toks[after].text in lex.that:
                    after += 1
                c_start, c_end = toks[after].start if after < hi else u_end, u_end
                if according and according[0] >= after:
                    c_end = toks[according[0]].start
                if _words(text, c_start, c_end) < 3:  # '"...," Galindo told media': what was said came first
                    c_start, c_end = u_start, toks[back].start
            else:
                f_from = verb + 1
                if lex.lang == "es" and f_from < hi and toks[f_from].text in lex.to:
                    f_to = _phrase_forward(toks, f_from + 1, hi, lex, inside, addressee=True)  # "dijo a Milenio la vocera X"
                    if f_to > f_from + 1:
                        outlet = resolver.resolve(toks[f_from + 1].start, toks[f_to - 1].end, None, outlet=True)
                        if outlet is not None and _is_outlet(outlet, resolver):
                            via.append(outlet)
                        f_from = f_to
                f_to = _phrase_forward(toks, f_from, hi, lex, inside)
                if f_to > f_from and toks[f_from].text not in lex.not_speaker:
                    speaker = resolver.resolve(toks[f_from].start, toks[f_to - 1].end, last)
                c_start, c_end = u_start, toks[verb].start
                if according and according[0] < verb:
                    np_end = _phrase_forward(toks, according[1], hi, lex, inside)
                    c_start = toks[np_end - 1].end if np_end > according[1] else toks[according[1] - 1].end
            if addressee is not None:
                outlet = resolver.resolve(toks[addressee[0]].start, toks[addressee[1] - 1].end, None, outlet=True)
                if outlet is not None and _is_outlet(outlet, resolver):
                    via.append(outlet)
            if speaker is not None and _is_outlet(speaker, resolver) and not via:
                via.append(speaker)
        if according is not None:
            a_to = _phrase_forward(toks, according[1], hi, lex, inside)
            if a_to > according[1]:
                named = resolver.resolve(toks[according[1]].start, toks[a_to - 1].end, last, outlet=speaker is not None)
                if named is not None:
                    if speaker is None:
                        speaker = named
                        if according[0] == lo or (according[0] == lo + 1 and PUNCT.match(toks[lo].text)):
                            c_start, c_end = toks[a_to].end if a_to < hi else u_end, u_end
                        else:
                            c_start, c_end = u_start, toks[according[0]].start
                        cue_span = (toks[according[0]].start, toks[according[1] - 1].end)
                    if _is_outlet(named, resolver) and not any(v.agent == named.agent and v.cls == named.cls
                                                               and v.start == named.start for v in via):
                        if not (via and via[0] is speaker):
                            via.append(named)
                        elif named is not speaker:
                            via[0] = named
        if speaker is None:
            return None
        unique = []
        for v in via:  # one outlet once, however many phrases name it
            if not any((v.agent, v.cls, v.agent or v.start) == (u.agent, u.cls, u.agent or u.start) for u in unique):
                unique.append(v)
        via = unique
        c_start, c_end = _trim(text, c_start, c_end)
        if c_end - c_start < 3:
            return None
        for phrases in FALSE_THAT.get(lex.lang, ()):
            k = _token_at(toks, lo, hi, c_start)
            if k is not None and all(k + n < hi and toks[k + n].text == w for n, w in enumerate(phrases)):
                stance = "denies"
        q_start, q_end, direct = c_start, c_end, False
        best = max(unit_quotes, key=lambda q: q[1] - q[0], default=None)
        if best is not None:
            q_start, q_end = _trim(text, *best)
            direct = True
            if not (c_start <= best[0] and best[1] <= c_end):
                c_start, c_end = min(c_start, best[0]), max(c_end, best[1])
        f_lo = _token_at(toks, lo, hi, c_start) or lo
        f_hi = next((k for k in range(f_lo, hi) if toks[k].start >= c_end), hi)
        found = figures(toks, f_lo, f_hi, lex, mention_at)
        if any(toks[k].text in lex.say for k in range(f_lo, f_hi) if k != verb and k not in inside):
            notes.append("reported speech inside: the words may be a third party's, passed on by this speaker")
        base = 0.95 if direct else (0.85 if verb is not None else 0.8)
        proposal = Proposal(speaker, q_start, q_end, (u_start, u_end), stance=stance, direct=direct, cue=cue_span,
                            via=via, confidence=round(base * speaker.score, 2), notes=notes)
        proposal.figures = self._parties(found, resolver)
        return proposal

    @staticmethod
    def _parties(found: list[Figure], resolver: SpeakerResolver) -> list[Figure]:
        for figure in found:
            party = figure.party
            if party is not None and party.agent is None and party.kind:
                classes = ("ArmedForce",) if party.kind == "security" else ("CriminalGroup",)
                party.agent = resolver.most_mentioned(classes)
                if party.agent is None:
                    figure.party = None
        return found


def _who(speaker: Speaker) -> tuple:
    return (speaker.agent, speaker.group, speaker.how == "outlet voice")


def _is_outlet(speaker: Speaker, resolver: SpeakerResolver) -> bool:
    if speaker.agent:
        return resolver.world.is_a(speaker.agent, "NewsOutlet")
    return speaker.cls == "NewsOutlet"


def _context(world: World, incident: str | None) -> set[str]:
    words: set[str] = set()
    entry = world.get(incident) if incident else None
    while entry is not None:
        for key in ("name", "alias"):
            for value in entry.fields.get(key, []):
                words.update(w for w in fold(value).split() if len(w) > 3)
        parent = entry.first("place") or (entry.first("partOf") if entry.cls in ("Site", "Municipality") else None)
        entry = world.get(parent) if parent else None
    words.update(w for w in (incident or "").split("-") if len(w) > 3 and not w.isdigit())
    return words


def _incident_forms(world: World, incident: str | None) -> dict[str, set[str]]:
    """Folded names of the known incidents other than `incident`, and of the sites and municipalities they
    happened in: a sentence naming one is about that incident."""
    forms: dict[str, set[str]] = {}
    own: set[str] = set()
    for entry in world.of("Incident"):
        names = list(entry.fields.get("name", [])) + list(entry.fields.get("alias", []))
        # the sites and municipalities it happened in (a build also lists every enclosing place in partOf)
        todo, seen = list(entry.fields.get("place", [])), set()
        while todo:
            place = world.get(todo.pop())
            if place is None or place.id in seen or place.cls not in ("Site", "Municipality", "Place"):
                continue
            seen.add(place.id)
            names += place.fields.get("name", []) + place.fields.get("alias", [])
            todo.extend(place.fields.get("partOf", []))
        for name in names:
            form = fold(name)
            if len(form) >= 4:
                (own if entry.id == incident else forms.setdefault(form, set())).add(form if entry.id == incident else entry.id)
    return {form: ids for form, ids in forms.items() if form not in own}


def _units(doc, toks: list[Tok], quotes, offset: int):
    """(start, end, first token, end token) of each sentence, joining sentences a quotation runs across."""
    spans = [(s.start, s.end) for s in doc.sents]
    merged: list[list[int]] = []
    for s, e in spans:
        start = toks[s].start
        if merged and any(qs < start < qe for qs, qe in quotes):
            merged[-1][1] = e
        else:
            merged.append([s, e])
    for s, e in merged:
        yield toks[s].start, toks[e - 1].end, s, e


def _leading(toks, lo, hi, phrases):
    for phrase in phrases:
        if all(lo + n < hi and toks[lo + n].text == w for n, w in enumerate(phrase)):
            return toks[lo].start, toks[lo + len(phrase) - 1].end
    return None


def _subject(toks, lo, verb, lex: Lexicon, inside, resolver: SpeakerResolver) -> tuple[int | None, int]:
    """(first, last) token of the subject of a verb of saying. Walks back over comma-separated pieces: an
    appositive ("X, an army spokesman, said"), a relative clause ("X, who lost her brother, told"), an aside
    ("Los vecinos, en cambio, aseguraron"); the first piece that names a known agent wins, else the nearest
    piece that is neither an aside nor a relative clause."""
    end = verb - 1
    while end >= lo and toks[end].text in lex.aux and end not in inside:
        end -= 1
    pieces = []
    k = end
    for _ in range(4):
        first = _phrase_back(toks, lo, k + 1, lex, inside, skip_aux=False)
        if first is not None:
            pieces.append((first, k))
            k = first - 1
        if k < lo or k in inside or toks[k].text != ",":
            if first is None and k >= lo and toks[k].text in lex.clause:
                # a relative clause right before the verb: the subject is before its comma
                j = k - 1
                if j >= lo and toks[j].text == ",":
                    k = j
                    pieces.append(None)
                    k -= 1
                    continue
            if first is not None and toks[first - 1].text in lex.clause and first - 2 >= lo and toks[first - 2].text == ",":
                pieces[-1] = None  # "..., who lost her brother in the raid, told"
                k = first - 3
                continue
            break
        k -= 1
    pieces = [p for p in pieces if p is not None]
    if not pieces:
        return None, end
    for first, last in pieces:
        if resolver.in_span(toks[first].start, toks[last].end):
            return first, last
    for first, last in pieces:
        words = tuple(toks[n].text for n in range(first, last + 1))
        if words not in lex.contrast:
            return first, last
    return None, end


def _speech(toks, k, lo, hi, lex: Lexicon, inside) -> bool:
    """Whether a verb of saying is used as one: always, unless it also has another sense (see
    Lexicon.ambiguous) and is neither followed by what introduces speech nor preceded by a comma or quote."""
    if toks[k].text not in lex.ambiguous:
        return True
    before = toks[k - 1].text if k > lo else ""
    if before == "se":
        return False  # "se aseguraron": the passive, not speech
    after = toks[k + 1].text if k + 1 < hi else ""
    return (after in lex.that or after in lex.to or after in (":", ",") or (k + 1) in inside
            or before == "," or (k - 1) in inside)


def _inverted(toks, lo, verb, hi, lex: Lexicon, inside) -> bool:
    """A verb of saying right after a comma or a closing quotation mark with a name after it: the speaker
    follows the verb."""
    k = verb - 1
    while k >= lo and toks[k].text in lex.aux and k not in inside:
        k -= 1
    if k < lo or (toks[k].text != "," and k not in inside) or toks[verb].text in ("told", "tell", "tells"):
        return False  # "X, who ..., told Y": after "told" comes the addressee
    nxt = verb + 1
    if lex.lang == "es" and nxt < hi and toks[nxt].text in lex.to:
        nxt = _phrase_forward(toks, nxt + 1, hi, lex, inside, addressee=True)
    return nxt < hi and _phrase_forward(toks, nxt, hi, lex, inside) > nxt and toks[nxt].text not in lex.not_speaker


def _inner_contrast(toks, lo, hi, lex: Lexicon, quotes):
    """A contrast set off by commas early in the sentence ("Los vecinos, en cambio, aseguraron")."""
    for k in range(lo, min(hi, lo + 8)):
        if toks[k].text == ",":
            found = _leading(toks, k + 1, hi, lex.contrast)
            if found:
                return found
    return None


def _phrase_back(toks, lo, verb, lex: Lexicon, inside, skip_aux: bool = True) -> int | None:
    """The first token of the subject phrase before a verb of saying, or None when there is none."""
    k = verb - 1
    while skip_aux and k >= lo and toks[k].text in lex.aux and k not in inside:
        k -= 1
    first = None
    while k >= lo and verb - k <= 12:
        t = toks[k]
        if k in inside or PUNCT.match(t.text) and t.text not in ("-", "'", "\u2019", "."):
            break
        if t.text in lex.clause or t.text in lex.say or t.text in lex.deny:
            break
        if any(t.text == phrase[-1] and len(phrase) == 1 for phrase in lex.contrast):
            break
        first = k
        k -= 1
    return first


def _phrase_forward(toks, start, hi, lex: Lexicon, inside, addressee: bool = False) -> int:
    """The end token of a name phrase starting at `start` (an addressee, a source, an inverted subject). An
    addressee ends before an article: in "dijo a Milenio la vocera X" the speaker follows it."""
    k = start
    while k < hi and k - start < 10:
        t = toks[k]
        if addressee and k > start and t.text in ("la", "el", "los", "las", "the"):
            break
        if k in inside or (PUNCT.match(t.text) and t.text not in ("-", "'", "\u2019")) or t.text in lex.that:
            break
        if t.text in lex.say or t.text in lex.deny or (k > start and t.text in lex.clause):
            break
        if k > start and t.text in lex.not_speaker:  # "said on Friday", "sostuvo ... ante la prensa"
            break
        k += 1
    return k


def _token_at(toks, lo, hi, char: int) -> int | None:
    return next((k for k in range(lo, hi) if toks[k].end > char), None)


def _words(text, start, end) -> int:
    return len(re.findall(r"\w+", text[start:end]))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces, punctuation and quotation marks (a span keeps an inner quote's closing mark
    only when the quotation is inside it)."""
    strip = " \t\r\n,;:.\u2014\u2013-\"\u201c\u201d\u00ab\u00bb"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    # keep a closing quotation mark whose opening one is inside the span
    closing = text[end] if end < len(text) else ""
    opening = {"\u201d": "\u201c", "\u00bb": "\u00ab", '"': '"'}.get(closing)
    if opening:
        inner = text[start:end]
        if (inner.count('"') % 2 == 1) if closing == '"' else inner.count(opening) > inner.count(closing):
            end += 1
    return start, end


__all__ = ["RuleExtractor"]
