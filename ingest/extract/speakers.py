"""Who is named in a text: known agents found by their names, aliases and abbreviations (accent- and
case-insensitive, the words allowed to be split by punctuation, as in "Jalisco Cartel – New Generation"),
unknown names matched by rapidfuzz against every known form, and generic speakers ("witnesses", "los
familiares", "authorities") matched to the collective speakers already known, else proposed as new agents."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ...core.text import fold
from .lexicon import LEXICONS, Lexicon
from .model import Speaker
from .world import World

OUTLET_CLASSES = ("NewsOutlet",)
SECURITY_CLASSES = ("ArmedForce",)
ARMED_CLASSES = ("CriminalGroup",)
# the words in a security force's name that a generic noun refers to
GROUP_WORDS = {"police": ("police", "policia"), "army": ("army", "ejercito", "defensa", "defence", "defense"),
               "navy": ("navy", "marina", "naval")}


def fold_chars(text: str) -> str:
    """`fold` character by character, so the result has the same length and offsets as `text`."""
    out = []
    for char in text:
        bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
        out.append(bare if len(bare) == 1 else (char.lower() if len(char.lower()) == 1 else char))
    return "".join(out)


def _pattern(form: str) -> str:
    words = re.findall(r"\w+", form)
    return r"(?<!\w)" + r"\W{1,3}".join(re.escape(w) for w in words) + r"(?!\w)"


@dataclass
class Mention:
    agent: str
    start: int
    end: int
    weak: bool = False


class AgentIndex:
    """The known agents' names as one regular expression over folded text."""

    def __init__(self, world: World) -> None:
        self.world = world
        forms: dict[str, set[str]] = {}
        weak: dict[str, set[str]] = {}
        abbreviations: dict[str, set[str]] = {}
        stop = set().union(*(_stop_words(lang) for lang in LEXICONS))
        for agent in world.of("Agent"):
            for key in ("name", "alias"):
                for value in agent.fields.get(key, []):
                    if len(fold(value)) >= 3:
                        forms.setdefault(fold(value), set()).add(agent.id)
            for value in agent.fields.get("abbreviation", []):
                abbreviations.setdefault(value, set()).add(agent.id)
            if agent.cls == "Person":
                for name in agent.fields.get("name", []) + agent.fields.get("alias", []):
                    tokens = name.split()
                    for i in range(1, len(tokens)):
                        for form in (tokens[i], f"{tokens[0]} {tokens[i]}"):
                            if len(tokens[i]) >= 4 and fold(tokens[i]) not in stop:
                                weak.setdefault(fold(form), set()).add(agent.id)
        for form in list(weak):
            if form in forms or len(weak[form]) > 1:
                del weak[form]  # a full name wins; an ambiguous surname names no one
        self.forms, self.weak, self.abbreviations = forms, weak, abbreviations
        self.all_forms = {**{f: a for f, a in weak.items()}, **forms}
        ordered = sorted(self.all_forms, key=len, reverse=True)
        self._regex = re.compile("|".join(f"(?P<f{i}>{_pattern(f)})" for i, f in enumerate(ordered))) if ordered else None
        self._ordered = ordered
        abbr = sorted(abbreviations, key=len, reverse=True)
        self._abbr = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in abbr) + r")(?!\w)") if abbr else None
        self._choices = ordered  # for fuzzy matching

    def mentions(self, text: str, folded: str | None = None) -> list[Mention]:
        folded = folded if folded is not None else fold_chars(text)
        found: list[Mention] = []
        if self._regex is not None:
            for match in self._regex.finditer(folded):
                form = self._ordered[int(match.lastgroup[1:])]
                for agent in sorted(self.all_forms[form]):
                    found.append(Mention(agent, match.start(), match.end(), form in self.weak))
        if self._abbr is not None:
            for match in self._abbr.finditer(text):
                if not any(m.start <= match.start() < m.end for m in found):
                    for agent in sorted(self.abbreviations[match.group(1)]):
                        found.append(Mention(agent, match.start(), match.end()))
        return sorted(found, key=lambda m: (m.start, -m.end))

    def fuzzy(self, phrase: str, cutoff: float = 88) -> tuple[str, float] | None:
        """The known agent whose name or alias is closest to `phrase`, if close enough."""
        if not self._choices or len(fold(phrase)) < 4:
            return None
        words = fold(phrase).split()
        while words and words[0] in ("the", "el", "la", "los", "las"):
            words = words[1:]
        best = process.extractOne(" ".join(words), self._choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        content = [w for w in re.findall(r"\w+", " ".join(words)) if len(w) > 2]
        if best is None and len(content) >= 3:  # "the state prosecutor's office" in a longer official name
            best = process.extractOne(" ".join(words), self._choices, scorer=fuzz.token_set_ratio, score_cutoff=95)
            best = (best[0], best[1] * 0.9, best[2]) if best else None
        if best is None:
            return None
        agents = self.all_forms[best[0]]
        return (sorted(agents)[0], best[1] / 100) if len(agents) == 1 else None


def _stop_words(lang: str) -> set[str]:
    import importlib

    return {fold(w) for w in importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS}


class SpeakerResolver:
    """Turns the words before or after a verb of saying into a speaker."""

    def __init__(self, index: AgentIndex, lexicon: Lexicon, text: str, mentions: list[Mention],
                 context_words: set[str]) -> None:
        self.index, self.lex, self.text = index, lexicon, text
        self.world = index.world
        self.mentions = mentions
        self.context = context_words  # folded words of the incident's names and places
        counts = Counter(m.agent for m in mentions)
        self.counts = counts

    def in_span(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def most_mentioned(self, classes: tuple[str, ...], words: tuple[str, ...] = ()) -> str | None:
        ranked = [a for a, _ in self.counts.most_common()
                  if any(self.world.is_a(a, c) for c in classes)
                  and (not words or any(w in fold(n) for n in self.world.get(a).fields.get("name", []) for w in words))]
        return ranked[0] if ranked else None

    def resolve(self, start: int, end: int, last: Speaker | None, outlet: bool = False) -> Speaker | None:
        phrase = self.text[start:end]
        words = fold(phrase).split()
        if not words:
            return None
        found = self.in_span(start, end)
        if found:
            people = [m for m in found if self.world.is_a(m.agent, "Person")]
            pick = people[-1] if people and not outlet else found[0]
            if outlet:
                outlets = [m for m in found if any(self.world.is_a(m.agent, c) for c in OUTLET_CLASSES)]
                pick = outlets[0] if outlets else pick
            return Speaker(start, end, agent=pick.agent, how="alias", score=0.8 if pick.weak else 1.0)
        role = len(words) == 2 and words[0] in ("the", "el", "la") and words[1] in self.lex.roles
        if (len(words) == 1 and words[0] in self.lex.pronouns) or role:
            # the last person quoted, else the last person named before these words
            if last is not None and (last.agent is None or self.world.is_a(last.agent, "Person") or not role):
                return Speaker(start, end, agent=last.agent, group=last.group, cls=last.cls, how="coreference",
                               score=0.6)
            people = [m for m in self.mentions if m.end <= start and self.world.is_a(m.agent, "Person")]
            if people:
                return Speaker(start, end, agent=people[-1].agent, how="coreference", score=0.55)
            if not role:
                return None
        if outlet and set(words) <= self.lex.press | {"the", "los", "las", "la", "el", "a", "los"}:
            return None
        group = self._group(words)
        if group is not None:
            return self._group_speaker(group, start, end)
        near = self.index.fuzzy(phrase)
        if near is not None:
            return Speaker(start, end, agent=near[0], how="fuzzy", score=near[1])
        if phrase[:1].isupper() or any(w[:1].isupper() for w in phrase.split()[1:]):
            proper = [w for w in phrase.split() if w[:1].isupper()]
            cls = "NewsOutlet" if outlet else ("Person" if 2 <= len(proper) <= 4 and len(proper) == len(phrase.split())
                                               else "Organization")
            return Speaker(start, end, cls=cls, how="new", score=0.6)
        return Speaker(start, end, group="unnamed", cls="CollectiveSpeaker", how="new", score=0.4)

    def _group(self, words: list[str]) -> str | None:
        joined = " " + " ".join(words) + " "
        best = None
        for key, phrases in self.lex.groups.items():
            for phrase in phrases:
                if f" {' '.join(phrase)} " in joined and (best is None or len(phrase) > best[1]):
                    best = (key, len(phrase))
        return best[0] if best else None

    def _group_speaker(self, group: str, start: int, end: int) -> Speaker:
        if group in GROUP_WORDS:
            # only a force the text itself names: "police" alone could be any police
            agent = self.most_mentioned(SECURITY_CLASSES, GROUP_WORDS[group])
            if agent is not None:
                return Speaker(start, end, agent=agent, how="group", score=0.8)
        nouns = {" ".join(p) for lex in LEXICONS.values() for p in lex.groups.get(group, ())}
        candidates = []
        for agent in self.world.of("CollectiveSpeaker"):
            names = [fold(n) for n in agent.fields.get("name", [])]
            if any(f" {noun} " in f" {n} " for n in names for noun in nouns):
                shared = any(w in self.context for n in names for w in n.split())
                candidates.append((shared, agent.id))
        preferred = [a for shared, a in candidates if shared]
        if len(preferred) == 1:  # a known collective speaker of this incident
            return Speaker(start, end, agent=preferred[0], how="group", score=0.75)
        return Speaker(start, end, group=group, cls="CollectiveSpeaker", how="new", score=0.6)


__all__ = ["AgentIndex", "Mention", "SpeakerResolver", "fold_chars"]
