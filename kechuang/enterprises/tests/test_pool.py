"""The cultivation pool: services and their refusals, pages, funnel and the pool's Excel."""

import datetime
import io
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from kechuang.core.choices import Role
from kechuang.core.excel import run_import
from kechuang.core.models import Job
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.choices import POOL_WORKFLOW, PoolStatus
from kechuang.enterprises.importers.pool import POOL_SHEET
from kechuang.enterprises.models import PoolEntry, Tier, Visit
from kechuang.enterprises.services import (
    enterprise_create,
    pool_entry_add,
    pool_entry_assign,
    pool_entry_transition,
    visit_log,
)

TODAY = datetime.date(2023, 6, 30)
HEADER = ["统一社会信用代码", "企业名称", "培育目标", "申报年度", "状态", "联系干部", "备注"]


def frozen(day=TODAY):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class PoolTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tsme = Tier.objects.get(code="tsme")
        cls.hnte = Tier.objects.get(code="hnte")
        cls.liaison_a2 = cls.make_user(
            "liaison_a2", Role.LIAISON, cls.township_a, full_name="周干部"
        )
        cls.entry_a = pool_entry_add(
            actor=cls.staff, enterprise=cls.ent_a, tier=cls.hnte, year=2023, entered_on=TODAY
        )
        cls.entry_b = pool_entry_add(
            actor=cls.liaison_b, enterprise=cls.ent_b, tier=cls.tsme, year=2023, entered_on=TODAY
        )


class TransitionTest(PoolTestCase):
    def test_every_transition_is_allowed_or_refused_by_the_table(self):
        for i, (start, end) in enumerate((s, e) for s in PoolStatus for e in PoolStatus):
            with self.subTest(start=start, end=end):
                entry = PoolEntry.objects.create(
                    enterprise=self.ent_a,
                    tier=self.tsme,
                    year=2000 + i,
                    status=start,
                    entered_on=TODAY,
                )
                if POOL_WORKFLOW.transition(start, end):
                    moved = pool_entry_transition(actor=self.staff, entry=entry, status=end)
                    self.assertEqual(moved.status, end)
                else:
                    with self.assertRaises(ValidationError) as caught:
                        pool_entry_transition(actor=self.staff, entry=entry, status=end)
                    message = caught.exception.message_dict["status"][0]
                    self.assertIn(f"“{start.label}”", message)
                    self.assertIn(f"“{end.label}”", message)
                    entry.refresh_from_db()
                    self.assertEqual(entry.status, start)

    def test_it_records_the_date_the_note_and_who_moved_it(self):
        with frozen():
            moved = pool_entry_transition(
                actor=self.liaison_a, entry=self.entry_a, status="coaching", note="已对接辅导机构"
            )
        self.assertEqual(moved.status_changed_on, TODAY)
        self.assertIn("2023-06-30 辅导中：已对接辅导机构", moved.note)
        self.assertEqual(moved.history.first().history_user, self.liaison_a)

    def test_a_liaison_of_another_township_cannot_move_it(self):
        with self.assertRaises(PermissionDenied):
            pool_entry_transition(actor=self.liaison_b, entry=self.entry_a, status="coaching")


class AddAndAssignTest(PoolTestCase):
    def test_firm_institute_and_read_only_users_cannot_add_to_the_pool(self):
        for user in (self.ent_user_a, self.viewer, self.commissioner, self.inst_user):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                pool_entry_add(actor=user, enterprise=self.ent_a, tier=self.tsme, year=2024)

    def test_a_liaison_adds_firms_of_its_own_township_only(self):
        entry = pool_entry_add(
            actor=self.liaison_a, enterprise=self.ent_a, tier=self.tsme, year=2024
        )
        self.assertEqual(entry.status, PoolStatus.CANDIDATE)
        self.assertEqual(entry.history.first().history_user, self.liaison_a)
        with self.assertRaises(PermissionDenied):
            pool_entry_add(actor=self.liaison_b, enterprise=self.ent_a, tier=self.tsme, year=2025)

    def test_a_firm_enters_a_tier_and_year_once(self):
        with self.assertRaises(ValidationError) as caught:
            pool_entry_add(actor=self.staff, enterprise=self.ent_a, tier=self.hnte, year=2023)
        self.assertIn("该企业已在该年度该目标的培育库中", str(caught.exception))

    def test_the_liaison_must_cover_the_firms_township(self):
        entry = pool_entry_assign(actor=self.staff, entry=self.entry_a, liaison=self.liaison_a2)
        self.assertEqual(entry.liaison, self.liaison_a2)
        with self.assertRaises(ValidationError) as caught:
            pool_entry_assign(actor=self.staff, entry=self.entry_a, liaison=self.liaison_b)
        self.assertIn("不负责鹤城街道", str(caught.exception))
        with self.assertRaises(ValidationError):
            pool_entry_assign(actor=self.staff, entry=self.entry_a, liaison=self.ent_user_a)


