"""Text intake: a file's bytes to the text the extractor reads, its language and what it says about itself.

Plain text is read as it is, so every span in a draft indexes the file's own characters (Python string
offsets, i.e. code points). HTML is reduced to its main text by trafilatura (offline: it parses the given
markup and fetches nothing), and spans then index that main text, which the draft keeps beside the proposals.
Boilerplate lines ("SEE ALSO: ...", "Lee también", share and copyright lines) and the headline are kept in the
text but marked as skipped, so offsets stay those of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...core.errors import InputError, UsageError
from ...core.text import fold
from .lexicon import LEXICONS

LANGUAGES = tuple(LEXICONS)
# Languages recognised only to say that they are not supported (spaCy ships stop words for each).
OTHER_LANGUAGES = ("fr", "pt", "it", "de", "ca")
URL = re.compile(r"https?://[^\s<>\"'“”«»]+[^\s<>\"'“”«».,;:!?)]")
HTML_HINT = re.compile(r"<(!doctype\s+html|html|head|body|article|p|div)\b", re.IGNORECASE)


@dataclass
class Source:
    """The text to read and what is known about it."""

    path: str
    text: str
    lang: str
    html: bool = False
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None
    site: str | None = None
    skipped: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, why)

    def paragraphs(self):
        """(start, end) of each non-empty line that is not skipped."""
        offset = 0
        for line in self.text.splitlines(keepends=True):
            start, end = offset, offset + len(line.rstrip("\r\n"))
            offset += len(line)
            if self.text[start:end].strip() and not any(s <= start < e for s, e, _ in self.skipped):
                yield start, end


def read(path: Path, language: str = "auto") -> Source:
    """Read `path` as news text: refuse what is not text (binary, empty, not UTF-8), pick its language."""
    name = str(path)
    if language not in ("auto", *LANGUAGES):
        raise UsageError(f"unknown language '{language}' (one of: auto, {', '.join(LANGUAGES)})")
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise InputError(name, None, None, None, "a binary file, not text (it holds NUL bytes)")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(name, line, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not raw.strip():
        raise InputError(name, None, None, None, "empty: no text to extract from")
    source = _from_html(name, raw) if HTML_HINT.search(raw[:4096]) else Source(name, raw, "")
    if not source.text.strip():
        raise InputError(name, None, None, None, "no main text found in the HTML")
    source.lang = language if language != "auto" else detect_language(source.text, name)
    if source.title is None:
        source.title = _headline(source.text)
    _mark_skipped(source)
    if source.url is None:
        found = URL.search(source.text[:2000])
        source.url = found.group(0) if found else None
    if source.date is None:
        source.date = _dateline(source)
    return source


def _from_html(name: str, raw: str) -> Source:
    # trafilatura's justext imports lxml.html.clean, which since lxml 5.2 is this separate package: import it
    # first so that a missing one is named as such rather than as a failure inside trafilatura
    import lxml_html_clean  # noqa: F401
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, favor_recall=True, include_comments=False,
                                      include_tables=False)
    if doc is None:
        raise InputError(name, None, None, None, "no main text found in the HTML")
    doc = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    date = doc.get("date")
    return Source(name, doc.get("text") or "", "", html=True, title=doc.get("title"),
                  date=date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
                  url=doc.get("url"), site=doc.get("sitename"))


def detect_language(text: str, name: str = "text") -> str:
    """The language whose spaCy stop words cover most of the text's words; a supported one or an InputError."""
    import importlib

    words = [fold(w) for w in re.findall(r"[^\W\d_]+", text[:20000])]
    if len(words) < 3:
        raise InputError(name, None, None, None, "too little text to tell its language; pass --language es or en")
    shares = {}
    for lang in (*LANGUAGES, *OTHER_LANGUAGES):
        stop = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
        folded = {fold(w) for w in stop}
        shares[lang] = sum(w in folded for w in words) / len(words)
    best = max(shares, key=shares.get)
    if shares[best] < 0.2:
        raise InputError(name, None, None, None, "cannot tell the language (neither Spanish nor English?); "
                                                 "pass --language es or en")
    if best not in LANGUAGES:
        raise InputError(name, None, None, None, f"the text looks like language '{best}'; extract reads "
                                                 f"{' and '.join(LANGUAGES)} (or force one with --language)")
    return best


def _mark_skipped(source: Source) -> None:
    cues = LEXICONS[source.lang].boilerplate + LEXICONS["en"].boilerplate
    offset = 0
    title = fold(source.title) if source.title else None
    for line in source.text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip("\r\n"))
        offset += len(line)
        folded = fold(source.text[start:end])
        if not folded:
            continue
        if any(folded.startswith(cue) for cue in cues) or any(cue in folded for cue in ("all rights reserved",
                                                                                           "derechos reservados")):
            source.skipped.append((start, end, "boilerplate"))
        elif title and folded == title:
            source.skipped.append((start, end, "headline"))


def _headline(text: str) -> str | None:
    """A plain text's first line when it reads as a headline: short, and not ending as a sentence does."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if 8 <= len(line) <= 160 and not line.endswith((".", ":", "\u201d", '"', "\u00bb")) else None
    return None


def _dateline(source: Source) -> str | None:
    """A date written near the top (a dateline such as "25 May 2015" or "22 de mayo de 2015")."""
    from dateparser.search import search_dates

    head = source.text[:300]
    try:
        found = search_dates(head, languages=[source.lang],
                             settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
                                       "RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # dateparser's search raises on odd input; a missing dateline is not an error
        return None
    return found[0][1].date().isoformat() if found else None


__all__ = ["LANGUAGES", "Source", "detect_language", "read"]
