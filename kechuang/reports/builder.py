"""A report's content for a region, period and kind: the outline (data/outline-<kind>.toml)
filled with figures from the registry (core/figures.py) and the narrative staff wrote.

Figures are written by core.formatting's one rule; a figure that is not registered or has no
data is a marked 【待填】, never a number. Narrative text holds placeholders ({code}), so the
next period's report starts from the previous text with its figures refreshed; each figure
also carries its value in the previous report of the same kind, so the preview can mark
those that changed.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from django.apps import apps

from kechuang.core import figures
from kechuang.core.choices import RegionLevel
from kechuang.core.figures import FigureError, Period
from kechuang.core.models import Region
from kechuang.reports.choices import STEP_MONTHS, ReportKind

DATA = Path(__file__).resolve().parent / "data"
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[A-Za-z0-9_]+)+)\}")
MISSING = "【待填】"


class ReportError(ValueError):
    """An unknown region, period or kind; the message is Chinese and names it."""


@dataclass
class FigureUse:
    """One figure as the report writes it."""

    code: str
    name: str
    period: Period
    value: object
    display: str
    source: str
    previous: Callable[[], str | None] | None = None  # computed when asked (the preview)
    registered: bool = True

    @property
    def missing(self) -> bool:
        return self.value is None

    @cached_property
    def previous_display(self) -> str | None:
        """The value in the previous report of the same kind, as written (None: no data)."""
        return self.previous() if self.previous is not None else None

    @property
    def changed(self) -> bool:
        return self.previous_display is not None and self.previous_display != self.display

    @property
    def as_of(self) -> datetime.date:
        return self.period.end


@dataclass
class Piece:
    text: str
    figure: FigureUse | None = None


@dataclass
class Block:
    """A paragraph: level 1 (一、), 2 (（一）), 3 (1.) or 0 (body)."""

    level: int
    pieces: list[Piece]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class SectionText:
    """A section's narrative as the edit form shows it."""

    key: str
    heading: str
    text: str
    own: bool  # written for this period (else started from an earlier one)
    from_period: str | None


@dataclass
class Report:
    region: Region
    period: Period
    kind: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[SectionText] = field(default_factory=list)
    uses: dict[tuple[str, Period], FigureUse] = field(default_factory=dict)

    @property
    def appendix(self) -> list[FigureUse]:
        return sorted(self.uses.values(), key=lambda u: (u.code, str(u.period)))

    @property
    def text(self) -> str:
        return "\n".join([self.title, *(b.text for b in self.blocks)])

    @property
    def filename(self) -> str:
        return f"{self.region.code}-{self.period}-{self.kind}.docx"


@cache
def outline(kind: str) -> dict:
    with (DATA / f"outline-{kind}.toml").open("rb") as handle:
        return tomllib.load(handle)


def section_keys(spec: dict) -> list[str]:
    """The keys staff write narrative for: the opening, every section and subsection."""
    keys = ["intro"]
    for section in spec["section"]:
        subs = section.get("sub", [])
        keys += [sub["key"] for sub in subs] if subs else [section["key"]]
    return keys


