"""The scoreboard's indicators as figures (core/figures.py), so a report reads them like any
other number: `indicators.<code>` is the indicator's value for the region and period (an
amount in yuan, a ratio in percent with its published precision), `indicators.<code>.yoy`
an amount's year-on-year growth (the published one as published, else computed, two
places). Declared from data/indicators.toml; computed through the selectors' precedence
(published, then imported, then bottom-up)."""

from __future__ import annotations

import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from kechuang.core import figures
from kechuang.core.figures import Figure, Period
from kechuang.core.models import Region

DATA = Path(__file__).resolve().parent / "data" / "indicators.toml"


def _raw(code: str, region: Region, period: Period) -> dict:
    from kechuang.indicators import selectors
    from kechuang.indicators.models import Indicator

    indicator = Indicator.objects.filter(code=code).select_related("numerator", "denominator")
    indicator = indicator.first()
    if indicator is None:
        return {"value": None, "yoy": None, "yoy_source": None}
    found = selectors._figures([region], str(period), selectors._elements_of([indicator]))
    return selectors._indicator_figures(indicator, found, region.pk)


def _value(code: str, kind: str, precision: int):
    def compute(region: Region, period: Period):
        value = _raw(code, region, period)["value"]
        if value is None or kind != "ratio":
            return value
        return Decimal(value).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)

    return compute


def _growth(code: str):
    from kechuang.indicators.engine import PUBLISHED

    def compute(region: Region, period: Period):
        raw = _raw(code, region, period)
        yoy = raw["yoy"]
        if yoy is None:
            return None
        if raw["yoy_source"] == PUBLISHED:
            # As published: 11.4 stays 11.4 (stored with four places).
            return Decimal(yoy).normalize()
        return Decimal(yoy).quantize(Decimal("0.01"), ROUND_HALF_UP)

    return compute


def _source(region: Region, period: Period) -> str:
    return figures.page("indicators:sources", region=region.code, period=str(period))


with DATA.open("rb") as handle:
    _INDICATORS = tomllib.load(handle)["indicator"]

for spec in _INDICATORS:
    kind, precision = spec["kind"], spec.get("precision", 2)
    figures.register(
        Figure(
            code=f"indicators.{spec['code']}",
            name=spec["name"],
            unit="%" if kind == "ratio" else "元",
            compute=_value(spec["code"], kind, precision),
            source=_source,
            places=precision,
            description="主要指标（统计局公布数优先，其次导入数，再次企业数据汇总）",
        )
    )
    if kind == "amount":
        figures.register(
            Figure(
                code=f"indicators.{spec['code']}.yoy",
                name=f"{spec['name']}同比增长",
                unit="%",
                compute=_growth(spec["code"]),
                source=_source,
                places=None,
                description="公布的增速按公布的精度，计算的增速两位小数、四舍五入",
            )
        )
