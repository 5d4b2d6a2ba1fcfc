"""Qualifications with validity, the derived tier, regional tiers, plaques, counts and the
published-list import."""

import datetime
import io
import tempfile
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kechuang.core import excel
from kechuang.core.models import AuditEvent, Region
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.choices import QualificationSource, TierValidity
from kechuang.enterprises.models import Enterprise, Qualification, Tier
from kechuang.enterprises.selectors import qualifications as selectors
from kechuang.enterprises.services import enterprise_create, qualification_save, tier_save

D = datetime.date
LIST_HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "资质",
    "年度",
    "证书/登记编号",
    "发证日期",
    "公示批次",
]


class LadderTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hnte = Tier.objects.get(code="hnte")
        cls.tsme = Tier.objects.get(code="tsme")
        cls.giant = tier_save(
            actor=cls.staff,
            region=cls.county,
            code="qt-giant",
            name="科技小巨人",
            rank=30,
            validity=TierValidity.YEARS,
            validity_years=3,
            criteria="按本县文件认定",
            document="示例文件",
            is_example=True,
        )
        cls.ent_c = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(3),
            name="鹤城丙电子有限公司",
            township=cls.township_a,
            industry_division="39",
        )

    def qualify(self, enterprise, tier, year, issued_on=None, number=""):
        return qualification_save(
            actor=self.staff,
            enterprise=enterprise,
            tier=tier,
            year=year,
            issued_on=issued_on,
            number=number,
        )


class ValidityTest(LadderTestCase):
    def test_hnte_is_valid_three_years_minus_a_day_from_issue(self):
        q = self.qualify(self.ent_a, self.hnte, 2023, D(2023, 12, 8))
        self.assertEqual((q.valid_from, q.valid_until), (D(2023, 12, 8), D(2026, 12, 7)))

    def test_hnte_issued_on_29_february(self):
        q = self.qualify(self.ent_a, self.hnte, 2024, D(2024, 2, 29))
        self.assertEqual((q.valid_from, q.valid_until), (D(2024, 2, 29), D(2027, 2, 27)))

    def test_tsme_is_valid_only_in_its_year(self):
        q = self.qualify(self.ent_a, self.tsme, 2023)
        self.assertEqual((q.valid_from, q.valid_until), (D(2023, 1, 1), D(2023, 12, 31)))
        self.assertTrue(q.is_valid_on(D(2023, 12, 31)))
        self.assertFalse(q.is_valid_on(D(2024, 1, 1)))

    def test_validation_messages_name_their_field(self):
        cases = [
            ({"tier": self.hnte, "year": 2023}, "issued_on", "高新技术企业须填写发证日期"),
            (
                {"tier": self.hnte, "year": 2023, "issued_on": D(2020, 1, 1)},
                "issued_on",
                "发证日期与年度不符",
            ),
            ({"tier": self.tsme, "year": 1980}, "year", "确保该值大于或等于1990"),
        ]
        for fields, field, message in cases:
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                qualification_save(actor=self.staff, enterprise=self.ent_a, **fields)
            self.assertIn(message, "".join(caught.exception.message_dict[field]))

    def test_a_number_is_used_once_per_tier(self):
        self.qualify(self.ent_a, self.tsme, 2023, number="202333112100001")
        with self.assertRaises(ValidationError) as caught:
            self.qualify(self.ent_b, self.tsme, 2023, number="202333112100001")
        self.assertIn("证书/登记编号已被使用", str(caught.exception))

    def test_saving_the_same_firm_tier_and_year_updates_it(self):
        first = self.qualify(self.ent_a, self.tsme, 2023)
        second = self.qualify(self.ent_a, self.tsme, 2023, number="202333112100002")
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Qualification.objects.filter(enterprise=self.ent_a).count(), 1)

    def test_firm_users_and_other_townships_may_not_record(self):
        for user, enterprise in ((self.ent_user_a, self.ent_a), (self.liaison_b, self.ent_a)):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                qualification_save(actor=user, enterprise=enterprise, tier=self.tsme, year=2023)

    def test_a_regional_tier_applies_only_inside_its_region(self):
        lishui = Region.objects.get(code="331102")
        other = tier_save(
            actor=self.admin,
            region=lishui,
            code="ld-giant",
            name="莲都小巨人",
            rank=30,
            validity=TierValidity.CALENDAR_YEAR,
        )
        with self.assertRaises(ValidationError) as caught:
            self.qualify(self.ent_a, other, 2023)
        self.assertIn("不适用于", caught.exception.message_dict["tier"][0])


