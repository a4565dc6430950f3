"""From news text to a reviewable draft of attributed statements: `intake` (plain text or HTML main text,
boilerplate, language), an extractor named in `EXTRACTORS` (the rule-based one in `rules`, over `speakers` and
`numbers`), `draft` (the case-format YAML with spans, confidences and `review: pending`), `against` (what a
build already holds, and candidate contradictions) and `review` (list, accept, edit, drop)."""

from .. import EXTRACTORS

__all__ = ["EXTRACTORS"]
