"""Reads and edits /forkcast.xlsx with openpyxl, as tests/spreadsheet.rs asks.

Usage:
  xlsx.py edit JOBS_JSON   JOBS: [{"from": IN, "to": OUT, "futures": {ID: V},
                                   "edges": [[FROM, TO, V]], "stakes": {BET: [STAKE, PAYS]}}]
      Types each value into its input cell (Futures "Your value", Edges
      "P(edge)", Bets "Stake" and "Pays"), keeping every formula, and saves
      the copy (which then holds no computed value at all).
  xlsx.py dump FILE...
      Prints one JSON line: for each file, each sheet as rows of values
      (what a spreadsheet program computed and saved: data_only), and the
      type of each cell of the Futures and Bets title columns as written.
"""

import json
import sys

import openpyxl


def rows_by_id(ws):
    return {row[0].value: row for row in ws.iter_rows(min_row=2)}


def column(ws, title):
    for cell in ws[1]:
        if cell.value == title:
            return cell.column - 1
    raise SystemExit(f"no column {title!r} on {ws.title}")


def edit(jobs):
    for job in jobs:
        wb = openpyxl.load_workbook(job["from"])
        futures = wb["Futures"]
        yours = column(futures, "Your value")
        by_id = rows_by_id(futures)
        for fid, value in job.get("futures", {}).items():
            cell = by_id[fid][yours]
            if cell.value == "resolved":
                continue
            cell.value = value
        edges = wb["Edges"]
        p = column(edges, "P(edge)")
        for src, dst, value in job.get("edges", []):
            found = [r for r in edges.iter_rows(min_row=2) if r[0].value == src and r[1].value == dst]
            if len(found) != 1:
                raise SystemExit(f"edge {src} -> {dst}: {len(found)} rows")
            found[0][p].value = value
        bets = wb["Bets"]
        stake = next(c.column - 1 for c in bets[1] if str(c.value).startswith("Stake"))
        pays = column(bets, "Pays (× stake)")
        by_bet = rows_by_id(bets)
        for bid, (amount, multiple) in job.get("stakes", {}).items():
            by_bet[bid][stake].value = amount
            by_bet[bid][pays].value = multiple
        wb.save(job["to"])


def dump(files):
    out = {}
    for name in files:
        values = openpyxl.load_workbook(name, data_only=True)
        written = openpyxl.load_workbook(name)
        sheets = {}
        for ws in values.worksheets:
            sheets[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]
        types = {}
        for title in ("Futures", "Bets"):
            ws = written[title]
            types[title] = [[c.value, c.data_type] for c in ws["B"][1:]]
        out[name] = {"sheets": sheets, "title_cells": types, "names": sorted(written.defined_names.keys()) if hasattr(written.defined_names, "keys") else [d.name for d in written.defined_names.definedName]}
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "edit":
        edit(json.loads(sys.argv[2]))
    elif sys.argv[1] == "dump":
        dump(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