class CurrentTierTest(LadderTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        save = dict(actor=cls.staff, enterprise=cls.ent_a)
        qualification_save(**save, tier=cls.hnte, year=2020, issued_on=D(2020, 12, 1))
        qualification_save(**save, tier=cls.tsme, year=2023)

    def test_the_valid_hnte_is_the_current_tier(self):
        self.assertEqual(selectors.current_tier(self.ent_a, D(2023, 6, 30)), self.hnte)

    def test_an_expired_hnte_falls_back_to_the_valid_tsme(self):
        self.assertEqual(selectors.current_tier(self.ent_a, D(2023, 12, 1)), self.tsme)

    def test_nothing_valid_means_no_tier(self):
        self.assertIsNone(selectors.current_tier(self.ent_a, D(2024, 1, 1)))
        self.assertIsNone(selectors.current_tier(self.ent_b, D(2023, 6, 30)))

    def test_a_regional_tier_of_higher_rank_wins(self):
        self.qualify(self.ent_a, self.giant, 2023, D(2023, 3, 1))
        self.assertEqual(selectors.current_tier(self.ent_a, D(2023, 6, 30)), self.giant)

    def test_today_is_the_default_day(self):
        with mock.patch("django.utils.timezone.localdate", return_value=D(2023, 12, 1)):
            self.assertEqual(selectors.current_tier(self.ent_a), self.tsme)

    def test_lists_get_the_current_tier_in_one_query(self):
        firms = Enterprise.objects.filter(pk__in=[self.ent_a.pk, self.ent_b.pk]).order_by("pk")
        with self.assertNumQueries(1):
            rows = [
                (e.current_tier_code, e.current_tier_name)
                for e in selectors.with_current_tier(firms, D(2023, 6, 30))
            ]
        self.assertEqual(rows, [("hnte", "高新技术企业"), (None, None)])

    def test_the_record_page_shows_the_badge_and_the_history(self):
        self.client.force_login(self.ent_user_a)
        with mock.patch("django.utils.timezone.localdate", return_value=D(2023, 6, 30)):
            response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(
            response,
            '<span class="badge bg-success" id="current-tier">高新技术企业</span>',
            html=False,
        )
        self.assertContains(response, "2020-12-01 至 2023-11-30")
        self.assertContains(response, 'id="ladder-history"')
        self.assertNotContains(response, "登记资质")  # a firm cannot certify itself


class TierTest(LadderTestCase):
    def test_tiers_for_a_user_are_national_and_those_of_regions_above(self):
        lishui = Region.objects.get(code="331102")
        tier_save(
            actor=self.admin,
            region=lishui,
            code="ld-giant",
            name="莲都小巨人",
            rank=30,
            validity=TierValidity.CALENDAR_YEAR,
        )
        tier_save(
            actor=self.admin,
            region=self.city,
            code="ls-leader",
            name="丽水科技领军企业",
            rank=40,
            validity=TierValidity.CALENDAR_YEAR,
        )
        codes = set(selectors.tiers_for(self.liaison_a).values_list("code", flat=True))
        self.assertEqual(codes, {"tsme", "hnte", "qt-giant", "ls-leader"})

    def test_national_tiers_are_refused(self):
        with self.assertRaises(PermissionDenied):
            tier_save(
                actor=self.staff,
                region=None,
                code="x",
                name="x",
                rank=1,
                validity=TierValidity.CALENDAR_YEAR,
            )
        with self.assertRaises(PermissionDenied):
            tier_save(
                actor=self.staff,
                region=self.county,
                code="hnte",
                name="高企",
                rank=20,
                validity=TierValidity.CALENDAR_YEAR,
            )

    def test_only_bureau_staff_of_the_region_define_tiers(self):
        for user in (self.liaison_a, self.ent_user_a, self.viewer):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                tier_save(
                    actor=user,
                    region=self.township_a,
                    code="t",
                    name="t",
                    rank=1,
                    validity=TierValidity.CALENDAR_YEAR,
                )
        with self.assertRaises(PermissionDenied):
            tier_save(
                actor=self.staff,
                region=self.city,
                code="t",
                name="t",
                rank=1,
                validity=TierValidity.CALENDAR_YEAR,
            )

    def test_years_validity_needs_its_number_of_years(self):
        with self.assertRaises(ValidationError) as caught:
            tier_save(
                actor=self.staff,
                region=self.county,
                code="t",
                name="t",
                rank=1,
                validity=TierValidity.YEARS,
            )
        self.assertEqual(
            caught.exception.message_dict["validity_years"], ["按年数计算有效期时必须填写有效年数"]
        )

    def test_the_tier_list_marks_examples_and_edits_only_regional_tiers(self):
        self.client.force_login(self.staff)
        response = self.client.get("/enterprises/tiers/")
        self.assertContains(response, "示例")
        self.assertContains(response, f"/enterprises/tiers/{self.giant.pk}/edit/")
        self.assertNotContains(response, f"/enterprises/tiers/{self.hnte.pk}/edit/")
        self.assertEqual(
            self.client.get(f"/enterprises/tiers/{self.hnte.pk}/edit/").status_code, 404
        )

    def test_staff_edit_a_regional_tier_through_the_page(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/enterprises/tiers/{self.giant.pk}/edit/",
            {
                "region": self.county.pk,
                "code": "ignored",
                "name": "青田科技小巨人",
                "rank": 30,
                "validity": "years",
                "validity_years": 3,
                "criteria": "",
                "document": "",
            },
        )
        self.assertRedirects(response, "/enterprises/tiers/")
        self.giant.refresh_from_db()
        self.assertEqual(
            (self.giant.code, self.giant.name, self.giant.is_example),
            ("qt-giant", "青田科技小巨人", False),
        )

    def test_liaisons_and_firms_do_not_manage_tiers(self):
        for user in (self.liaison_a, self.ent_user_a):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/enterprises/tiers/").status_code, 403)
                self.assertEqual(self.client.get("/enterprises/tiers/new/").status_code, 403)


class PlaquesAndCountsTest(LadderTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        save = dict(actor=cls.staff)
        # ent_a: renewed HNTE in 2023 (held one from 2020); ent_c: first HNTE in 2023.
        qualification_save(
            **save, enterprise=cls.ent_a, tier=cls.hnte, year=2020, issued_on=D(2020, 12, 1)
        )
        qualification_save(
            **save,
            enterprise=cls.ent_a,
            tier=cls.hnte,
            year=2023,
            issued_on=D(2023, 12, 8),
            number="GR202333001",
        )
        qualification_save(
            **save,
            enterprise=cls.ent_c,
            tier=cls.hnte,
            year=2023,
            issued_on=D(2023, 12, 8),
            number="GR202333002",
        )
        qualification_save(
            **save, enterprise=cls.ent_b, tier=cls.hnte, year=2022, issued_on=D(2022, 12, 20)
        )
        for firm in (cls.ent_a, cls.ent_b, cls.ent_c):
            qualification_save(**save, enterprise=firm, tier=cls.tsme, year=2023)

    def test_newly_certified_marks_first_time_and_renewed(self):
        rows = selectors.newly_certified(self.staff, "hnte", 2023)
        self.assertEqual(
            [(q.enterprise.name, q.renewed) for q in rows],
            [("青田甲阀门有限公司", True), ("鹤城丙电子有限公司", False)],
        )
        self.assertEqual(list(selectors.newly_certified(self.liaison_b, "hnte", 2023)), [])

    def test_the_plaques_page_defaults_to_this_year(self):
        self.client.force_login(self.staff)
        with mock.patch("django.utils.timezone.localdate", return_value=D(2023, 12, 20)):
            response = self.client.get("/enterprises/qualifications/plaques/")
        self.assertEqual(response.context["year"], 2023)
        self.assertContains(response, "首次认定 1 家，重新认定 1 家")
        self.assertContains(response, f"?tier={self.hnte.pk}&issued_year=2023")

    def test_the_plaques_export_holds_that_years_certified_firms(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            "/imports/qualifications/export/", {"tier": self.hnte.pk, "issued_year": 2023}
        )
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
        self.assertEqual(
            [(r[0], r[9]) for r in rows[1:]],
            [("青田甲阀门有限公司", "重新认定"), ("鹤城丙电子有限公司", "首次认定")],
        )

    def test_counts_by_township_on_a_day(self):
        counts = selectors.valid_counts_by_township(self.staff, D(2023, 6, 30))
        by_name = {r["township__name"]: (r["hnte"], r["tsme"]) for r in counts["rows"]}
        # On 2023-06-30: ent_a's 2020 HNTE and ent_b's 2022 HNTE are valid; ent_c has none yet.
        self.assertEqual(by_name, {"鹤城街道": (1, 2), "温溪镇": (1, 1)})
        self.assertEqual((counts["total"]["hnte"], counts["total"]["tsme"]), (2, 3))
        later = selectors.valid_counts_by_township(self.staff, D(2024, 1, 1))
        self.assertEqual((later["total"]["hnte"], later["total"]["tsme"]), (3, 0))

    def test_a_liaison_counts_only_its_township(self):
        counts = selectors.valid_counts_by_township(self.liaison_b, D(2023, 6, 30))
        self.assertEqual([r["township__name"] for r in counts["rows"]], ["温溪镇"])

    def test_the_counts_page_pins_its_queries(self):
        self.client.force_login(self.staff)
        self.client.get("/enterprises/qualifications/counts/")  # warm the session
        with self.assertNumQueries(4):  # session, user, user's region, the grouped counts
            response = self.client.get("/enterprises/qualifications/counts/", {"on": "2023-06-30"})
        self.assertContains(response, '<td class="text-end" id="total-hnte">2</td>', html=True)

    def test_firm_users_do_not_see_area_pages(self):
        self.client.force_login(self.ent_user_a)
        for url in ("/enterprises/qualifications/counts/", "/enterprises/qualifications/plaques/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)


class QualificationPagesTest(LadderTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.q_a = qualification_save(
            actor=cls.staff, enterprise=cls.ent_a, tier=cls.tsme, year=2023
        )
        cls.q_b = qualification_save(
            actor=cls.staff, enterprise=cls.ent_b, tier=cls.tsme, year=2023
        )
        for i in range(12):
            firm = enterprise_create(
                actor=cls.admin,
                credit_code=credit_code(200 + i),
                name=f"列表企业{i:02d}",
                township=cls.township_a if i % 2 else cls.township_b,
                industry_division="33",
            )
            qualification_save(
                actor=cls.staff,
                enterprise=firm,
                tier=cls.hnte,
                year=2022,
                issued_on=D(2022, 12, 1),
                number=f"GR2022{i:05d}",
            )

    def names(self, user, **params):
        self.client.force_login(user)
        response = self.client.get("/enterprises/qualifications/", params)
        self.assertEqual(response.status_code, 200)
        return [q.enterprise.name for q in response.context["page"].object_list]

    def test_filters(self):
        self.assertEqual(len(self.names(self.staff, tier=self.hnte.pk)), 12)
        self.assertEqual(
            self.names(self.staff, year=2023, township=self.township_a.pk), ["青田甲阀门有限公司"]
        )
        self.assertEqual(self.names(self.staff, q="GR202200003"), ["列表企业03"])
        self.assertEqual(len(self.names(self.staff, valid_on="2024-06-30")), 12)
        self.assertEqual(len(self.names(self.staff, valid_on="2023-06-30")), 14)
        self.assertEqual(len(self.names(self.staff, valid_on="2026-01-01")), 0)

    def test_the_list_pins_its_queries(self):
        self.client.force_login(self.staff)
        self.client.get("/enterprises/qualifications/")
        # session, user, user's region, count, page rows, the filter's tier and township choices
        with self.assertNumQueries(7):
            self.client.get("/enterprises/qualifications/", {"year": 2022})

    def test_a_liaison_of_township_b_neither_sees_nor_adds_township_a_qualifications(self):
        names = self.names(self.liaison_b)
        self.assertIn("温溪乙鞋业有限公司", names)
        self.assertNotIn("青田甲阀门有限公司", names)
        self.assertEqual(
            self.client.get(f"/enterprises/{self.ent_a.pk}/qualifications/new/").status_code, 404
        )
        response = self.client.post(
            f"/enterprises/{self.ent_a.pk}/qualifications/new/",
            {"tier": self.tsme.pk, "year": 2024},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client.get(f"/enterprises/qualifications/{self.q_a.pk}/edit/").status_code, 404
        )
        self.assertFalse(Qualification.objects.filter(year=2024).exists())

    def test_the_firm_user_sees_only_its_own(self):
        self.assertEqual(self.names(self.ent_user_a), ["青田甲阀门有限公司"])
        self.assertEqual(
            self.client.get(f"/enterprises/{self.ent_a.pk}/qualifications/new/").status_code, 403
        )
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(response, "2023-01-01 至 2023-12-31")

    def test_a_liaison_adds_a_qualification_from_the_record_page(self):
        self.client.force_login(self.liaison_a)
        response = self.client.post(
            f"/enterprises/{self.ent_a.pk}/qualifications/new/",
            {"tier": self.hnte.pk, "year": 2023, "number": "GR2023X", "issued_on": "2023-12-08"},
        )
        self.assertRedirects(response, f"/enterprises/{self.ent_a.pk}/")
        q = Qualification.objects.get(enterprise=self.ent_a, tier=self.hnte)
        self.assertEqual((q.valid_until, q.source), (D(2026, 12, 7), QualificationSource.MANUAL))

    def test_the_form_reports_a_missing_issue_date_and_a_duplicate(self):
        self.client.force_login(self.staff)
        url = f"/enterprises/{self.ent_a.pk}/qualifications/new/"
        response = self.client.post(url, {"tier": self.hnte.pk, "year": 2023})
        self.assertEqual(
            response.context["form"].errors["issued_on"], ["高新技术企业须填写发证日期"]
        )
        response = self.client.post(url, {"tier": self.tsme.pk, "year": 2023})
        self.assertEqual(
            response.context["form"].errors["year"], ["该企业2023年度已有科技型中小企业资质"]
        )

    def test_editing_changes_the_record(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/enterprises/qualifications/{self.q_a.pk}/edit/",
            {"tier": self.tsme.pk, "year": 2023, "number": "202333112100009", "batch": "第一批"},
        )
        self.assertEqual(response.status_code, 302)
        self.q_a.refresh_from_db()
        self.assertEqual((self.q_a.number, self.q_a.batch), ("202333112100009", "第一批"))


class ListImportTest(LadderTestCase):
    spec = excel.get_spec("qualifications")

    def good_list(self):
        return xlsx(
            LIST_HEADER,
            [
                [
                    1,
                    self.ent_a.name,
                    self.ent_a.credit_code,
                    "高新技术企业",
                    2023,
                    "GR202333000101",
                    "2023-12-08",
                    "浙江省2023年第一批",
                ],
                [
                    2,
                    self.ent_c.name,
                    "",
                    "hnte",
                    2023,
                    "GR202333000102",
                    "2023-12-08",
                    "浙江省2023年第一批",
                ],
                [3, self.ent_b.name, "", "科技型中小企业", 2023, "", "", "2023年第三批"],
            ],
        )

    def test_an_unmatched_name_is_reported_and_nothing_is_written(self):
        content = xlsx(
            LIST_HEADER,
            [
                [1, self.ent_a.name, "", "高新技术企业", 2023, "GR1", "2023-12-08", ""],
                [2, "不存在的企业有限公司", "", "高新技术企业", 2023, "GR2", "2023-12-08", ""],
                [3, self.ent_c.name, "", "火箭企业", 2023, "", "", ""],
            ],
        )
        events = AuditEvent.objects.count()
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual(
            [str(e) for e in result.errors],
            [
                "第3行【企业名称】：未匹配到已登记企业：不存在的企业有限公司",
                "第4行【资质】：未知的资质或不适用于该企业：火箭企业",
            ],
        )
        self.assertFalse(result.committed)
        self.assertEqual(Qualification.objects.count(), 0)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_a_firm_of_another_township_is_unmatched_for_its_liaison(self):
        content = xlsx(LIST_HEADER, [[1, self.ent_b.name, "", "科技型中小企业", 2023, "", "", ""]])
        staff_like = self.liaison_a
        with mock.patch.object(type(self.spec), "can_import", return_value=True):
            result = excel.run_import(self.spec, content, staff_like, dry_run=True)
        self.assertEqual(
            [e.message for e in result.errors], [f"未匹配到已登记企业：{self.ent_b.name}"]
        )

    def test_a_good_list_writes_and_reimporting_it_changes_nothing(self):
        result = excel.run_import(self.spec, self.good_list(), self.staff, dry_run=False)
        self.assertTrue(result.committed, [str(e) for e in result.errors])
        self.assertEqual(result.summary()["新增"], 3)
        q = Qualification.objects.get(enterprise=self.ent_c)
        self.assertEqual(
            (q.tier, q.valid_until, q.source, q.batch),
            (self.hnte, D(2026, 12, 7), QualificationSource.LIST, "浙江省2023年第一批"),
        )
        events, count = AuditEvent.objects.count(), Qualification.objects.count()
        again = excel.run_import(self.spec, self.good_list(), self.staff, dry_run=False)
        self.assertTrue(again.committed, [str(e) for e in again.errors])
        self.assertEqual(again.count("update"), 0)
        self.assertEqual(again.count("unchanged"), 3)  # numberless rows too, by firm, tier, year
        self.assertEqual(again.count("create"), 0)
        self.assertEqual(
            (Qualification.objects.count(), AuditEvent.objects.count()), (count, events)
        )

    def test_the_export_reimports_unchanged(self):
        excel.run_import(self.spec, self.good_list(), self.staff, dry_run=False)
        self.client.force_login(self.staff)
        content = self.client.get("/imports/qualifications/export/").content
        events = AuditEvent.objects.count()
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual([str(e) for e in result.errors], [])
        self.assertEqual((result.count("update"), AuditEvent.objects.count()), (0, events))

    def test_a_list_repeating_a_firm_is_refused(self):
        row = [1, self.ent_b.name, "", "科技型中小企业", 2023, "", "", ""]
        result = excel.run_import(
            self.spec, xlsx(LIST_HEADER, [row, row]), self.staff, dry_run=True
        )
        self.assertEqual(
            [str(e) for e in result.errors],
            ["第3行【企业名称】：与第2行是同一企业、资质和年度"],
        )

    def test_liaisons_and_firms_cannot_import(self):
        for user in (self.liaison_a, self.ent_user_a):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/imports/qualifications/").status_code, 403)

    def test_the_cli_dry_run_writes_nothing(self):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(self.good_list())
            handle.flush()
            stdout = io.StringIO()
            call_command("import", "qualifications", handle.name, "--dry-run", stdout=stdout)
        self.assertIn("预检通过：新增 3 条", stdout.getvalue())
        self.assertEqual(Qualification.objects.count(), 0)