class VisitTest(PoolTestCase):
    def test_a_next_date_before_the_visit_is_refused_in_chinese(self):
        with frozen(), self.assertRaises(ValidationError) as caught:
            visit_log(
                actor=self.liaison_a,
                entry=self.entry_a,
                visited_on=TODAY,
                visitors="王科员",
                agreed="完善研发台账",
                next_on=TODAY - datetime.timedelta(days=1),
            )
        self.assertEqual(caught.exception.message_dict["next_on"], ["下次跟进日期不能早于走访日期"])

    def test_a_visit_is_logged_with_its_recorder(self):
        with frozen():
            visit = visit_log(
                actor=self.liaison_a,
                entry=self.entry_a,
                visited_on=TODAY,
                visitors="王科员、周干部",
                agreed="完善研发台账",
                next_step="提交专利申请",
                next_on=TODAY,
            )
        self.assertEqual(visit.recorded_by, self.liaison_a)
        self.assertEqual(visit.history.first().history_user, self.liaison_a)

    def test_the_page_shows_the_visit_error(self):
        self.client.force_login(self.liaison_a)
        with frozen():
            response = self.client.post(
                f"/enterprises/pool/{self.entry_a.pk}/visits/new/",
                {
                    "visited_on": "2023-06-30",
                    "visitors": "王科员",
                    "agreed": "商定",
                    "next_on": "2023-06-01",
                },
            )
        self.assertContains(response, "下次跟进日期不能早于走访日期")
        self.assertFalse(Visit.objects.exists())

    def test_the_page_adds_a_visit(self):
        self.client.force_login(self.liaison_a)
        with frozen():
            response = self.client.post(
                f"/enterprises/pool/{self.entry_a.pk}/visits/new/",
                {
                    "visited_on": "2023-06-20",
                    "visitors": "王科员",
                    "agreed": "补充知识产权",
                    "next_step": "复查",
                    "next_on": "2023-07-20",
                },
            )
        self.assertRedirects(response, f"/enterprises/pool/{self.entry_a.pk}/")
        self.assertContains(self.client.get(response.url), "补充知识产权")


