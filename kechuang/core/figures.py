"""Figures: every number a dashboard or report shows, declared once by the app that owns
the records behind it.

A figure has a code (`app.name`), a Chinese name, a unit ("元" for amounts, the measure word
for counts: 家, 项, 个), how it is computed for a region and a period, and `source`: the path
of the list page (with its filters) that lists exactly the records it counts. Apps declare
theirs in `<app>/figures.py`, imported when the project starts (`autodiscover`, called from
CoreConfig.ready); indicators, dashboards and reports read them here, so no app imports
another to count.

Figures are what the bureau reports for a region, not what one user sees: they are computed
without scoping. The CLI runs as the system; a page or API must first check the caller may
read the region (`may_read`).

A period is cumulative from January: '2023-06' is 1 January to 30 June 2023.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from kechuang.core import formatting
from kechuang.core.choices import BUREAU_ROLES, READ_ONLY_REGION_ROLES, Role
from kechuang.core.models import Region, User

AMOUNT_UNIT = "元"
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
YEAR_RE = re.compile(r"^\d{4}$")

Value = Decimal | int | None


class FigureError(ValueError):
    """A bad region, period or figure code; the message is Chinese and names it."""


@dataclass(frozen=True)
class Period:
    """January through `month` of `year`."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        if isinstance(text, Period):
            return text
        found = PERIOD_RE.match(str(text or "").strip())
        if not found:
            raise FigureError(
                f"期间格式不正确：{text}（应为 YYYY-MM，如 2023-06，表示1月至6月累计）"
            )
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def parse_span(cls, text: str | Period) -> Period:
        """As parse, and also 'YYYY' for the whole year (January to December), as list pages
        take it."""
        stripped = str(text or "").strip()
        return cls.parse(f"{stripped}-12" if YEAR_RE.match(stripped) else text)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Figure:
    """One named number. `compute(region, period)` returns an int for counts, a Decimal in
    yuan for amounts (None when it cannot be computed); `many(regions, period)`, when given,
    computes it for many regions at once ({region id: value}), `series(regions, periods)`
    for many periods too; `records(region, period)` is the queryset counted, when the figure
    counts records; `source(region, period)` is the list page's path with its query string."""

    code: str
    name: str
    unit: str
    compute: Callable[[Region, Period], Value]
    source: Callable[[Region, Period], str]
    many: Callable[[list[Region], Period], dict[int, Value]] | None = None
    series: Callable[[list[Region], list[Period]], dict[Period, dict[int, Value]]] | None = None
    records: Callable[[Region, Period], QuerySet] | None = None
    description: str = ""
    places: int | None = 2  # percentages: None keeps a published value's own precision

    @classmethod
    def by_region(cls, code, name, unit, records: ByRegion, source, description="") -> Figure:
        """A figure computed by a ByRegion (batched for many regions and periods)."""
        return cls(
            code=code,
            name=name,
            unit=unit,
            compute=records.one,
            many=records.many,
            series=records.series,
            records=records.records,
            source=source,
            description=description,
        )

    @property
    def is_amount(self) -> bool:
        return self.unit == AMOUNT_UNIT

    def display(self, value: Value) -> str:
        """As the bureau writes a figure (core/formatting.number): 2119.85万元, 24家."""
        return formatting.number(value, self.unit, self.places)


@dataclass(frozen=True)
class FigureValue:
    code: str
    name: str
    value: Value
    unit: str
    display: str
    source: str

    def as_json(self) -> dict:
        """The `kechuang figures --format json` row: amounts as the Decimal's full string."""
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        return {
            "code": self.code,
            "name": self.name,
            "value": value,
            "unit": self.unit,
            "display": self.display,
            "source": self.source,
        }


_registry: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    """Declares a figure; a code may be declared once."""
    known = _registry.get(figure.code)
    if known is not None and known != figure:
        raise ValueError(f"figure {figure.code!r} is declared twice")
    _registry[figure.code] = figure
    return figure


def autodiscover() -> None:
    """Imports every installed app's `figures` module, which registers its figures."""
    autodiscover_modules("figures")


def all_figures() -> list[Figure]:
    return list(_registry.values())


def get(code: str) -> Figure:
    try:
        return _registry[code]
    except KeyError:
        raise FigureError(f"未知的数字：{code}") from None


def resolve_region(region: Region | str) -> Region:
    if isinstance(region, Region):
        return region
    found = Region.objects.filter(code=str(region).strip()).first()
    if found is None:
        raise FigureError(f"未知的区域代码：{region}")
    return found


