"""Keeps generated tables in README.md in sync with their generators.

README.md marks each generated block with
``<!-- BEGIN generated:<key> -->`` ... ``<!-- END generated:<key> -->``;
``splice(key, text)`` replaces what lies between (a README without the
markers is left alone)."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def splice(key: str, text: str, readme: Path = README) -> bool:
    """Replaces the generated block `key` with `text`; whether it was found."""
    begin, end = f"<!-- BEGIN generated:{key} -->", f"<!-- END generated:{key} -->"
    content = readme.read_text()
    i, j = content.find(begin), content.find(end)
    if i < 0 or j < i:
        return False
    readme.write_text(content[: i + len(begin)] + "\n" + text.strip() + "\n" + content[j:])
    return True
