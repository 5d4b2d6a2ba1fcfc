"""Shared fixtures of the indicator tests: the cast plus helpers to store values and firm
months directly (the services are tested on their own)."""

from decimal import Decimal

from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase, credit_code
from kechuang.enterprises.services import enterprise_create
from kechuang.indicators import engine
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataElement, DataValue, EnterpriseMonth, Indicator, Target
from kechuang.indicators.services import totals_refresh

YI = Decimal(100_000_000)


class IndicatorTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.liandu = Region.objects.get(code="331102")
        cls.jinyun = Region.objects.get(code="331122")
        cls.suichang = Region.objects.get(code="331123")
        cls.elements = {e.code: e for e in DataElement.objects.all()}
        cls.indicators = {i.code: i for i in Indicator.objects.all()}

    @classmethod
    def value(cls, region, period, element, value, source=ValueSource.STATS_BUREAU, **extra):
        return DataValue.objects.create(
            region=region,
            period=period,
            element=cls.elements[element],
            value=Decimal(value),
            source=source,
            **extra,
        )

    @classmethod
    def target(cls, region, year, indicator, value):
        return Target.objects.create(
            region=region, year=year, indicator=cls.indicators[indicator], value=Decimal(value)
        )

    @classmethod
    def month(cls, enterprise, period, **figures):
        """A firm month stored directly, then its bottom-up totals (this period's and next
        year's same period's) refreshed, as the services would."""
        record = EnterpriseMonth.objects.create(
            enterprise=enterprise,
            period=period,
            township=enterprise.township,
            county_id=enterprise.township.parent_id,
            manufacturing=enterprise.manufacturing,
            **figures,
        )
        year, month = engine.parse_period(period)
        totals_refresh(periods=[period, engine.make_period(year + 1, month)])
        return record

    @classmethod
    def firm(cls, seq, township, name, division="34"):
        return enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(seq),
            name=name,
            township=township,
            industry_division=division,
            above_scale=True,
        )


def row_of(table: dict, code: str) -> dict:
    return next(r for r in table["indicators"] if r["code"] == code)
