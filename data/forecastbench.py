#!/usr/bin/env python3
"""Regenerates the example site's market data from ForecastBench's record.

    python3 data/forecastbench.py DATASET_DIR

DATASET_DIR holds the dataset's markets.csv and history.csv (see
data/README.md). For every market the site's futures link (futures/**/*.yaml,
`markets:`), this writes its recorded days as `reference,date,value` rows,
with the market's title, URL and status on its first row, and hands them to
`forkcast import-history`, which merges them into data/history/ and
data/markets.json. Running it again changes nothing; markets the dataset
does not hold are listed and left as they are.

FORKCAST names the forkcast command (default: `cargo run --quiet --release --`).
"""

import csv
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent
FIELDS = ["reference", "date", "value", "title", "url", "status"]


def linked_markets():
    """Every market reference under a `markets:` key of a future file."""
    refs = set()
    for path in sorted((SITE / "futures").rglob("*.yaml")):
        in_list = False
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split(" #")[0].rstrip()
            inline = re.match(r"^markets:\s*\[(.*)\]$", line)
            if inline:
                refs.update(r.strip() for r in inline.group(1).split(",") if r.strip())
            elif re.match(r"^markets:\s*$", line):
                in_list = True
            elif in_list and re.match(r"^\s+-\s+\S", line):
                refs.add(line.split("-", 1)[1].strip())
            elif in_list and line and not line.startswith((" ", "#")):
                in_list = False
    return refs


def status(market):
    """The dataset's `resolved` flag as forkcast writes a status."""
    if market["resolved"] != "True":
        return "open"
    return {"1": "resolved YES", "0": "resolved NO"}.get(market["last_value"], "closed")


def rows(dataset, wanted):
    """The import's rows for the wanted markets, and the references missing."""
    with open(dataset / "markets.csv", newline="", encoding="utf-8") as f:
        markets = {m["reference"]: m for m in csv.DictReader(f) if m["reference"] in wanted}
    keys = {(m["platform"], m["forecastbench_id"]): m for m in markets.values()}
    out = []
    described = set()
    with open(dataset / "history.csv", newline="", encoding="utf-8") as f:
        for h in csv.DictReader(f):
            m = keys.get((h["platform"], h["forecastbench_id"]))
            if m is None:
                continue
            row = {"reference": m["reference"], "date": h["date"], "value": h["value"]}
            if m["reference"] not in described:
                described.add(m["reference"])
                row.update(title=" ".join(m["question"].split()), url=m["url"], status=status(m))
            out.append(row)
    return out, sorted(wanted - markets.keys())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    dataset = Path(sys.argv[1])
    wanted = linked_markets()
    out, missing = rows(dataset, wanted)
    for ref in missing:
        print(f"not in the dataset, left as it is: {ref}", file=sys.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        writer.writerows(out)
    try:
        command = shlex.split(os.environ.get("FORKCAST", "cargo run --quiet --release --"))
        subprocess.run(command + ["--root", str(SITE), "import-history", f.name], check=True, cwd=SITE)
    finally:
        os.unlink(f.name)


if __name__ == "__main__":
    main()
