"""The JSONL tuning database: one record per measurement, appended and
flushed (and fsynced) one line at a time, so a killed run loses at most the
line it was writing and --resume re-measures nothing it had recorded.
The compiler reads the same file (lib/Tuning/TuningDatabase.cpp)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from . import FORMAT_VERSION

STATUSES = ("ok", "invalid", "compile_error", "run_error", "timeout", "wrong_result")


def schedule_id(schedule: dict) -> str:
    """Canonical text of a schedule: two equal schedules, one id."""
    return json.dumps(schedule, sort_keys=True, separators=(",", ":"))


@dataclass
class Database:
    path: Path
    records: List[dict] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path) -> "Database":
        db = cls(Path(path))
        if not db.path.exists():
            return db
        other_format = 0
        with open(db.path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict) or "key" not in record:
                        raise ValueError("not a record")
                except ValueError as e:
                    db.warnings.append(f"{db.path}:{number}: unreadable record skipped ({e})")
                    continue
                if record.get("format") != FORMAT_VERSION:
                    other_format += 1
                    continue
                db.records.append(record)
        if other_format:
            db.warnings.append(f"{db.path}: {other_format} record(s) of another schedule format skipped")
        return db

    def append(self, record: dict) -> None:
        record = dict(record, format=FORMAT_VERSION)
        line = json.dumps(record, sort_keys=True, separators=(",", ":"))
        # A run killed mid-line leaves a torn last line (readers skip it):
        # start on a fresh line so this record is not glued to it.
        torn = False
        if self.path.exists() and self.path.stat().st_size:
            with open(self.path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                torn = f.read(1) != b"\n"
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(("\n" if torn else "") + line + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.records.append(record)

    def for_key(self, key: str, measure: Optional[str] = None) -> List[dict]:
        """The records of `key`; with `measure`, only those timed that way
        ("layer" or "model": a layer's time and the whole model's do not
        rank together; records without the field are whole-model times)."""
        return [r for r in self.records if r["key"] == key
                and (measure is None or r.get("measure", "model") == measure)]

    def measured(self, key: str, measure: Optional[str] = None) -> Dict[str, dict]:
        """schedule id -> the latest record of that schedule for `key`."""
        out: Dict[str, dict] = {}
        for r in self.for_key(key, measure):
            if "schedule" in r:
                out[schedule_id(r["schedule"])] = r
        return out

    def best(self, key: str) -> Optional[dict]:
        ok = [r for r in self.for_key(key) if r.get("status") == "ok" and r.get("median_us", 0) > 0
              and r.get("timing_valid", True)]
        return min(ok, key=lambda r: r["median_us"]) if ok else None