class ScopingTest(PoolTestCase):
    def test_a_liaison_of_township_b_cannot_see_or_change_township_a(self):
        self.client.force_login(self.liaison_b)
        pk = self.entry_a.pk
        self.assertEqual(self.client.get(f"/enterprises/pool/{pk}/").status_code, 404)
        for url, data in (
            (f"/enterprises/pool/{pk}/status/", {"status": "coaching"}),
            (f"/enterprises/pool/{pk}/assign/", {"liaison": self.liaison_b.pk}),
            (f"/enterprises/pool/{pk}/visits/new/", {"visitors": "x", "agreed": "y"}),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 404)
        self.entry_a.refresh_from_db()
        self.assertEqual(self.entry_a.status, PoolStatus.CANDIDATE)

    def test_the_list_and_the_funnel_hold_only_the_liaisons_township(self):
        self.client.force_login(self.liaison_b)
        response = self.client.get("/enterprises/pool/")
        self.assertEqual([e.pk for e in response.context["page"].object_list], [self.entry_b.pk])
        data = self.client.get("/enterprises/pool/funnel/data/", {"year": 2023}).json()
        self.assertEqual([t["code"] for t in data["tiers"]], ["tsme"])
        other = self.client.get(
            "/enterprises/pool/funnel/data/", {"year": 2023, "township": self.township_a.pk}
        ).json()
        self.assertEqual(other["tiers"], [])

    def test_firm_and_viewer_users_get_no_pool_forms(self):
        for user in (self.ent_user_a, self.viewer):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/enterprises/pool/new/").status_code, 403)
                response = self.client.post(
                    f"/enterprises/pool/{self.entry_a.pk}/status/", {"status": "coaching"}
                )
                self.assertEqual(response.status_code, 403)

    def test_the_firm_sees_its_pool_entry_on_its_record_without_buttons(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(response, '<div class="card-header">培育库</div>')
        self.assertContains(response, "高新技术企业")
        self.assertNotContains(response, "加入培育库")

    def test_staff_may_add_from_the_record_of_a_firm_not_in_the_pool(self):
        firm = enterprise_create(
            actor=self.admin,
            credit_code=credit_code(50),
            name="鹤城新企业",
            township=self.township_a,
            industry_division="34",
        )
        self.client.force_login(self.staff)
        response = self.client.get(f"/enterprises/{firm.pk}/")
        self.assertContains(response, f"/enterprises/pool/new/?enterprise={firm.pk}")
        self.client.force_login(self.viewer)
        self.assertNotContains(
            self.client.get(f"/enterprises/{firm.pk}/"), '<div class="card-header">培育库</div>'
        )


class PagesTest(PoolTestCase):
    def test_staff_add_a_firm_through_the_page(self):
        self.client.force_login(self.staff)
        self.assertContains(
            self.client.get(f"/enterprises/pool/new/?enterprise={self.ent_b.pk}"),
            self.ent_b.credit_code,
        )
        response = self.client.post(
            "/enterprises/pool/new/",
            {
                "enterprise": self.ent_b.name,
                "tier": self.hnte.pk,
                "year": 2024,
                "liaison": self.liaison_b.pk,
                "entered_on": "2023-06-30",
            },
        )
        entry = PoolEntry.objects.get(enterprise=self.ent_b, tier=self.hnte)
        self.assertRedirects(response, f"/enterprises/pool/{entry.pk}/")
        self.assertEqual(entry.liaison, self.liaison_b)

    def test_htmx_status_button_swaps_the_fragment(self):
        self.client.force_login(self.staff)
        url = f"/enterprises/pool/{self.entry_a.pk}/status/"
        response = self.client.post(url, {"status": "applied"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<div id="pool-status">'))
        self.assertIn("已申报", html)
        self.assertNotIn("<html", html)
        refused = self.client.post(url, {"status": "coaching"}, headers={"HX-Request": "true"})
        self.assertContains(refused, "培育状态不能从“已申报”改为“辅导中”")

    def test_a_plain_status_post_redirects_to_the_entry(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/enterprises/pool/{self.entry_a.pk}/status/", {"status": "coaching"}
        )
        self.assertRedirects(response, f"/enterprises/pool/{self.entry_a.pk}/")

    def test_assigning_a_liaison_through_the_page(self):
        self.client.force_login(self.staff)
        self.client.post(
            f"/enterprises/pool/{self.entry_a.pk}/assign/", {"liaison": self.liaison_a2.pk}
        )
        self.entry_a.refresh_from_db()
        self.assertEqual(self.entry_a.liaison, self.liaison_a2)

    def test_the_funnel_page_loads_echarts_locally(self):
        self.client.force_login(self.staff)
        response = self.client.get("/enterprises/pool/funnel/")
        self.assertContains(response, "/static/vendor/echarts/echarts.min.js")
        self.assertNotContains(response, "cdn")


class ListTest(PoolTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i in range(34):
            firm = enterprise_create(
                actor=cls.admin,
                credit_code=credit_code(200 + i),
                name=f"培育企业{i:02d}",
                township=cls.township_a if i % 2 else cls.township_b,
                industry_division="34",
            )
            pool_entry_add(
                actor=cls.staff,
                enterprise=firm,
                tier=cls.tsme if i % 3 else cls.hnte,
                year=2023,
                liaison=cls.liaison_a2 if i % 2 else None,
                entered_on=TODAY,
                status=PoolStatus.COACHING if i % 5 == 0 else PoolStatus.CANDIDATE,
            )

    def names(self, **params) -> list[str]:
        self.client.force_login(self.staff)
        response = self.client.get("/enterprises/pool/", params)
        return [e.enterprise.name for e in response.context["page"].object_list]

    def test_it_filters_by_tier_status_township_liaison_year_and_search(self):
        self.assertEqual(len(self.names(tier=self.hnte.pk, year=2023, page=1)), 13)
        self.assertEqual(len(self.names(status="coaching")), 7)
        self.assertTrue(set(self.names(township=self.township_b.pk)) >= {"温溪乙鞋业有限公司"})
        self.assertEqual(len(self.names(liaison=self.liaison_a2.pk)), 17)
        self.assertEqual(self.names(q="企业07"), ["培育企业07"])
        self.assertEqual(self.names(year=2022), [])

    def test_it_orders_by_township_then_status_and_paginates(self):
        self.client.force_login(self.staff)
        response = self.client.get("/enterprises/pool/")
        page = response.context["page"]
        self.assertEqual(page.paginator.count, 36)
        self.assertEqual(len(page.object_list), 30)
        first = page.object_list[0]
        self.assertEqual(first.enterprise.township, self.township_a)
        self.assertEqual(first.status, PoolStatus.CANDIDATE)
        matrix = response.context["matrix"]["rows"]
        self.assertEqual([r["township"] for r in matrix], ["鹤城街道", "温溪镇"])
        self.assertEqual(sum(r["total"] for r in matrix), 36)

    def test_the_list_runs_a_fixed_number_of_queries(self):
        self.client.force_login(self.staff)
        self.client.get("/enterprises/pool/")
        # session, user, user's region, count, page, matrix, the selects (tier, township, liaison)
        with self.assertNumQueries(9):
            self.client.get("/enterprises/pool/")

    def test_htmx_gets_only_the_table(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            "/enterprises/pool/", {"q": "07"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, "培育企业07")


class FunnelTest(PoolTestCase):
    def test_each_layer_counts_the_entries_that_reached_it(self):
        firms = [
            enterprise_create(
                actor=self.admin,
                credit_code=credit_code(300 + i),
                name=f"漏斗企业{i}",
                township=self.township_a,
                industry_division="34",
            )
            for i in range(6)
        ]
        moves = [
            [],
            ["coaching"],
            ["coaching", "applied"],
            ["applied", "certified"],
            ["coaching", "applied", "not_passed"],
            ["not_passed"],
        ]
        for firm, path in zip(firms, moves, strict=True):
            entry = pool_entry_add(actor=self.staff, enterprise=firm, tier=self.tsme, year=2024)
            for status in path:
                entry = pool_entry_transition(actor=self.staff, entry=entry, status=status)
        self.client.force_login(self.staff)
        data = self.client.get("/enterprises/pool/funnel/data/", {"year": 2024}).json()
        self.assertEqual(data["stages"], ["培育对象", "辅导中", "已申报", "已认定"])
        self.assertEqual(
            data["tiers"],
            [{"code": "tsme", "name": "科技型中小企业", "counts": [6, 4, 3, 1], "not_passed": 2}],
        )
        self.client.force_login(self.liaison_b)
        data = self.client.get("/enterprises/pool/funnel/data/", {"year": 2024}).json()
        self.assertEqual(data["tiers"], [])


def read(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


class PoolExcelTest(PoolTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        pool_entry_assign(actor=cls.staff, entry=cls.entry_a, liaison=cls.liaison_a2)
        pool_entry_transition(
            actor=cls.staff, entry=cls.entry_a, status="coaching", on=TODAY, note="辅导"
        )
        cls.entry_a2 = pool_entry_add(
            actor=cls.staff, enterprise=cls.ent_a, tier=cls.tsme, year=2023, note="同一企业两条"
        )

    def export(self, user=None) -> bytes:
        self.client.force_login(user or self.staff)
        response = self.client.get("/imports/pool/export/")
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_the_export_has_the_sheet_columns(self):
        rows = read(self.export())
        self.assertEqual(list(rows[0]), HEADER)
        self.assertIn(
            (
                self.ent_a.credit_code,
                self.ent_a.name,
                "高新技术企业",
                2023,
                "辅导中",
                "liaison_a2",
                "2023-06-30 辅导中：辅导",
            ),
            [tuple(r) for r in rows[1:]],
        )

    def test_an_export_reimports_unchanged(self):
        content = self.export()
        result = run_import(POOL_SHEET, content, self.staff, dry_run=False)
        self.assertEqual(result.errors, [])
        self.assertEqual(result.summary(), {"新增": 0, "更新": 0, "无变化": 3, "错误": 0})
        self.assertEqual(read(self.export()), read(content))

    def test_a_liaisons_export_reimports_for_that_liaison(self):
        result = run_import(POOL_SHEET, self.export(self.liaison_b), self.liaison_b, dry_run=True)
        self.assertEqual(result.summary()["无变化"], 1)

    def test_a_screening_list_with_extra_columns_imports_as_candidates(self):
        firm = enterprise_create(
            actor=self.admin,
            credit_code=credit_code(400),
            name="筛选企业",
            township=self.township_a,
            industry_division="34",
        )
        content = xlsx(
            HEADER + ["评估结论", "未满足条件", "差距"],
            [
                [firm.credit_code.lower(), "筛选企业", "hnte", 2024, "", "", "", "可申报", "", ""],
                [
                    self.ent_a.credit_code,
                    self.ent_a.name,
                    "高新技术企业",
                    2023,
                    "辅导中",
                    "liaison_a2",
                    "2023-06-30 辅导中：辅导",
                    "不可申报",
                    "研发费用占比",
                    "50.00万元",
                ],
            ],
        )
        result = run_import(POOL_SHEET, content, self.staff, dry_run=False)
        self.assertEqual(result.errors, [])
        self.assertEqual(result.summary(), {"新增": 1, "更新": 0, "无变化": 1, "错误": 0})
        entry = PoolEntry.objects.get(enterprise=firm)
        self.assertEqual((entry.tier, entry.year, entry.status), (self.hnte, 2024, "candidate"))

    def test_a_file_without_the_optional_columns_keeps_current_values(self):
        content = xlsx(
            ["统一社会信用代码", "培育目标", "申报年度"],
            [[self.ent_a.credit_code, "hnte", 2023]],
        )
        result = run_import(POOL_SHEET, content, self.staff, dry_run=True)
        self.assertEqual(result.summary()["无变化"], 1)

    def test_bad_rows_are_reported_and_nothing_is_written(self):
        content = xlsx(
            HEADER,
            [
                [self.ent_a.credit_code, "", "高新技术企业", 2023, "已认定", "", ""],
                [self.ent_b.credit_code, "", "科技小巨人", 2023, "", "", ""],
                [self.ent_b.credit_code, "", "科技型中小企业", 2023, "", "nobody", ""],
                [self.ent_b.credit_code, "", "tsme", 2023, "", "", ""],
            ],
        )
        result = run_import(POOL_SHEET, content, self.staff, dry_run=False)
        messages = [str(e) for e in result.errors]
        self.assertIn("第2行【状态】：培育状态不能从“辅导中”改为“已认定”", messages)
        self.assertIn("第3行【培育目标】：未知的培育目标：科技小巨人", messages)
        self.assertIn("第4行【联系干部】：未知的联系干部：nobody", messages)
        self.assertIn("第5行【统一社会信用代码】：与第4行是同一企业、培育目标和年度", messages)
        self.assertFalse(result.committed)

    def test_a_liaison_cannot_import_another_townships_firm(self):
        content = xlsx(HEADER, [[self.ent_a.credit_code, "", "tsme", 2024, "", "", ""]])
        result = run_import(POOL_SHEET, content, self.liaison_b, dry_run=True)
        self.assertEqual(
            [str(e) for e in result.errors],
            [f"第2行【统一社会信用代码】：未知的企业：{self.ent_a.credit_code}"],
        )

    def test_the_import_page_previews_then_writes(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        content = xlsx(HEADER, [[self.ent_b.credit_code, "", "hnte", 2024, "", "", "页面导入"]])
        self.client.force_login(self.liaison_b)
        response = self.client.post(
            "/imports/pool/", {"file": SimpleUploadedFile("pool.xlsx", content)}
        )
        self.assertContains(response, "新增 1 条")
        token = response.context["token"]
        response = self.client.post("/imports/pool/confirm/", {"token": token})
        job = Job.objects.latest("pk")
        self.assertRedirects(response, f"/jobs/{job.pk}/")
        self.assertEqual((job.user, job.result["summary"]["新增"]), (self.liaison_b, 1))
        self.assertTrue(PoolEntry.objects.filter(enterprise=self.ent_b, note="页面导入").exists())
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get("/imports/pool/").status_code, 403)
