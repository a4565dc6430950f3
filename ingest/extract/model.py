"""What an extractor hands to the draft writer: attributed statements with their spans, speakers, reporting
chain and figures. Spans are (start, end) offsets into `Source.text`, end exclusive, so text[start:end] is the
words meant. An extractor of another kind (statistical, an LLM) returns the same objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .intake import Source


@dataclass
class Party:
    """Who a figure is about: a known agent, or a kind ("security", "armed") left for the draft to resolve."""

    agent: str | None
    kind: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Figure:
    category: str  # an ontology Quantity category
    value: int
    start: int  # the span from the number to the word that says what it counts
    end: int
    low: int | None = None
    high: int | None = None
    party: Party | None = None
    confidence: float = 0.7
    note: str | None = None


@dataclass
class Speaker:
    """Who said it (or, as `via`, the outlet it came through): a known agent id, or a proposed new agent."""

    start: int
    end: int
    agent: str | None = None  # a known agent id
    group: str | None = None  # a generic speaker ("witnesses", "authorities") when no agent is known
    cls: str | None = None  # for a new agent: the ontology class proposed
    how: str = "alias"  # alias | fuzzy | group | coreference | new | outlet voice
    score: float = 1.0


@dataclass
class Proposal:
    """One attributed assertion."""

    speaker: Speaker
    start: int  # the quote: direct speech, or the reported clause
    end: int
    sentence: tuple[int, int]
    stance: str = "asserts"
    direct: bool = False
    cue: tuple[int, int] | None = None
    via: list[Speaker] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    confidence: float = 0.7
    incident: str | None = None  # a known incident other than the document's, when the sentence names one
    notes: list[str] = field(default_factory=list)


@dataclass
class Contrast:
    """Two proposals the text sets against each other ("Police say ... However, witnesses ...")."""

    a: int  # indexes into Extraction.proposals
    b: int
    start: int  # the contrast cue
    end: int
    confidence: float = 0.6


@dataclass
class Extraction:
    source: Source
    proposals: list[Proposal] = field(default_factory=list)
    contrasts: list[Contrast] = field(default_factory=list)


class Extractor(Protocol):
    """Reads a source against what is already known and proposes statements. `world` gives the known agents
    (for speakers, outlets and parties) and incidents; see world.World."""

    name: str

    def extract(self, source: Source, world, incident: str | None) -> Extraction: ...


__all__ = ["Contrast", "Extraction", "Extractor", "Figure", "Party", "Proposal", "Speaker"]
