"""Figures: a number (digits such as "2,600" or "4 mil", or words such as "forty-two", "dieciséis", read by
text2num) and the word that says what it counts ("dead", "heridos", "long guns"), looked for right after the
number, then in a verb just before it ("killed 42", "detuvieron a tres"), then further along the clause
("42 alleged members ... and one policeman dead"). Times, durations, ages and dates are not figures. The
party is the known agent named between the number and its word, or the kind of people named there
("policeman", "gunmen"), which the extractor resolves to the force or group the text is about."""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from ...core.text import fold
from .lexicon import Lexicon
from .model import Figure, Party

DIGITS = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")
MULTIPLIERS = {"mil": 1000, "thousand": 1000, "million": 1_000_000, "millon": 1_000_000, "millones": 1_000_000}
ENDS = {".", ";", ":", "?", "!", "\u201c", "\u201d", '"', "\u00ab", "\u00bb"}
TIGHT, BACK, WIDE = 4, 3, 18


@dataclass
class Tok:
    text: str  # folded
    start: int
    end: int
    like_num: bool


def tokens(doc, offset: int) -> list[Tok]:
    return [Tok(fold(t.text), offset + t.idx, offset + t.idx + len(t.text), t.like_num) for t in doc]


def _match(toks: list[Tok], i: int, phrase: tuple[str, ...]) -> bool:
    return i + len(phrase) <= len(toks) and all(toks[i + k].text == w for k, w in enumerate(phrase))


def _cue_at(toks: list[Tok], i: int, cues: dict[tuple[str, ...], str]) -> tuple[str, int] | None:
    """The longest cue phrase starting at token i: (category, tokens it spans)."""
    best = None
    for phrase, category in cues.items():
        if (best is None or len(phrase) > best[1]) and _match(toks, i, phrase):
            best = (category, len(phrase))
    return best