def previous_period(period: Period, kind: str) -> Period:
    months = period.year * 12 + period.month - 1 - STEP_MONTHS[kind]
    return Period(months // 12, months % 12 + 1)


def month_label(period: Period) -> str:
    """As the bureau writes a cumulative period: 1-4月, 1月."""
    return "1月" if period.month == 1 else f"1-{period.month}月"


def parse(region: Region | str, period: str | Period, kind: str) -> tuple[Region, Period, str]:
    if kind not in ReportKind.values:
        raise ReportError(f"报告类型不正确：{kind}（应为 half-year、annual 或 monthly）")
    try:
        return figures.resolve_region(region), Period.parse(period), kind
    except FigureError as exc:
        raise ReportError(str(exc)) from exc


def organisation(region: Region) -> str:
    if region.level in (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE):
        return f"{region.name}科技局"
    return region.name


class _Figures:
    """Figure values of one region, computed once per code and period."""

    def __init__(self, region: Region, period: Period, kind: str):
        self.region, self.period, self.kind = region, period, kind
        self.values: dict[tuple[str, Period], object] = {}

    def value(self, code: str, period: Period):
        key = (code, period)
        if key not in self.values:
            try:
                figure = figures.get(code)
            except FigureError:
                self.values[key] = None
            else:
                self.values[key] = figure.compute(self.region, period)
        return self.values[key]

    def use(self, code: str, period: Period) -> FigureUse:
        value = self.value(code, period)
        try:
            figure = figures.get(code)
        except FigureError:
            return FigureUse(code, code, period, None, MISSING, "", registered=False)
        display = MISSING if value is None else figure.display(value)

        def previous() -> str | None:
            # As the previous report wrote it: for an indicator written for its latest month
            # with data, the latest month with data up to the previous report's period.
            earlier = previous_period(self.period, self.kind)
            if period != self.period:
                earlier = _latest_with_data(code, earlier, self)
            found = self.value(code, earlier)
            return None if found is None else figure.display(found)

        return FigureUse(
            code,
            figure.name,
            period,
            value,
            display,
            figure.source(self.region, period),
            previous=previous,
        )


def fill(text: str, period: Period, values: _Figures, report: Report) -> list[Piece]:
    """Text with its placeholders replaced by figures (a missing one by 【待填】)."""
    pieces, at = [], 0
    for found in PLACEHOLDER.finditer(text):
        if found.start() > at:
            pieces.append(Piece(text[at : found.start()]))
        use = values.use(found.group(1), period)
        report.uses[(use.code, period)] = use
        pieces.append(Piece(use.display, use))
        at = found.end()
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def _latest_with_data(code: str, period: Period, values: _Figures) -> Period:
    """The latest month of the period's year up to it for which the figure has data."""
    for month in range(period.month, 0, -1):
        candidate = Period(period.year, month)
        if values.value(code, candidate) is not None:
            return candidate
    return period


def _indicator_blocks(sentences: list[str], period, values, report) -> list[Piece]:
    groups: list[tuple[Period, list[str]]] = []
    for sentence in sentences:
        first = PLACEHOLDER.search(sentence)
        latest = _latest_with_data(first.group(1), period, values) if first else period
        if groups and groups[-1][0] == latest:
            groups[-1][1].append(sentence)
        else:
            groups.append((latest, [sentence]))
    pieces: list[Piece] = []
    for i, (latest, group) in enumerate(groups):
        pieces.append(Piece(("；" if i else "") + month_label(latest) + "，"))
        for j, sentence in enumerate(group):
            if j:
                pieces.append(Piece("；"))
            pieces += fill(sentence, latest, values, report)
    if pieces:
        pieces.append(Piece("。"))
    return pieces


def next_step_items(region: Region, period: Period) -> list[str]:
    """Targets from the plan: every app whose AppConfig has `report_next_steps(region,
    period)` (the work plan) gives items (text, or objects with a `text` attribute)."""
    items: list[str] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "report_next_steps", None)
        if provider is None:
            continue
        for item in provider(region, period) or []:
            items.append(item if isinstance(item, str) else str(getattr(item, "text", item)))
    return items


def _narratives(region: Region, period: Period, kind: str) -> dict:
    """{section: Narrative} for the period, else the latest earlier one of the same kind."""
    from kechuang.reports.models import Narrative

    found: dict = {}
    rows = Narrative.objects.filter(region=region, kind=kind, period__lte=str(period))
    for row in rows.order_by("period"):
        found[row.section] = row
    return found


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


CHINESE_NUMBERS = "一二三四五六七八九十"


def build(region: Region | str, period: str | Period, kind: str = ReportKind.HALF_YEAR) -> Report:
    region, period, kind = parse(region, period, kind)
    spec = outline(kind)
    org = organisation(region)
    names = {
        "region": org.removesuffix("科技局"),
        "year": period.year,
        "month": period.month,
        "half": "上半年" if period.month <= 6 else "下半年",
    }
    report = Report(region, period, kind, spec["title"].format(**names))
    values = _Figures(region, period, kind)
    narratives = _narratives(region, period, kind)

    def narrative(key: str, heading: str) -> list[Block]:
        row = narratives.get(key)
        text = row.text if row else ""
        own = row is not None and row.period == str(period)
        report.sections.append(
            SectionText(key, heading, text, own, None if row is None or own else row.period)
        )
        return [Block(0, fill(p, period, values, report)) for p in _paragraphs(text)]

    intro = narrative("intro", "开头")
    if not intro and spec.get("intro"):
        intro = [Block(0, [Piece(spec["intro"].format(**names))])]
    report.blocks += intro
    for section in spec["section"]:
        report.blocks.append(Block(1, [Piece(section["heading"])]))
        if section.get("indicators"):
            pieces = _indicator_blocks(section["indicators"], period, values, report)
            report.blocks.append(Block(0, pieces))
        for n, sub in enumerate(section.get("sub", [])):
            report.blocks.append(Block(2, [Piece(f"（{CHINESE_NUMBERS[n]}）{sub['heading']}")]))
            for fact in sub.get("facts", []):
                report.blocks.append(Block(0, fill(fact, period, values, report)))
            report.blocks += narrative(sub["key"], sub["heading"])
        if section.get("plan"):
            for n, item in enumerate(next_step_items(region, period), 1):
                report.blocks.append(
                    Block(0, [Piece(f"{n}. "), *fill(item, period, values, report)])
                )
        if not section.get("sub"):
            report.blocks += narrative(section["key"], section["heading"])
    return report
