"""`incidentkg extract`: read a text, extract with the chosen extractor, write the draft (and compare it with a
build). The known agents, documents and incidents come from case files (the bundled case unless others are
given) and, with --against, from the build as well."""

from __future__ import annotations

from pathlib import Path

from ...core.graph import graph_dir
from . import EXTRACTORS
from .draft import Options, check_options, to_draft
from .intake import LANGUAGES, read
from .world import World
from ..build import bundled_case


def extract(path: Path, options: Options, *, language: str = "auto", case: list[Path] | None = None,
            against: Path | None = None, extractor: str = "rules") -> dict:
    from ...core.errors import UsageError

    if language not in ("auto", *LANGUAGES):
        raise UsageError(f"unknown language '{language}' (one of: auto, {', '.join(LANGUAGES)})")
    plugin = EXTRACTORS.get(extractor)
    world = World.from_cases(case or [bundled_case()])
    graph = None
    if against is not None:
        graph = World.from_build(graph_dir(against))
        world = world.merged(graph)
    check_options(options, world)
    source = read(Path(path), language)
    run = plugin()
    draft = to_draft(run.extract(source, world, options.incident), world, options, run.name)
    if graph is not None:
        from .against import compare

        compare(draft, graph, str(against))
    return draft


__all__ = ["extract"]
