"""`etch-tune db stats|best|merge`: look at and reshape tuning databases.

  etch-tune db stats tune.jsonl            per workload: records, statuses, best
  etch-tune db best tune.jsonl -o out      the fastest timing-valid ok record per workload
  etch-tune db merge a.jsonl b.jsonl -o out  all records of both, exact duplicates once
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from .db import Database


def _best(db: Database, key: str) -> Optional[dict]:
    ok = [r for r in db.for_key(key)
          if r.get("status") == "ok" and r.get("timing_valid", True) and r.get("median_us", 0) > 0]
    return min(ok, key=lambda r: r["median_us"]) if ok else None


def _write(path: Path, records) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
    tmp.replace(path)


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="etch-tune db", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["stats", "best", "merge"])
    p.add_argument("dbs", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path)
    args = p.parse_args(argv)
    for path in args.dbs:
        if not path.exists():
            print(f"etch-tune: error: {path}: no such file", file=sys.stderr)
            return 1
    dbs = [Database.open(path) for path in args.dbs]
    for db in dbs:
        for w in db.warnings:
            print(f"etch-tune: warning: {w}", file=sys.stderr)
    if args.command in ("best", "merge") and not args.output:
        print(f"etch-tune: error: db {args.command} needs -o <output.jsonl>", file=sys.stderr)
        return 1
    if args.command in ("stats", "best") and len(dbs) != 1:
        print(f"etch-tune: error: db {args.command} takes one database", file=sys.stderr)
        return 1
    if args.command == "merge":
        seen, out = set(), []
        for db in dbs:
            for r in db.records:
                line = json.dumps(r, sort_keys=True)
                if line not in seen:
                    seen.add(line)
                    out.append(r)
        _write(args.output, out)
        print(f"{len(out)} records from {len(dbs)} databases -> {args.output}")
        return 0
    db = dbs[0]
    keys = list(dict.fromkeys(r["key"] for r in db.records))
    if args.command == "best":
        out = [b for k in keys if (b := _best(db, k))]
        _write(args.output, out)
        print(f"{len(out)} of {len(keys)} workloads have a timing-valid ok record -> {args.output}")
        return 0
    print(f"{'workload':<22} {'layer':<16} {'records':>7} {'first us':>9} {'best us':>9}  statuses")
    for k in keys:
        rs = db.for_key(k)
        statuses = {}
        for r in rs:
            statuses[r.get("status", "?")] = statuses.get(r.get("status", "?"), 0) + 1
        first = next((r["median_us"] for r in rs if r.get("status") == "ok"), 0.0)
        b = _best(db, k)
        print(f"{k:<22} {rs[0].get('layer', ''):<16} {len(rs):>7} {first:>9.1f} "
              f"{(b['median_us'] if b else 0.0):>9.1f}  "
              + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())))
    return 0
