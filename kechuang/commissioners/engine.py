"""Pure rules of the commissioners: score sheets (data/<key>.toml) and grade bands, and a
township's coverage standing. Nothing here touches the database."""

from __future__ import annotations

import datetime
import functools
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError

from kechuang.commissioners.choices import Coverage, Grade

DATA_DIR = Path(__file__).resolve().parent / "data"
# "Served" means at least one service in the last 90 days, the day itself included.
SERVED_WITHIN_DAYS = 90
STEP = Decimal("0.1")


def split_fields(text: str) -> list[str]:
    return [f.strip() for f in re.split(r"[、,，;；/\s]+", text or "") if f.strip()]


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    max: Decimal


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    document: str
    example: bool  # 示例: not transcribed from an official table
    items: tuple[Item, ...]
    bands: tuple[tuple[str, Decimal], ...]  # (grade, lowest total of the band), highest first

    @property
    def title(self) -> str:
        return f"{self.name}（示例）" if self.example else self.name

    @property
    def full_marks(self) -> Decimal:
        return sum((i.max for i in self.items), Decimal(0))


def sheet_keys() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.toml"))


@functools.lru_cache(maxsize=8)
def load_sheet(key: str) -> Sheet:
    """The sheet data/<key>.toml; ValueError names an unknown or malformed sheet."""
    if key not in sheet_keys():
        raise ValueError(f"未知的评分表：{key}")
    with (DATA_DIR / f"{key}.toml").open("rb") as fp:
        data = tomllib.load(fp)
    items = tuple(Item(i["key"], i["label"], Decimal(str(i["max"]))) for i in data["items"])
    bands = tuple((b["grade"], Decimal(str(b["min"]))) for b in data["bands"])
    if {g for g, _ in bands} != set(Grade.values) or bands[-1][1] != 0:
        raise ValueError(f"评分表 {key} 须有四个等次，最低一档从 0 分起")
    if any(a[1] <= b[1] for a, b in zip(bands, bands[1:], strict=False)):
        raise ValueError(f"评分表 {key} 的等次须按分数从高到低排列")
    return Sheet(key, data["name"], data.get("document", ""), data["example"], items, bands)


def grade_of(sheet: Sheet, total: Decimal) -> str:
    """The band holding `total`: the first whose lowest total it reaches."""
    for grade, lowest in sheet.bands:
        if total >= lowest:
            return grade
    raise ValueError("总分不能为负")


def score(sheet: Sheet, scores: dict) -> tuple[dict[str, str], Decimal, str]:
    """(item scores as strings, total, grade); ValidationError names the item (`scores.<key>`)."""
    errors, clean = {}, {}
    unknown = set(scores) - {i.key for i in sheet.items}
    if unknown:
        errors["scores"] = f"评分表中没有这些分项：{'、'.join(sorted(unknown))}"
    for item in sheet.items:
        raw = scores.get(item.key)
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, TypeError):
            errors[f"scores.{item.key}"] = f"{item.label}：请填写分数"
            continue
        if raw is None or not value.is_finite():
            errors[f"scores.{item.key}"] = f"{item.label}：请填写分数"
        elif value < 0 or value > item.max:
            errors[f"scores.{item.key}"] = f"{item.label}：分数须在 0 至 {item.max} 之间"
        elif value != value.quantize(STEP):
            errors[f"scores.{item.key}"] = f"{item.label}：分数最多一位小数"
        else:
            clean[item.key] = str(value.quantize(STEP))
    if errors:
        raise ValidationError(errors)
    total = sum((Decimal(v) for v in clean.values()), Decimal(0))
    return clean, total, grade_of(sheet, total)


def coverage_of(assigned: bool, last_served: datetime.date | None, as_of: datetime.date) -> str:
    """A township's standing on `as_of`: not assigned; assigned but no service within the
    last 90 days (as_of and the 89 days before it); or served."""
    if not assigned:
        return Coverage.UNASSIGNED
    since = as_of - datetime.timedelta(days=SERVED_WITHIN_DAYS - 1)
    if last_served is None or last_served < since:
        return Coverage.STALE
    return Coverage.SERVED


COVERAGE_ORDER = {Coverage.STALE: 0, Coverage.UNASSIGNED: 1, Coverage.SERVED: 2}
