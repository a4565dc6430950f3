"""Evaluate `incidentkg extract` on the gold set in tests/extract_gold/: precision and recall of speaker
attribution, of the reporting chain and of figures, with the time per text.

    .venv/bin/python bench/bench_extract.py [--gold tests/extract_gold] [--extractor rules] [--json] [-v]

Each gold file (NN-*.yaml) annotates the text beside it (.txt or .html) with its statements: the quote, the
speaker (an agent id, a list of acceptable ids, or `new:WORD` for an agent the extractor should propose, whose
name or id holds WORD), the outlet it came through (`via`), the stance, and its figures (category, value,
party). A predicted statement is aligned to a gold one when their spans overlap by half of the shorter.

- speakers: a prediction is right when it is aligned and names the gold speaker; precision over all predicted
  statements, recall over all gold statements;
- chain: over the statements with a `via`, predicted or gold, the same way;
- figures: (category, value, party) per text, counted as multisets, wherever in the text they were found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # nothing else: the installed package is what is measured


def _fold(text: str) -> str:
    from incidentkg.core.text import fold

    return fold(text)


def run(gold_dir: Path, extractor: str = "rules", verbose: bool = False) -> dict:
    from incidentkg.ingest.build import bundled_case
    from incidentkg.ingest.extract.draft import Options
    from incidentkg.ingest.extract.pipeline import extract

    counts = Counter()
    texts = []
    world = next(p for p in (gold_dir / "world.yaml", gold_dir.parent / "world.yaml") if p.exists())
    seconds = 0.0
    for gold_file in sorted(gold_dir.glob("[0-9]*.yaml")):
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        text_file = next(p for p in (gold_file.with_suffix(".txt"), gold_file.with_suffix(".html")) if p.exists())
        started = time.perf_counter()
        draft = extract(text_file, Options(document=f"gold-{gold_file.stem}", outlet=gold.get("outlet"),
                                           incident=gold.get("incident"), date="2020-07-03"),
                        language=gold.get("language", "auto"), case=[bundled_case(), world],
                        extractor=extractor)
        seconds += time.perf_counter() - started
        text = draft["extraction"].get("text") or text_file.read_text(encoding="utf-8")
        new_agents = {a["id"]: next(iter(a["name"].values())) for a in draft.get("agents", [])}
        preds = draft.get("statements", [])
        golds = gold.get("statements", [])
        for g in golds:
            start = text.find(g["quote"])
            if start < 0:
                raise SystemExit(f"{gold_file}: quote not in the text: {g['quote']!r}")
            g["_span"] = (start, start + len(g["quote"]))
        pairs = _align(preds, golds)
        report = {"text": text_file.name, "statements": [], "figures": {}}
        for gi, g in enumerate(golds):
            pi = pairs.get(gi)
            p = preds[pi] if pi is not None else None
            right = p is not None and _speaker_ok(p["speaker"], g["speaker"], new_agents)
            counts["speaker_tp"] += right
            via_gold = g.get("via")
            via_pred = [v.get("outlet") for v in (p["proposal"].get("via", []) if p else [])]
            if via_gold:
                counts["chain_gold"] += 1
                counts["chain_tp"] += bool(p is not None and via_gold in via_pred)
            if p is not None:
                counts["stance_aligned"] += 1
                counts["stance_tp"] += p["stance"] == g.get("stance", "asserts")
            report["statements"].append({"gold": g["quote"][:60], "speaker": g["speaker"],
                                         "predicted": p["speaker"] if p else None, "right": right,
                                         "via": via_gold, "via_predicted": via_pred or None})
        counts["speaker_pred"] += len(preds)
        counts["speaker_gold"] += len(golds)
        counts["chain_pred"] += sum(1 for p in preds if p["proposal"].get("via"))
        gold_figures = Counter((f["category"], f["value"], f.get("party")) for g in golds for f in g.get("figures", []))
        pred_figures = Counter((q["category"], q["value"], q.get("party")) for p in preds for q in p.get("quantity", []))
        counts["figures_tp"] += sum((gold_figures & pred_figures).values())
        counts["figures_gold"] += sum(gold_figures.values())
        counts["figures_pred"] += sum(pred_figures.values())
        report["figures"] = {"missed": sorted(map(str, (gold_figures - pred_figures).elements())),
                             "extra": sorted(map(str, (pred_figures - gold_figures).elements()))}
        for a, b in gold.get("contradictions", []):
            counts["contra_gold"] += 1
            ids = {preds[pairs[i]]["claim"] for i in (a, b) if pairs.get(i) is not None}
            counts["contra_tp"] += any(set(c["claims"]) == ids for c in draft["extraction"].get("contradictions", []))
        counts["contra_pred"] += len(draft["extraction"].get("contradictions", []))
        texts.append(report)
    metrics = {}
    for name in ("speaker", "chain", "figures", "contra"):
        tp, pred, gold = counts[f"{name}_tp"], counts[f"{name}_pred"], counts[f"{name}_gold"]
        metrics[name] = {"tp": tp, "predicted": pred, "gold": gold,
                         "precision": round(tp / pred, 3) if pred else None,
                         "recall": round(tp / gold, 3) if gold else None}
    metrics["stance"] = {"aligned": counts["stance_aligned"], "right": counts["stance_tp"],
                         "accuracy": round(counts["stance_tp"] / counts["stance_aligned"], 3) if counts["stance_aligned"] else None}
    return {"texts": len(texts), "seconds_per_text": round(seconds / max(1, len(texts)), 3), "metrics": metrics,
            "details": texts if verbose else None}


def _align(preds: list[dict], golds: list[dict]) -> dict[int, int]:
    """gold index -> predicted index, greedily by overlap (at least half of the shorter span)."""
    scored = []
    for gi, g in enumerate(golds):
        gs, ge = g["_span"]
        for pi, p in enumerate(preds):
            ps, pe = p["proposal"]["span"]
            overlap = min(pe, ge) - max(ps, gs)
            if overlap > 0 and overlap >= 0.5 * min(pe - ps, ge - gs):
                scored.append((overlap / max(pe - ps, ge - gs), gi, pi))
    pairs, used = {}, set()
    for _, gi, pi in sorted(scored, reverse=True):
        if gi not in pairs and pi not in used:
            pairs[gi] = pi
            used.add(pi)
    return pairs


def _speaker_ok(predicted: str, gold, new_agents: dict[str, str]) -> bool:
    for want in gold if isinstance(gold, list) else [gold]:
        if want.startswith("new:"):
            word = _fold(want[4:])
            if predicted in new_agents and (word in _fold(new_agents[predicted]) or predicted.startswith(word)):
                return True
        elif predicted == want:
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=REPO / "tests" / "extract_gold")
    parser.add_argument("--extractor", default="rules")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="per text: each statement, missed and extra figures")
    args = parser.parse_args()
    result = run(args.gold, args.extractor, args.verbose)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"{result['texts']} gold texts, {result['seconds_per_text']} s per text (extractor {args.extractor})")
    print(f"{'':10} {'right':>6} {'predicted':>10} {'gold':>6} {'precision':>10} {'recall':>8}")
    for name, label in (("speaker", "speakers"), ("chain", "chain"), ("figures", "figures"), ("contra", "contrasts")):
        m = result["metrics"][name]
        fmt = lambda v: "-" if v is None else f"{v:.3f}"
        print(f"{label:10} {m['tp']:>6} {m['predicted']:>10} {m['gold']:>6} {fmt(m['precision']):>10} {fmt(m['recall']):>8}")
    s = result["metrics"]["stance"]
    print(f"stance accuracy on aligned statements: {s['right']}/{s['aligned']}")
    if args.verbose:
        for text in result["details"]:
            print(f"\n{text['text']}")
            for row in text["statements"]:
                mark = "ok " if row["right"] else "BAD"
                print(f"  {mark} {row['speaker']!s:30} <- {row['predicted']!s:30} via {row['via']} <- {row['via_predicted']}  {row['gold']!r}")
            if text["figures"]["missed"] or text["figures"]["extra"]:
                print(f"  figures missed {text['figures']['missed']} extra {text['figures']['extra']}")


if __name__ == "__main__":
    main()