def value(code: str, region: Region | str, period: str | Period) -> Value:
    return get(code).compute(resolve_region(region), Period.parse(period))


def values(code: str, regions: Iterable[Region], period: str | Period) -> dict[int, Value]:
    """{region id: value} for many regions: one computation when the figure batches."""
    figure, period, regions = get(code), Period.parse(period), list(regions)
    if figure.many is not None:
        return figure.many(regions, period)
    return {r.pk: figure.compute(r, period) for r in regions}


def series(
    code: str, regions: Iterable[Region], periods: Iterable[str | Period]
) -> dict[str, dict[int, Value]]:
    """{period text: {region id: value}} for many regions and periods (a dashboard's trend):
    one computation when the figure batches."""
    figure, regions = get(code), list(regions)
    periods = [Period.parse(p) for p in periods]
    if figure.series is not None:
        found = figure.series(regions, periods)
    else:
        found = {p: values(code, regions, p) for p in periods}
    return {str(p): found[p] for p in periods}


def evaluate(
    region: Region | str, period: str | Period, codes: Iterable[str] | None = None
) -> list[FigureValue]:
    """The figures (all, or those named, in that order) of a region for a period."""
    region, period = resolve_region(region), Period.parse(period)
    chosen = all_figures() if codes is None else [get(c) for c in codes]
    rows = []
    for figure in chosen:
        result = figure.compute(region, period)
        rows.append(
            FigureValue(
                code=figure.code,
                name=figure.name,
                value=result,
                unit=figure.unit,
                display=figure.display(result),
                source=figure.source(region, period),
            )
        )
    return rows


def may_read(user: User, region: Region) -> bool:
    """Whether a user may read a region's figures: the superuser anywhere; bureau staff,
    leaders, liaisons, commissioners and viewers for their own region and those below it
    (the records behind them are theirs to list). Firm and institute users: none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = BUREAU_ROLES | READ_ONLY_REGION_ROLES | {Role.LIAISON}
    return user.role in roles and user.region is not None and user.region.contains(region)


# --- helpers for the apps' declarations ---------------------------------------------------


@dataclass(frozen=True)
class ByRegion:
    """A figure over the records of `model` that belong to a region through `code_path`
    (the code of their township or county): `condition(period)` picks the records a period
    counts; `sum_of` names the field summed (amounts), or rows are counted.

    One grouped query for any number of regions and periods: one conditional aggregate per
    period, rows grouped by the record's region code, then added into every asked region
    whose code prefix it carries (a city sums its counties). A count without records is 0;
    a sum without records is None (nothing registered), not 0.
    """

    model: type
    condition: Callable[[Period], Q]
    code_path: str
    sum_of: str | None = None

    def series(self, regions: list[Region], periods: list[Period]) -> dict[Period, dict]:
        empty = None if self.sum_of else 0
        found: dict[Period, dict[int, Value]] = {p: {} for p in periods}
        if regions and periods:
            self._add(regions, periods, found)
        return {p: {r.pk: found[p].get(r.pk, empty) for r in regions} for p in periods}

    def _add(self, regions: list[Region], periods: list[Period], found: dict) -> None:
        conditions = [self.condition(p) for p in periods]
        prefixes, any_period = Q(), Q()
        for region in regions:
            prefixes |= Q(**{f"{self.code_path}__startswith": region.prefix})
        for condition in conditions:
            any_period |= condition
        aggregates = {
            f"p{i}": Sum(self.sum_of, filter=c) if self.sum_of else Count("pk", filter=c)
            for i, c in enumerate(conditions)
        }
        rows = (
            self.model.objects.filter(prefixes & any_period)
            .order_by()
            .values(self.code_path)
            .annotate(**aggregates)
        )
        for row in rows:
            code = row[self.code_path]
            for i, period in enumerate(periods):
                total = row[f"p{i}"]
                if total is None:
                    continue
                into = found[period]
                for region in regions:
                    if code.startswith(region.prefix):
                        into[region.pk] = into[region.pk] + total if region.pk in into else total

    def many(self, regions: list[Region], period: Period) -> dict[int, Value]:
        return self.series(regions, [period])[period]

    def records(self, region: Region, period: Period) -> QuerySet:
        """The records counted for one region and period (what `source` lists)."""
        return self.model.objects.filter(
            self.condition(period), **{f"{self.code_path}__startswith": region.prefix}
        )

    def one(self, region: Region, period: Period) -> Value:
        return self.many([region], period)[region.pk]


def page(url_name: str, **params) -> str:
    """A list page's path with its filter parameters (empty ones left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)
