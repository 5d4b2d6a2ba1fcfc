"""Evaluation score sheets kept as data files (data/<key>.toml): items with their maximum
points, the grade bands on the total, the document each comes from or the label 示例.

Pure Python: `score(sheet, scores)` checks item scores against the sheet and returns the
total and the grade; nothing here touches the database.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"
GRADES = ("excellent", "pass", "fail")
STEP = Decimal("0.1")


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    max: Decimal
    note: str = ""


@dataclass(frozen=True)
class Band:
    grade: str  # Grade value
    min_total: Decimal  # the band holds totals ≥ min_total (down to the next band's)
    revokes: bool  # a recognised platform graded here loses its title


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    document: str
    example: bool  # 示例: not transcribed from an official table
    types: tuple[str, ...]
    items: tuple[Item, ...]
    bands: tuple[Band, ...]  # highest first
    source: str

    @property
    def full_marks(self) -> Decimal:
        return sum((i.max for i in self.items), Decimal(0))

    @property
    def title(self) -> str:
        return f"{self.name}（示例）" if self.example else self.name


def sheet_keys() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.toml"))


@functools.lru_cache(maxsize=16)
def load_sheet(key: str) -> Sheet:
    """The sheet data/<key>.toml; ValueError names a missing or malformed sheet."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key or "") or key not in sheet_keys():
        raise ValueError(f"未知的评分表：{key}")
    with (DATA_DIR / f"{key}.toml").open("rb") as fp:
        data = tomllib.load(fp, parse_float=Decimal)
    items = tuple(
        Item(i["key"], i["label"], Decimal(i["max"]), i.get("note", "")) for i in data["items"]
    )
    bands = tuple(
        Band(b["grade"], Decimal(b["min"]), bool(b.get("revokes", False))) for b in data["bands"]
    )
    if data.get("key") != key or not items or not bands:
        raise ValueError(f"评分表 {key} 不完整")
    if [b.grade for b in bands if b.grade not in GRADES] or bands[-1].min_total != 0:
        raise ValueError(f"评分表 {key} 的等次须为 {GRADES}，最低一档从 0 分起")
    if any(a.min_total <= b.min_total for a, b in zip(bands, bands[1:], strict=False)):
        raise ValueError(f"评分表 {key} 的等次须按分数从高到低排列")
    return Sheet(
        key=key,
        name=data["name"],
        document=data.get("document", ""),
        example=bool(data.get("example", False)),
        types=tuple(data.get("types", ())),
        items=items,
        bands=bands,
        source=data.get("source", ""),
    )


def sheets_for(platform_type: str) -> list[Sheet]:
    return [s for s in map(load_sheet, sheet_keys()) if platform_type in s.types]


def score(sheet: Sheet, scores: dict) -> tuple[dict[str, Decimal], Decimal, Band]:
    """The item scores read as Decimals (one decimal place), their total and its band.
    ValidationError on `scores`, naming every item that is missing, unknown or out of range."""
    if not isinstance(scores, dict):
        raise ValidationError({"scores": "分项得分应为“项目: 分数”的对象"})
    errors, read = [], {}
    for item in sheet.items:
        raw = scores.get(item.key)
        if raw is None or raw == "":
            errors.append(f"缺少“{item.label}”的得分")
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors.append(f"“{item.label}”的得分应为数字")
            continue
        if not value.is_finite() or value < 0 or value > item.max:
            errors.append(f"“{item.label}”的得分应在 0 至 {item.max} 分之间")
        elif value != value.quantize(STEP):
            errors.append(f"“{item.label}”的得分最多一位小数")
        else:
            read[item.key] = value.quantize(STEP)
    known = {i.key for i in sheet.items}
    errors += [f"评分表中没有“{k}”这一项" for k in scores if k not in known]
    if errors:
        raise ValidationError({"scores": errors})
    total = sum(read.values(), Decimal(0))
    band = next(b for b in sheet.bands if total >= b.min_total)
    return read, total, band
