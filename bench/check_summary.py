"""One line per task from the generalisation benchmark's ``check`` runs: the table the README and notes quote.

    python bench/check_summary.py                 # every bench/results/check_<task>_check_<seed>.json
    python bench/check_summary.py --markdown      # as a Markdown table

Per task, the check run recorded in ``bench/results/check_current.json`` (a full check run of the task sets it;
without an entry, the newest file): its seed, cases, on how many the bar held, the worst and median margin
over the baseline (haze-free photos apart, as in the run's own table; for masks also the worst IoU itself: a
case at 0.25 can be a small margin over GrabCut when GrabCut fails too), the slowest case (wall s of ours, an upper
bound on a shared machine) and the kinds that failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import UNIT, summarise  # noqa: E402  (bench/bench_check.py)

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ("segment", "dehaze", "separate", "watermark", "watermark_several", "video", "inpaint")


def summaries(results: Path = RESULTS, chosen: list[tuple[str, int]] | None = None) -> list[dict]:
    """One summary per run: the README's runs (``check_current.json``), or the ``chosen`` (task, seed) runs in
    that order."""
    if chosen:
        return [summary_of(results / f"check_{task}_check_{seed}.json", task) for task, seed in chosen]
    out = []
    for task in ORDER:
        current = json.loads((results / "check_current.json").read_text()) if (
            results / "check_current.json").exists() else {}
        if task in current:
            runs = [results / f"check_{task}_check_{current[task]}.json"]
        else:  # no run recorded as current: the newest file
            runs = sorted(results.glob(f"check_{task}_check_*.json"), key=lambda p: p.stat().st_mtime)
        if runs:
            out.append(summary_of(runs[-1], task))
    return out


def summary_of(path: Path, task: str) -> dict:
    """The summary of one run's .json (``path``) of ``task``."""
    raw = json.loads(path.read_text())
    rows = raw["rows"]
    summary = summarise(rows)
    worst, slow = summary["worst"], summary["slowest"]
    return {"task": task, "seed": raw["seed"], "cases": len(rows), "held": sum(r["held"] for r in rows),
            "worst": worst["margin"], "worst_case": worst["case"], "median": summary["median"],
            "slowest": slow["seconds"], "slowest_case": slow["case"], "unit": UNIT.get(task, "dB"),
            "failed": summary["failed"], "file": path.name,
            # masks: the worst IoU itself, since a margin over GrabCut can look fine on a failed mask
            "worst_iou": min(r["ours"] for r in rows) if UNIT.get(task) == "IoU" else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--run", action="append", metavar="TASK:SEED", default=[],
                    help="summarise this check run instead of the README's (repeatable)")
    args = ap.parse_args()
    try:
        chosen = [(t, int(seed)) for t, seed in (r.split(":") for r in args.run)]
    except ValueError:
        ap.error("--run takes TASK:SEED, e.g. --run dehaze:3339308")
    missing = [f"{t}:{seed}" for t, seed in chosen if not (RESULTS / f"check_{t}_check_{seed}.json").exists()]
    if missing:
        ap.error(f"no check run recorded for {', '.join(missing)} in {RESULTS}")
    rows = summaries(chosen=chosen)
    if args.markdown:
        print("| task | check seed | cases | bar held | worst / median margin | slowest s | kinds that failed |")
        print("| --- | ---: | ---: | ---: | --- | ---: | --- |")
    for s in rows:
        f = "{:+.3f}" if s["unit"] == "IoU" else "{:+.2f}"
        margin = f"{f.format(s['worst'])} / {f.format(s['median'])} {s['unit']}"
        if s["worst_iou"] is not None:  # a clip's IoU is its mean over frames; its worst frame: the run's table
            margin += f" (worst {'clip mean ' if s['task'] == 'video' else ''}IoU {s['worst_iou']:.3f})"
        failed = ", ".join(s["failed"]) or "none"
        if args.markdown:
            print(f"| {s['task']} | {s['seed']} | {s['cases']} | {s['held']} | {margin} | {s['slowest']:.0f} | "
                  f"{failed} |")
        else:
            print(f"{s['task']:17s} seed {s['seed']:>9} cases {s['cases']} held {s['held']} margin worst/median "
                  f"{margin} slowest {s['slowest']:.0f} s ({s['slowest_case']}) failed: {failed}  [{s['file']}]")


if __name__ == "__main__":
    main()
