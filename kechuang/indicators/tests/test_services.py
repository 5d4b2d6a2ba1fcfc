"""Writes: permission, the rules against stored neighbours, audit."""

from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataValue, EnterpriseMonth, Target
from kechuang.indicators.services import data_value_save, enterprise_month_save, target_save
from kechuang.indicators.tests.base import YI, IndicatorTestCase


class DataValueSaveTests(IndicatorTestCase):
    def save(self, actor=None, element="main_revenue", period="2023-04", value=100, **extra):
        return data_value_save(
            actor=actor or self.staff,
            element=self.elements[element],
            region=self.county,
            period=period,
            value=D(value),
            source=extra.pop("source", ValueSource.STATS_BUREAU),
            **extra,
        )

    def test_it_saves_updates_and_audits(self):
        record = self.save(value=100, published_yoy=D("5.5"))
        again = self.save(value=120)
        assert record.pk == again.pk and again.value == 120 and again.published_yoy is None
        assert record.history.first().history_user == self.staff

    def test_only_bureau_staff_and_leaders_of_the_region_may_write(self):
        self.save(actor=self.leader)
        for user in (self.liaison_a, self.viewer, self.ent_user_a, self.commissioner):
            with self.assertRaises(PermissionDenied):
                self.save(actor=user)
        with self.assertRaises(PermissionDenied):
            data_value_save(
                actor=self.staff,
                element=self.elements["gdp"],
                region=self.liandu,
                period="2023-04",
                value=D(1),
                source=ValueSource.MANUAL,
            )

    def test_a_part_may_not_exceed_its_stored_whole(self):
        self.save(element="main_revenue", value=100 * YI)
        with self.assertRaises(ValidationError) as caught:
            self.save(element="tech_dev_expense", value=101 * YI)
        assert "青田县 2023年1-4月 规上工业企业技术开发费：技术开发费不能超过营业收入" in str(
            caught.exception
        )
        assert not DataValue.objects.filter(element__code="tech_dev_expense").exists()

    def test_a_cumulative_value_may_not_drop(self):
        self.save(period="2023-03", value=5 * YI)
        with self.assertRaisesMessage(ValidationError, "不能低于2023年1-3月的5.00亿元"):
            self.save(period="2023-04", value=4 * YI)
        self.save(period="2023-04", value=6 * YI)
        with self.assertRaisesMessage(ValidationError, "2023年1-4月的值不能低于2023年1-3月"):
            self.save(period="2023-03", value=7 * YI)

    def test_negative_and_bad_period(self):
        with self.assertRaisesMessage(ValidationError, "不能为负数"):
            self.save(value=-1)
        with self.assertRaisesMessage(ValidationError, "期间应为 YYYY-MM"):
            self.save(period="2023-4")


class TargetSaveTests(IndicatorTestCase):
    def test_targets(self):
        target = target_save(
            actor=self.staff,
            indicator=self.indicators["tech_dev_expense"],
            region=self.county,
            year=2023,
            value=D("11.9") * YI,
            document="青田县2023年科技工作要点",
        )
        assert target.history.first().history_user == self.staff
        target_save(
            actor=self.staff,
            indicator=self.indicators["tech_dev_expense"],
            region=self.county,
            year=2023,
            value=12 * YI,
        )
        assert Target.objects.get().value == 12 * YI
        with self.assertRaisesMessage(ValidationError, "目标不能超过100%"):
            target_save(
                actor=self.staff,
                indicator=self.indicators["mfg_rnd_share"],
                region=self.county,
                year=2023,
                value=101,
            )
        with self.assertRaises(PermissionDenied):
            target_save(
                actor=self.liaison_a,
                indicator=self.indicators["mfg_rnd_share"],
                region=self.county,
                year=2023,
                value=100,
            )


class EnterpriseMonthSaveTests(IndicatorTestCase):
    def test_it_keeps_where_the_firm_was(self):
        month = enterprise_month_save(
            actor=self.staff,
            enterprise=self.ent_a,
            period="2023-04",
            revenue=D(1000),
            tech_dev_expense=D(50),
            rnd_active=True,
        )
        assert (month.township, month.county, month.manufacturing) == (
            self.township_a,
            self.county,
            True,
        )
        assert month.history.first().history_user == self.staff

    def test_rules_and_permission(self):
        enterprise_month_save(
            actor=self.staff, enterprise=self.ent_a, period="2023-03", revenue=D(1000)
        )
        with self.assertRaisesMessage(ValidationError, "技术开发费不能超过营业收入"):
            enterprise_month_save(
                actor=self.staff,
                enterprise=self.ent_a,
                period="2023-04",
                revenue=D(1200),
                tech_dev_expense=D(1300),
            )
        with self.assertRaisesMessage(ValidationError, "不能低于2023年1-3月"):
            enterprise_month_save(
                actor=self.staff, enterprise=self.ent_a, period="2023-04", revenue=D(900)
            )
        with self.assertRaises(PermissionDenied):
            enterprise_month_save(
                actor=self.liaison_a, enterprise=self.ent_a, period="2023-04", revenue=D(1)
            )
        assert EnterpriseMonth.objects.count() == 1
