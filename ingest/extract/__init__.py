"""From news text to a reviewable draft of attributed statements: `intake` (plain text or HTML main text,
boilerplate, language), an extractor named in `EXTRACTORS` (the rule-based one in `rules`, over `speakers` and
`numbers`), `draft` (the case-format YAML with spans, confidences and `review: pending`), `against` (what a
build already holds, and candidate contradictions) and `review` (list, accept, edit, drop)."""

from ...core.registry import Plugin, Registry

# Each entry is a class with `name` and `extract(source, world, incident) -> model.Extraction`.
EXTRACTORS = Registry("extractor", {
    "rules": Plugin("incidentkg.ingest.extract.rules", "RuleExtractor",
                    "rules over spaCy's blank tokenizers, offline, no model"),
})

__all__ = ["EXTRACTORS"]
