"""Text forms for matching names across sources and languages."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # names repeat across thousands of rows
def fold(text: str) -> str:
    """Accent- and case-insensitive form of a name: 'Cártel  de Jalisco' -> 'cartel de jalisco'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


__all__ = ["fold"]
