"""Reference classifications shipped as data files: regions (GB/T 2260 and the
statistical division codes) and industries (GB/T 4754-2017)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def industry_sections() -> dict[str, str]:
    """Section letter → name, e.g. C → 制造业."""
    data = json.loads((DATA_DIR / "gbt4754_2017.json").read_text(encoding="utf-8"))
    return {s["code"]: s["name"] for s in data["sections"]}


@cache
def industry_divisions() -> dict[str, tuple[str, str]]:
    """Division code → (section letter, name), e.g. 33 → (C, 金属制品业)."""
    data = json.loads((DATA_DIR / "gbt4754_2017.json").read_text(encoding="utf-8"))
    return {d["code"]: (s["code"], d["name"]) for s in data["sections"] for d in s["divisions"]}


def division_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, (_, name) in industry_divisions().items()]


def section_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in industry_sections().items()]


def parse_division(text: str) -> str | None:
    """A division typed as '33', '33 金属制品业', 'C33' or its name; None if unknown."""
    text = (text or "").strip()
    divisions = industry_divisions()
    head = text.split()[0] if text else ""
    if head[:1].isalpha() and head[1:].isdigit():
        head = head[1:]
    if head.isdigit():
        code = head.zfill(2)
        return code if code in divisions else None
    for code, (_, name) in divisions.items():
        if name == text:
            return code
    return None


def division_label(code: str) -> str:
    entry = industry_divisions().get(code)
    return f"{code} {entry[1]}" if entry else code


@cache
def regions() -> list[dict]:
    data = json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))
    return data["regions"]
