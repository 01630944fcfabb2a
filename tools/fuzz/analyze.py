"""Summarise a campaign: ``python -m tools.fuzz.analyze OUTDIR``: the number of seeds of
each class, the refusal messages by frequency, and each WRONG / CRASH / timeout seed
with its first error line."""
from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path


def first_error(record: dict) -> str:
    for name, check in record.get("checks", {}).items():
        if check["class"] == record["class"]:
            return f"{name}: {check.get('error', '')}"
    return record.get("why", "")


def main(argv: list[str] | None = None) -> None:
    outdir = Path((argv or sys.argv[1:])[0])
    records = {}
    for line in (outdir / "results.jsonl").read_text().splitlines():
        r = json.loads(line)
        records[r["seed"]] = r  # a re-run seed counts once, its last result
    counts = collections.Counter(r["class"] for r in records.values())
    print(f"{len(records)} seeds: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    refusals = collections.Counter(re.sub(r"\b[A-Za-z_]+\d+\b|\b[A-Za-z]\b(?!\))", "V",
                                          re.sub(r"^.*?\.py:\d+: ", "", first_error(r)))[:100]
                                   for r in records.values() if r["class"] == "refused")
    for msg, n in refusals.most_common(8):
        print(f"  refused x{n}: {msg}")
    for seed, r in sorted(records.items()):
        if r["class"] in ("WRONG", "CRASH", "timeout", "genbug"):
            print(f"{r['class']:8} seed {seed}: {first_error(r)[:200]}")


if __name__ == "__main__":
    main()
