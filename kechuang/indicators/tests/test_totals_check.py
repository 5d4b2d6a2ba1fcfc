"""Totals you can prove: every path that changes firm months keeps RegionPeriodTotal equal to a
fresh computation (totals_differences, `kechuang totals --check`), a corrupted total is
named, and on PostgreSQL concurrent writers of one county and period lose nothing."""

from __future__ import annotations

import io
import json
import random
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase, skipUnlessDBFeature

from kechuang.core import excel
from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region
from kechuang.core.tests.browser import reload_reference_data
from kechuang.core.tests.cast import CastTestCase, xlsx
from kechuang.core.tests.test_concurrency import run_threads
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_delete, enterprise_update
from kechuang.indicators.models import EnterpriseMonth, RegionPeriodTotal
from kechuang.indicators.services import enterprise_month_delete, enterprise_month_save
from kechuang.indicators.tests.base import IndicatorTestCase
from kechuang.indicators.tests.test_importers import MONTHS
from kechuang.indicators.totals import computed_totals, totals_differences, totals_refresh

# Two years of two months that are not adjacent, so any figures pass the cumulative rule.
PERIODS = ["2022-04", "2022-06", "2023-04", "2023-06"]


def check_command(*args) -> tuple[int, str]:
    """(exit code, stdout) of `kechuang totals --check`."""
    out = io.StringIO()
    try:
        call_command("totals", "--check", *args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def other_township(county: Region) -> Region:
    """A township of another county (the migration loads only 青田县's)."""
    return Region.objects.create(
        code=f"{county.code}001",
        name=f"{county.name}测试街道",
        level=RegionLevel.TOWNSHIP,
        parent=county,
    )


def random_figures(rng: random.Random) -> dict:
    revenue = D(rng.randrange(0, 5_000_000)) / 100
    return {
        "revenue": revenue,
        "tech_dev_expense": (revenue * D(rng.randrange(0, 30)) / 100).quantize(D("0.01")),
        "value_added": D(rng.randrange(0, 2_000_000)) / 100,
        "rnd_active": rng.random() < 0.5,
        "hitech": rng.random() < 0.4,
    }


class RandomSequenceTests(IndicatorTestCase):
    """A seeded random sequence of writes, changes, deletes of months and firms, moves and
    imports, checked against the fresh computation along the way and at the end."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.townships = [cls.township_a, cls.township_b, other_township(cls.liandu)]

    def test_a_random_sequence_of_writes_deletes_and_imports_leaves_no_difference(self):
        rng = random.Random(20230430)
        seq = iter(range(500, 10_000))
        firms = [self.firm(next(seq), rng.choice(self.townships), f"随机企业{i}") for i in range(8)]
        spec = excel.get_spec("enterprise_months")
        done = {"write": 0, "delete_month": 0, "delete_firm": 0, "move": 0, "import": 0}

        def write():
            firm = rng.choice(firms)
            period = rng.choice(PERIODS)
            enterprise_month_save(
                actor=self.admin, enterprise=firm, period=period, **random_figures(rng)
            )
            done["write"] += 1

        def delete_month():
            months = list(EnterpriseMonth.objects.order_by("pk"))
            if months:
                enterprise_month_delete(actor=self.admin, month=rng.choice(months))
                done["delete_month"] += 1

        def delete_firm():
            firm = rng.choice(firms)
            enterprise_delete(actor=self.admin, enterprise=firm)
            firms.remove(firm)
            firms.append(self.firm(next(seq), rng.choice(self.townships), f"新企业{len(firms)}"))
            done["delete_firm"] += 1

        def move():
            firm = rng.choice(firms)
            others = [t for t in self.townships if t.pk != firm.township_id]
            firms[firms.index(firm)] = enterprise_update(
                actor=self.admin, enterprise=firm, township=rng.choice(others)
            )
            done["move"] += 1

        def import_file():
            rows, seen = [], set()
            for _ in range(rng.randrange(1, 6)):
                firm, period = rng.choice(firms), rng.choice(PERIODS)
                if (firm.pk, period) in seen:
                    continue
                seen.add((firm.pk, period))
                f = random_figures(rng)
                rows.append(
                    [firm.credit_code, "", period, f["revenue"], f["tech_dev_expense"],
                     f["value_added"], "是" if f["rnd_active"] else "否",
                     "是" if f["hitech"] else "否"]
                )  # fmt: skip
            result = excel.run_import(spec, xlsx(MONTHS, rows), self.admin, dry_run=False)
            assert result.committed, [str(e) for e in result.errors]
            done["import"] += 1

        operations = [write] * 5 + [delete_month] * 2 + [delete_firm, move, import_file] * 1
        for step in range(300):
            rng.choice(operations)()
            if step % 50 == 49:
                assert totals_differences() == [], f"after step {step}: {done}"
        assert all(done.values()), done
        assert EnterpriseMonth.objects.exists()
        assert totals_differences() == []
        assert check_command() == (0, "企业数据汇总与重算一致\n")


class CheckTests(IndicatorTestCase):
    def save(self, firm, period, **figures):
        return enterprise_month_save(actor=self.staff, enterprise=firm, period=period, **figures)

    def setUp(self):
        self.save(self.ent_a, "2022-04", revenue=D(700), tech_dev_expense=D(70), hitech=True)
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(100), hitech=True)
        self.save(self.ent_b, "2023-04", revenue=D(500), tech_dev_expense=D(20))

    def test_the_computation_agrees_with_the_maintained_totals(self):
        computed = computed_totals(["2023-04"])
        element = self.elements["tech_dev_expense"].pk
        assert computed[(self.county.pk, "2023-04", element)] == {
            "aggregation": "sum:tech_dev_expense",
            "value": D("120.00"),
            "comparable_current": D("100.00"),
            "comparable_previous": D("70.00"),
        }
        # Township B has no firm in both years: no comparable pair.
        assert computed[(self.township_b.pk, "2023-04", element)]["comparable_current"] is None
        assert totals_differences() == []
        assert check_command("--region", "331121", "--period", "2023-04")[0] == 0

    def test_a_corrupted_total_exits_1_and_is_named(self):
        RegionPeriodTotal.objects.filter(
            region=self.township_a, period="2023-04", element=self.elements["tech_dev_expense"]
        ).update(value=D("101.50"))
        RegionPeriodTotal.objects.filter(
            region=self.county, period="2022-04", element=self.elements["main_revenue"]
        ).delete()
        code, out = check_command()
        assert code == 1
        assert "331121001 鹤城街道 2023-04 规上工业企业技术开发费（tech_dev_expense）" in out
        assert "汇总值：库中 101.50，重算 100.00" in out
        assert "331121 青田县 2022-04" in out and "库中 无此行，重算 700.00" in out

        out = io.StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("totals", "--check", "--format", "json", stdout=out)
        assert caught.value.returncode == 1
        assert json.loads(out.getvalue())["differences"] == [
            {
                "region": "331121",
                "period": "2022-04",
                "element": "main_revenue",
                "field": "value",
                "stored": None,
                "computed": "700.00",
            },
            {
                "region": "331121001",
                "period": "2023-04",
                "element": "tech_dev_expense",
                "field": "value",
                "stored": "101.50",
                "computed": "100.00",
            },
        ]
        # Limited to another region, the check does not see them.
        assert check_command("--region", "331121101")[0] == 0

        call_command("totals", "--rebuild", "--region", "331121", stdout=io.StringIO())
        assert check_command() == (0, "企业数据汇总与重算一致\n")

    def test_a_surplus_row_and_a_stale_pair_are_differences(self):
        pair = RegionPeriodTotal.objects.get(
            region=self.county, period="2023-04", element=self.elements["tech_dev_expense"]
        )
        pair.comparable_previous = D(71)
        pair.save()
        RegionPeriodTotal.objects.create(
            region=self.jinyun, period="2023-04", element=pair.element, aggregation="x", value=1
        )
        fields = {(d.region, d.field, d.stored, d.computed) for d in totals_differences()}
        assert fields == {
            ("331121", "comparable_previous", D(71), D(70)),
            ("331122", "value", D(1), None),
        }
        totals_refresh()
        assert totals_differences() == []

    def test_the_command_refuses_an_unknown_region_or_a_bad_period(self):
        for args in (["--region", "999999"], ["--period", "2023-13"]):
            with pytest.raises(CommandError) as caught:
                call_command("totals", "--check", *args, stdout=io.StringIO())
            assert caught.value.returncode == 2


class DeleteTests(IndicatorTestCase):
    def save(self, firm, period, **figures):
        return enterprise_month_save(actor=self.staff, enterprise=firm, period=period, **figures)

    def test_deleting_a_firm_with_monthly_data_leaves_the_check_clean(self):
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(100))
        self.save(self.ent_b, "2022-04", revenue=D(700), tech_dev_expense=D(70))
        self.save(self.ent_b, "2023-04", revenue=D(500), tech_dev_expense=D(20))
        enterprise_delete(actor=self.staff, enterprise=self.ent_b)
        assert not Enterprise.objects.filter(pk=self.ent_b.pk).exists()
        assert not EnterpriseMonth.objects.filter(enterprise_id=self.ent_b.pk).exists()
        assert totals_differences() == []
        assert check_command()[0] == 0
        # Only firm A is left: township B and 2022-04 have no totals any more.
        assert not RegionPeriodTotal.objects.filter(region=self.township_b).exists()
        assert not RegionPeriodTotal.objects.filter(period="2022-04").exists()
        county = RegionPeriodTotal.objects.get(
            region=self.county, period="2023-04", element=self.elements["tech_dev_expense"]
        )
        assert (county.value, county.comparable_current) == (D(100), None)

    def test_a_firm_still_referred_to_is_not_deleted_and_its_totals_stay(self):
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(100))
        before = list(RegionPeriodTotal.objects.order_by("pk").values_list("pk", "value"))
        with pytest.raises(ValidationError) as caught:
            enterprise_delete(actor=self.staff, enterprise=self.ent_a)  # ent_user_a's firm
        assert caught.value.messages == ["青田甲阀门有限公司仍有用户引用，不能删除"]
        assert EnterpriseMonth.objects.filter(enterprise=self.ent_a).exists()
        assert list(RegionPeriodTotal.objects.order_by("pk").values_list("pk", "value")) == before

    def test_deleting_a_month_refreshes_its_period_and_next_years_pair(self):
        self.save(self.ent_a, "2022-04", revenue=D(700), tech_dev_expense=D(70))
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(100))
        month = EnterpriseMonth.objects.get(enterprise=self.ent_a, period="2022-04")
        with pytest.raises(PermissionDenied):
            enterprise_month_delete(actor=self.liaison_a, month=month)
        enterprise_month_delete(actor=self.staff, month=month)
        assert not RegionPeriodTotal.objects.filter(period="2022-04").exists()
        pair = RegionPeriodTotal.objects.get(
            region=self.county, period="2023-04", element=self.elements["tech_dev_expense"]
        )
        assert (pair.comparable_current, pair.comparable_previous) == (None, None)
        assert totals_differences() == []

    def test_only_the_bureau_deletes_firms_and_history_names_the_actor(self):
        self.save(self.ent_b, "2023-04", revenue=D(1000), tech_dev_expense=D(100))
        for actor in (self.liaison_b, self.liaison_a):
            with pytest.raises(PermissionDenied):
                enterprise_delete(actor=actor, enterprise=self.ent_b)
        assert EnterpriseMonth.objects.filter(enterprise=self.ent_b).exists()
        enterprise_delete(actor=self.leader, enterprise=self.ent_b)
        deleted = EnterpriseMonth.history.filter(history_type="-").get()
        assert deleted.history_user == self.leader
        assert Enterprise.history.filter(history_type="-").get().history_user == self.leader

    def test_a_firm_moved_and_rewritten_leaves_no_difference(self):
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(100))
        self.save(self.ent_a, "2022-04", revenue=D(900), tech_dev_expense=D(90))
        moved = enterprise_update(
            actor=self.admin, enterprise=self.ent_a, township=self.jinyun_town
        )
        assert totals_differences() == []  # rows keep where the firm was when filed
        enterprise_month_save(
            actor=self.admin, enterprise=moved, period="2023-04", tech_dev_expense=D(110)
        )
        assert not RegionPeriodTotal.objects.filter(region=self.township_a, period="2023-04")
        assert RegionPeriodTotal.objects.filter(region=self.township_a, period="2022-04")
        assert RegionPeriodTotal.objects.filter(region=self.jinyun, period="2023-04").exists()
        assert totals_differences() == []

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jinyun_town = other_township(cls.jinyun)


class ImportHookTests(IndicatorTestCase):
    def test_a_save_outside_begin_and_end_refreshes_the_totals_itself(self):
        spec = excel.get_spec("enterprise_months")
        context = spec.form_kwargs(self.staff)
        form = spec.form_class(
            data={"credit_code": self.ent_a.credit_code, "period": "2023-04", "revenue": "80"},
            **context,
        )
        assert form.is_valid(), form.errors
        spec.save(form, self.staff)
        assert RegionPeriodTotal.objects.filter(region=self.county, period="2023-04").exists()
        assert totals_differences() == []

    def test_begin_and_end_refresh_once_after_the_last_save(self):
        spec = excel.get_spec("enterprise_months")
        context = spec.form_kwargs(self.staff)
        forms = [
            spec.form_class(
                data={"credit_code": firm.credit_code, "period": p, "revenue": "90"}, **context
            )
            for firm in (self.ent_a, self.ent_b)
            for p in ("2023-04", "2023-06")
        ]
        assert all(f.is_valid() for f in forms)
        spec.begin(self.staff, context)
        for form in forms:
            spec.save(form, self.staff)
        assert not RegionPeriodTotal.objects.exists()  # not yet: the batch waits for end()
        spec.end(self.staff, context)
        assert RegionPeriodTotal.objects.filter(period="2023-06").exists()
        assert totals_differences() == []


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentTotalsTest(TransactionTestCase):
    """Twenty threads, each in its own PostgreSQL session, write a month of a different firm
    of one county and period at once (skipped on SQLite: see core's ConcurrentWritersTest)."""

    make_user = CastTestCase.__dict__["make_user"]

    def setUp(self):
        reload_reference_data()
        CastTestCase.__dict__["setUpTestData"].__func__(type(self))

    def _fixture_teardown(self):
        super()._fixture_teardown()
        reload_reference_data()

    def test_twenty_concurrent_month_writes_all_succeed_and_add_up(self):
        assert connection.vendor == "postgresql"
        townships = [self.township_a, self.township_b]
        firms = [
            IndicatorTestCase.firm.__func__(type(self), 700 + i, townships[i % 2], f"并发企业{i}")
            for i in range(20)
        ]
        # Last year's rows of half the firms: the comparable pair is summed concurrently too.
        for i, firm in enumerate(firms[:10]):
            enterprise_month_save(
                actor=self.staff, enterprise=firm, period="2022-04", revenue=D(100 + i)
            )

        def write(i, firm):
            return lambda: enterprise_month_save(
                actor=self.staff,
                enterprise=firm,
                period="2023-04",
                revenue=D(1000 + i),
                tech_dev_expense=D(10 + i),
                rnd_active=i % 3 == 0,
            )

        errors = run_threads([write(i, firm) for i, firm in enumerate(firms)])
        assert errors == []
        assert EnterpriseMonth.objects.filter(period="2023-04").count() == 20
        assert totals_differences() == []
        county = RegionPeriodTotal.objects.get(
            region=self.county, period="2023-04", element__code="main_revenue"
        )
        assert county.value == sum(D(1000 + i) for i in range(20))
        assert county.comparable_previous == sum(D(100 + i) for i in range(10))
