"""Registering and editing platforms, scoping, the criteria check on the page, the list's
filters and the counts the figures read, the record pages' sections and the API."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.tests.cast import CastTestCase
from kechuang.enterprises.models import EnterpriseYear
from kechuang.platforms import criteria, selectors, services
from kechuang.platforms.choices import PlatformLevel, PlatformStatus, PlatformType
from kechuang.platforms.models import Platform
from kechuang.platforms.tests.helpers import make_platform

TODAY = datetime.date(2023, 6, 30)


class PlatformServiceTest(CastTestCase):
    def test_region_follows_the_host_and_exactly_one_host_is_required(self):
        platform = services.platform_create(
            actor=self.staff, name="甲阀门研发中心", type=PlatformType.HNTE_RND_CENTRE,
            level=PlatformLevel.PROVINCIAL, host_enterprise=self.ent_a,
        )  # fmt: skip
        self.assertEqual(
            (platform.region, platform.status), (self.township_a, PlatformStatus.PLANNED)
        )
        inst = services.platform_create(
            actor=self.staff, name="理工研究院平台", type=PlatformType.NEW_RND_INSTITUTE,
            level=PlatformLevel.COUNTY, host_institution=self.institution,
        )  # fmt: skip
        self.assertEqual(inst.region, self.county)
        for hosts in ({}, {"host_enterprise": self.ent_a, "host_institution": self.institution}):
            with self.assertRaises(ValidationError) as caught:
                services.platform_create(
                    actor=self.staff, name=f"无依托{len(hosts)}", type=PlatformType.INCUBATOR,
                    level=PlatformLevel.COUNTY, **hosts,
                )  # fmt: skip
            self.assertIn("host_enterprise", caught.exception.message_dict)

    def test_a_liaison_of_township_b_cannot_see_or_edit_township_as_platform(self):
        platform = make_platform(self)
        self.assertFalse(
            Platform.objects.visible_to(self.liaison_b).filter(pk=platform.pk).exists()
        )
        with self.assertRaises(PermissionDenied):
            services.platform_update(actor=self.liaison_b, platform=platform, field="阀门")
        with self.assertRaises(ValidationError):  # the host itself is out of sight
            services.platform_create(
                actor=self.liaison_b, name="越界平台", type=PlatformType.INCUBATOR,
                level=PlatformLevel.COUNTY, host_enterprise=self.ent_a,
            )  # fmt: skip
        self.client.force_login(self.liaison_b)
        self.assertEqual(self.client.get(platform.get_absolute_url()).status_code, 404)
        self.client.force_login(self.liaison_a)
        self.assertEqual(self.client.get(platform.get_absolute_url()).status_code, 200)

    def test_a_firm_user_registers_for_its_own_firm_and_edits_only_application_data(self):
        platform = services.platform_create(
            actor=self.ent_user_a, name="自建研发中心", type=PlatformType.HNTE_RND_CENTRE,
            level=PlatformLevel.PROVINCIAL, host_enterprise=self.ent_b,
        )  # fmt: skip
        self.assertEqual(platform.host_enterprise, self.ent_a)
        services.platform_update(actor=self.ent_user_a, platform=platform, rnd_staff=20)
        with self.assertRaises(PermissionDenied):
            services.platform_update(actor=self.ent_user_a, platform=platform, level="national")
        self.assertEqual(Platform.objects.get(pk=platform.pk).rnd_staff, 20)


class CriteriaCheckTest(CastTestCase):
    def year(self, year, **values):
        base = dict(employees=100, st_staff=30, sales_revenue=Decimal(30_000_000),
                    total_income=Decimal(30_000_000), rnd_expense=Decimal(2_000_000),
                    ip_class1=1, conversions=3)  # fmt: skip
        base.update(values)
        EnterpriseYear.objects.create(enterprise=self.ent_a, year=year, **base)

    def test_the_host_firms_data_is_checked_with_the_gap(self):
        for year in (2020, 2021, 2022):
            self.year(year)
        centre = make_platform(
            self, status=PlatformStatus.PREPARING, rnd_staff=14, rnd_staff_qualified=14
        )
        check = criteria.criteria_check(centre, as_of=TODAY)
        self.assertEqual(check.policy.key, "zj-rnd-centre-2020")
        by_key = {c["key"]: c for c in check.criteria}
        self.assertIs(by_key["rnd_ratio"]["passed"], True)  # 6.67% of 3000万元
        self.assertIs(by_key["conversions"]["passed"], True)  # 3 × 3
        self.assertIs(by_key["rnd_staff"]["passed"], False)
        self.assertIn("还差 1", by_key["rnd_staff"]["message"])
        self.assertIs(by_key["hnte"]["passed"], False)  # no certificate on file
        self.assertIs(by_key["city_centre"]["passed"], False)
        make_platform(self, status=PlatformStatus.RECOGNISED, level=PlatformLevel.CITY)
        check = criteria.criteria_check(centre, as_of=TODAY)
        self.assertIs({c["key"]: c for c in check.criteria}["city_centre"]["passed"], True)
        self.client.force_login(self.staff)
        with self.settings(KECHUANG_TODAY=TODAY.isoformat()):
            page = self.client.get(centre.get_absolute_url()).content.decode()
        self.assertIn("认定条件对照", page)
        self.assertIn("研发机构专职人员", page)

    def test_no_check_once_applied_or_for_types_without_known_criteria(self):
        self.assertIsNone(
            criteria.criteria_check(make_platform(self, status=PlatformStatus.APPLIED), as_of=TODAY)
        )
        lab = make_platform(self, type=PlatformType.KEY_LABORATORY)
        self.assertIsNone(criteria.criteria_check(lab, as_of=TODAY))
        institute = make_platform(self, type=PlatformType.ENTERPRISE_INSTITUTE)
        self.assertTrue(criteria.criteria_check(institute, as_of=TODAY).example)
        # From 2025 the R&D-centre tier is folded into 省企业研究院: no 2020 rules then.
        self.assertIsNone(
            criteria.policy_for(PlatformType.HNTE_RND_CENTRE, datetime.date(2025, 3, 1))
        )


class CountsAndListTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        d = datetime.date
        cls.applied = [
            make_platform(cls, status=PlatformStatus.APPLIED, type=t, applied_on=day)
            for t, day in [
                (PlatformType.ENTERPRISE_INSTITUTE, d(2023, 4, 10)),
                (PlatformType.HNTE_RND_CENTRE, d(2023, 1, 1)),
                (PlatformType.HNTE_RND_CENTRE, d(2023, 6, 30)),
                (PlatformType.HNTE_RND_CENTRE, d(2023, 7, 1)),  # after June
                (PlatformType.HNTE_RND_CENTRE, d(2022, 12, 31)),  # the year before
            ]
        ]
        make_platform(cls, host=cls.ent_b, status=PlatformStatus.APPLIED, applied_on=d(2023, 3, 1))
        make_platform(cls, status=PlatformStatus.RECOGNISED, recognised_on=d(2023, 5, 5))

    def test_applied_and_recognised_counts_by_region_period_and_type(self):
        self.assertEqual(selectors.applied_count("331121", "2023-06"), 5)  # B's included
        self.assertEqual(selectors.applied_count(self.township_a, "2023-06"), 4)
        self.assertEqual(
            selectors.applied_count("331121", "2023-06", type=PlatformType.HNTE_RND_CENTRE), 4
        )
        self.assertEqual(
            selectors.applied_count("331121", "2023-06", type=PlatformType.ENTERPRISE_INSTITUTE), 1
        )
        self.assertEqual(selectors.applied_count("331121", "2023"), 6)
        self.assertEqual(selectors.recognised_count("331121", "2023-06"), 1)
        self.assertEqual(selectors.recognised_count("331121", "2023-04"), 0)

    def test_the_list_filtered_as_the_figure_lists_exactly_what_it_counts(self):
        self.client.force_login(self.staff)
        url = reverse("platforms:platform_list")
        page = self.client.get(
            url, {"applied": "2023-06", "region": "331121", "type": "hnte_rnd_centre"}
        )
        self.assertEqual(page.context["page"].paginator.count, 4)
        self.assertEqual(
            {p.pk for p in page.context["page"].object_list},
            {
                p.pk
                for p in Platform.objects.filter(
                    type="hnte_rnd_centre",
                    applied_on__range=(datetime.date(2023, 1, 1), datetime.date(2023, 6, 30)),
                )
            },
        )
        self.client.force_login(self.liaison_b)
        self.assertEqual(
            self.client.get(url, {"applied": "2023-06"}).context["page"].paginator.count, 1
        )

    def test_export_follows_the_lists_filters(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            reverse("imports:export", args=["platforms"]),
            {"applied": "2023-06", "type": "enterprise_institute"},
        )
        self.assertEqual(response.status_code, 200)
        import io

        from python_calamine import CalamineWorkbook

        rows = (
            CalamineWorkbook.from_filelike(io.BytesIO(response.content))
            .get_sheet_by_index(0)
            .to_python()
        )
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], self.applied[0].name)


class PagesTest(CastTestCase):
    def test_record_pages_show_their_platforms(self):
        firm_platform = make_platform(self, status=PlatformStatus.RECOGNISED)
        inst_platform = make_platform(
            self, host=self.institution, type=PlatformType.NEW_RND_INSTITUTE
        )
        self.client.force_login(self.staff)
        page = self.client.get(
            reverse("enterprises:enterprise_detail", args=[self.ent_a.pk])
        ).content.decode()
        self.assertIn(firm_platform.name, page)
        page = self.client.get(
            reverse("institutions:institution_detail", args=[self.institution.pk])
        ).content.decode()
        self.assertIn(inst_platform.name, page)
        self.assertNotIn(firm_platform.name, page)

    def test_create_move_and_evaluate_through_the_pages(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("platforms:platform_create"), {
            "name": "青田阀门检测中心", "type": "testing_centre", "level": "county",
            "host_enterprise": self.ent_a.credit_code,
        })  # fmt: skip
        platform = Platform.objects.get(name="青田阀门检测中心")
        self.assertRedirects(response, platform.get_absolute_url())
        self.client.post(
            reverse("platforms:platform_transition", args=[platform.pk]), {"status": "preparing"}
        )
        platform.refresh_from_db()
        self.assertEqual(platform.status, PlatformStatus.PREPARING)
        form = self.client.get(reverse("platforms:evaluation_create", args=[platform.pk]))
        self.assertContains(form, "建设与运行（满分 40）")
        response = self.client.post(reverse("platforms:evaluation_create", args=[platform.pk]), {
            "year": 2023, "sheet": "platform-eval-example", "evaluated_on": "2023-12-20",
            "item_construction": "35", "item_services": "30", "item_management": "20",
        })  # fmt: skip
        self.assertRedirects(response, platform.get_absolute_url())
        evaluation = platform.evaluations.get()
        self.assertEqual(
            (evaluation.total, evaluation.get_grade_display()), (Decimal("85.0"), "优秀")
        )

    def test_a_firm_user_may_not_open_the_evaluation_form(self):
        platform = make_platform(self, status=PlatformStatus.RECOGNISED)
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get(platform.get_absolute_url()).status_code, 200)
        self.assertEqual(
            self.client.get(reverse("platforms:evaluation_create", args=[platform.pk])).status_code,
            403,
        )


class ApiTest(CastTestCase):
    def test_list_and_detail_are_scoped_and_filtered(self):
        mine = make_platform(
            self, status=PlatformStatus.APPLIED, applied_on=datetime.date(2023, 2, 1)
        )
        theirs = make_platform(self, host=self.ent_b)
        self.client.force_login(self.liaison_a)
        listed = self.client.get("/api/platforms/").json()
        self.assertEqual([p["id"] for p in listed["results"]], [mine.pk])
        self.assertEqual(self.client.get(f"/api/platforms/{theirs.pk}/").status_code, 404)
        self.client.force_login(self.staff)
        detail = self.client.get(f"/api/platforms/{mine.pk}/").json()
        self.assertEqual((detail["status_display"], detail["region"]), ("已申报", "331121001"))
        filtered = self.client.get("/api/platforms/", {"applied": "2023-06"}).json()
        self.assertEqual([p["id"] for p in filtered["results"]], [mine.pk])
        self.assertEqual(self.client.post("/api/platforms/", {}).status_code, 405)