def _ends_before(toks: list[Tok], i: int, phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return i - n >= 0 and all(toks[i - n + k].text == w for k, w in enumerate(phrase))


def number_at(toks: list[Tok], i: int, lex: Lexicon) -> tuple[int, int] | None:
    """(value, tokens used) of a number starting at token i, or None."""
    tok = toks[i]
    if DIGITS.fullmatch(tok.text):
        if re.fullmatch(r"\d{1,3}[.,]\d{1,2}", tok.text):
            return None  # a decimal
        value, used = int(re.sub(r"[.,]", "", tok.text)), 1
        if i + 1 < len(toks) and toks[i + 1].text in MULTIPLIERS:
            value, used = value * MULTIPLIERS[toks[i + 1].text], 2
        return value, used
    if tok.text in lex.weak_one:
        return (1, 1)
    if not tok.like_num or any(c.isdigit() for c in tok.text):
        return None
    words, j, best = [], i, None
    while j < len(toks) and len(words) < 8:
        t = toks[j]
        if t.like_num and not any(c.isdigit() for c in t.text):
            words.append(t.text)
            try:
                best = (text2num(" ".join(words), lex.lang), j - i + 1)
            except ValueError:
                break
        elif t.text in ("y", "and", "-") and words:
            pass
        else:
            break
        j += 1
    return best


def figures(toks: list[Tok], lo: int, hi: int, lex: Lexicon, mention_at) -> list[Figure]:
    """The figures in tokens lo..hi. `mention_at(start, end)` gives the known agents (id, class) named in a
    character span, for the party."""
    found: list[Figure] = []
    used: set[int] = set()
    # zero figures first: "not a single execution", "ni una sola ejecución", "no hubo muertos"
    for i in range(lo, hi):
        if i in used:
            continue
        for phrase in lex.zero:
            if _match(toks, i, phrase):
                k = i + len(phrase)
                for j in range(k, min(k + 3, hi)):
                    cue = _cue_at(toks, j, lex.after)
                    if cue and cue[0] in ("killed", "wounded", "arrested", "executed", "tortured"):
                        found.append(Figure(cue[0], 0, toks[i].start, toks[j + cue[1] - 1].end, confidence=0.6,
                                            note="a zero: \"" + " ".join(phrase) + "\""))
                        used.update(range(i, j + cue[1]))
                        break
                else:
                    continue
                break
    i = lo
    while i < hi:
        if i in used:
            i += 1
            continue
        number = number_at(toks, i, lex)
        if number is None:
            i += 1
            continue
        value, n = number
        end = i + n
        if not _is_count(toks, i, end, hi, lex):
            i = end
            continue
        figure = _categorise(toks, i, end, hi, lo, value, lex, mention_at)
        if figure is not None:
            found.append(figure)
        i = end
    return sorted(found, key=lambda f: f.start)


def _is_count(toks: list[Tok], i: int, end: int, hi: int, lex: Lexicon) -> bool:
    after = toks[end].text if end < len(toks) else ""
    after2 = toks[end + 1].text if end + 1 < len(toks) else ""
    before = toks[i - 1].text if i > 0 else ""
    if toks[i].text in lex.weak_one:  # "un policía", not "un helicóptero"
        return after in lex.party_nouns or after in ("persona", "personas", "civil", "hombre", "mujer", "menor")
    if after in lex.not_counts or (after == "-" and after2 in lex.not_counts):
        return False
    if after in lex.months or before in lex.months or (after == "de" and after2 in lex.months):
        return False
    if re.fullmatch(r"(19|20)\d\d", toks[i].text):
        return False  # a year
    if after in (":", "h", "hrs") or before in ("las", "la", "at"):
        return False  # a time
    if after == "de" and after2 in ("edad",) or after in ("years-old", "year-old"):
        return False
    return True


def _categorise(toks, i, end, hi, lo, value, lex: Lexicon, mention_at) -> Figure | None:
    low = None
    for phrase in lex.more_than:
        if _ends_before(toks, i, phrase):
            low = value = value + 1
    for phrase in lex.at_least:
        if _ends_before(toks, i, phrase):
            low = value
    start = toks[i].start
    # 1. the word right after: "dieciséis muertos", "three hits", "36 armas largas"
    for j in range(end, min(end + TIGHT, hi)):
        if toks[j].text in ENDS or (j > end and number_at(toks, j, lex)):
            break
        cue = _cue_at(toks, j, lex.after)
        if cue:
            return _figure(toks, start, j + cue[1], end, j, cue[0], value, low, 0.85, mention_at, lex)
    # 2. a verb just before: "killed 42", "mataron a 16"
    for j in range(max(lo, i - BACK - 1), i):
        cue = _cue_at(toks, j, lex.before)
        if cue and j + cue[1] <= i and all(toks[k].text not in ENDS for k in range(j, i)):
            stop = end
            while stop < min(hi, end + 8) and toks[stop].text not in ENDS | {","} and not number_at(toks, stop, lex):
                stop += 1
            return _figure(toks, toks[j].start, toks[end - 1].end, end, stop, cue[0], value, low, 0.8, mention_at,
                           lex, span_end=toks[end - 1].end)
    # 3. further along the clause: "42 alleged members ... and one policeman dead"
    next_number = None
    for j in range(end, min(end + WIDE, hi)):
        if toks[j].text in ENDS or toks[j].text in lex.say or toks[j].text in lex.that:
            break
        if next_number is None and j > end and number_at(toks, j, lex) and _is_count(toks, j, j + 1, hi, lex):
            next_number = j
        cue = _cue_at(toks, j, lex.after)
        if cue:
            return _figure(toks, start, j + cue[1], end, next_number or j, cue[0], value, low, 0.65, mention_at, lex)
    return None


def _figure(toks, start, cue_end, party_from, party_to, category, value, low, confidence, mention_at, lex,
            span_end=None) -> Figure:
    end = span_end if span_end is not None else toks[cue_end - 1].end
    party = None
    if party_to > party_from:
        p_start, p_end = toks[party_from].start, toks[party_to - 1].end
        named = [agent for agent, cls in mention_at(p_start, p_end) if cls not in ("NewsOutlet", "Person")]
        if named:
            party = Party(named[0], start=p_start, end=p_end)
        else:
            for k in range(party_from, party_to):
                kind = lex.party_nouns.get(toks[k].text)
                if kind:
                    party = Party(None, kind, toks[k].start, toks[k].end)
                    confidence -= 0.05
                    break
    return Figure(category, value, start, end, low=low, party=party, confidence=round(confidence, 2))


__all__ = ["Tok", "figures", "number_at", "tokens"]
