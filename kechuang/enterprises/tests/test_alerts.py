"""Deadline and expiry alerts on a frozen clock, at their boundaries; settings; home counts."""

import datetime
import io
from unittest import mock

from openpyxl import load_workbook

from kechuang.core.tests.cast import CastTestCase, credit_code
from kechuang.enterprises.models import Enterprise, LadderSettings, Qualification, Tier
from kechuang.enterprises.selectors import alerts
from kechuang.enterprises.services import enterprise_create, ladder_settings_save

TODAY = datetime.date(2024, 6, 30)


def frozen(day=TODAY):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class AlertTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tsme = Tier.objects.get(code="tsme")
        cls.hnte = Tier.objects.get(code="hnte")
        cls.seq = 500

    @classmethod
    def firm(cls, name, township=None, *, recruited_on=None, production_started_on=None):
        cls.seq += 1
        firm = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(cls.seq),
            name=name,
            township=township or cls.township_a,
            industry_division="34",
        )
        Enterprise.objects.filter(pk=firm.pk).update(
            recruited_on=recruited_on, production_started_on=production_started_on
        )
        firm.refresh_from_db()
        return firm

    @classmethod
    def qualify(cls, firm, tier, year, issued_on=None):
        q = Qualification(enterprise=firm, tier=tier, year=year, issued_on=issued_on)
        q.full_clean()
        q.save()
        return q


class DeadlineTest(AlertTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        recruited = datetime.date(2022, 1, 10)
        cls.due_today = cls.firm(
            "今天到期企业", recruited_on=recruited, production_started_on=datetime.date(2022, 6, 30)
        )
        cls.overdue = cls.firm(
            "逾期一天企业", recruited_on=recruited, production_started_on=datetime.date(2022, 6, 29)
        )
        cls.met = cls.firm(
            "按期创成企业", recruited_on=recruited, production_started_on=datetime.date(2022, 6, 29)
        )
        cls.qualify(cls.met, cls.tsme, 2023)
        cls.late = cls.firm(
            "逾期创成企业", recruited_on=recruited, production_started_on=datetime.date(2021, 3, 1)
        )
        cls.qualify(cls.late, cls.tsme, 2024)
        cls.before_cutoff = cls.firm(
            "早招引企业",
            recruited_on=datetime.date(2021, 12, 31),
            production_started_on=datetime.date(2022, 6, 29),
        )
        cls.not_recruited = cls.firm("本地企业", production_started_on=datetime.date(2020, 1, 1))
        cls.firm_b = cls.firm(
            "温溪招引企业",
            cls.township_b,
            recruited_on=recruited,
            production_started_on=datetime.date(2022, 6, 29),
        )
        ladder_settings_save(
            actor=cls.staff, region=cls.county, recruit_cutoff=datetime.date(2022, 1, 1)
        )

    def rows(self, user=None):
        with frozen():
            return {
                (r.enterprise.name, r.tier.code): r
                for r in alerts.recruited_deadlines(user or self.staff)
            }

    def test_tsme_due_exactly_today_and_one_day_overdue(self):
        rows = self.rows()
        today = rows[("今天到期企业", "tsme")]
        self.assertEqual((today.due_on, today.days_left, today.overdue), (TODAY, 0, False))
        late = rows[("逾期一天企业", "tsme")]
        self.assertEqual(
            (late.due_on, late.days_left, late.overdue), (TODAY - datetime.timedelta(1), -1, True)
        )
        self.assertEqual(rows[("今天到期企业", "hnte")].due_on, datetime.date(2025, 6, 30))

    def test_a_qualification_by_the_due_date_clears_the_deadline(self):
        rows = self.rows()
        self.assertNotIn(("按期创成企业", "tsme"), rows)
        self.assertIn(("按期创成企业", "hnte"), rows)
        late = rows[("逾期创成企业", "tsme")]
        self.assertEqual(late.reached_on, datetime.date(2024, 1, 1))

    def test_firms_recruited_before_the_cutoff_or_not_recruited_are_left_out(self):
        names = {name for name, _ in self.rows()}
        self.assertNotIn("早招引企业", names)
        self.assertNotIn("本地企业", names)

    def test_without_settings_the_defaults_apply_to_every_recruited_firm(self):
        LadderSettings.objects.all().delete()
        rows = self.rows()
        self.assertIn(("早招引企业", "tsme"), rows)
        self.assertEqual(rows[("早招引企业", "hnte")].due_on, datetime.date(2025, 6, 29))

    def test_the_countys_periods_apply(self):
        ladder_settings_save(actor=self.staff, region=self.county, tsme_years=3)
        self.assertEqual(self.rows()[("今天到期企业", "tsme")].due_on, datetime.date(2025, 6, 30))

    def test_a_liaison_sees_only_its_township(self):
        names = {name for name, _ in self.rows(self.liaison_b)}
        self.assertEqual(names, {"温溪招引企业"})

    def test_the_page_exports_and_pins_its_queries(self):
        self.client.force_login(self.staff)
        with frozen():
            self.client.get("/enterprises/alerts/deadlines/")
            # session, user, user's region, settings, tiers, firms, their qualifications,
            # the page's settings line
            with self.assertNumQueries(8):
                response = self.client.get("/enterprises/alerts/deadlines/")
            self.assertContains(response, "逾期1天")
            self.assertContains(response, "今天到期")
            export = self.client.get("/enterprises/alerts/deadlines/", {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("统一社会信用代码", "企业名称"))
        self.assertIn("逾期一天企业", [r[1] for r in rows[1:]])


class ExpiryTest(AlertTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # An HNTE certificate runs three years less a day: issued 2022-07-01 → ends 2025-06-30.
        cls.at_limit = cls.qualify(
            cls.firm("十二个月整企业"), cls.hnte, 2022, datetime.date(2022, 7, 1)
        )
        cls.one_more = cls.qualify(
            cls.firm("多一天企业"), cls.hnte, 2022, datetime.date(2022, 7, 2)
        )
        cls.ends_today = cls.qualify(
            cls.firm("今天到期企业"), cls.hnte, 2021, datetime.date(2021, 7, 1)
        )
        cls.ended = cls.qualify(cls.firm("已过期企业"), cls.hnte, 2021, datetime.date(2021, 6, 30))
        renewed = cls.firm("已重新认定企业")
        cls.qualify(renewed, cls.hnte, 2021, datetime.date(2021, 12, 1))
        cls.qualify(renewed, cls.hnte, 2024, datetime.date(2024, 6, 1))

    def names(self, user=None):
        with frozen():
            return [e.enterprise.name for e in alerts.hnte_expiring(user or self.staff)]

    def test_exactly_n_months_ahead_is_listed_one_day_more_is_not(self):
        self.assertEqual(self.at_limit.valid_until, datetime.date(2025, 6, 30))
        names = self.names()
        self.assertIn("十二个月整企业", names)
        self.assertNotIn("多一天企业", names)

    def test_today_is_listed_yesterday_and_renewed_are_not(self):
        names = self.names()
        self.assertEqual(names[0], "今天到期企业")
        self.assertNotIn("已过期企业", names)
        self.assertNotIn("已重新认定企业", names)

    def test_the_countys_window_applies(self):
        ladder_settings_save(actor=self.staff, region=self.county, expiry_warning_months=6)
        self.assertEqual(self.names(), ["今天到期企业"])

    def test_a_liaison_of_township_b_sees_none(self):
        self.assertEqual(self.names(self.liaison_b), [])


class UnrenewedTest(AlertTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.qualify(cls.firm("未重新登记企业"), cls.tsme, 2023)
        renewed = cls.firm("已重新登记企业")
        cls.qualify(renewed, cls.tsme, 2023)
        cls.qualify(renewed, cls.tsme, 2024)
        cls.qualify(cls.firm("前年登记企业"), cls.tsme, 2022)
        cls.qualify(cls.firm("温溪未登记企业", cls.township_b), cls.tsme, 2023)

    def test_last_years_tsme_not_registered_this_year(self):
        with frozen():
            names = [q.enterprise.name for q in alerts.tsme_unrenewed(self.staff)]
            b_names = [q.enterprise.name for q in alerts.tsme_unrenewed(self.liaison_b)]
        self.assertEqual(sorted(names), ["未重新登记企业", "温溪未登记企业"])
        self.assertEqual(b_names, ["温溪未登记企业"])

    def test_on_new_years_day_every_registration_of_last_year_is_due(self):
        with frozen(datetime.date(2025, 1, 1)):
            names = {q.enterprise.name for q in alerts.tsme_unrenewed(self.staff)}
        self.assertEqual(names, {"已重新登记企业"})

    def test_the_page_pins_its_queries_and_the_home_page_counts(self):
        self.client.force_login(self.staff)
        with frozen():
            self.client.get("/enterprises/alerts/unrenewed/")
            # session, user, user's region, the count, the page, the page's settings line
            with self.assertNumQueries(6):
                response = self.client.get("/enterprises/alerts/unrenewed/")
            self.assertContains(response, "未重新登记企业")
            home = self.client.get("/")
        widgets = {w["title"]: w["value"] for w in home.context["widgets"]}
        self.assertEqual(widgets["科小企业未重新登记"], 2)
        self.assertIn("高企证书即将到期", widgets)
        self.assertIn("招引企业创建期限", widgets)


class SettingsAndAccessTest(AlertTestCase):
    def test_defaults_without_a_row(self):
        settings = alerts.settings_for_user(self.liaison_a)
        self.assertEqual(
            (
                settings.tsme_years,
                settings.hnte_years,
                settings.expiry_warning_months,
                settings.recruit_cutoff,
            ),
            (2, 3, 12, None),
        )

    def test_staff_edit_their_countys_settings(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            "/enterprises/ladder-settings/",
            {
                "recruit_cutoff": "2023-01-01",
                "tsme_years": 2,
                "hnte_years": 3,
                "expiry_warning_months": 6,
                "document": "青田县创新深化实施意见",
            },
        )
        self.assertRedirects(response, "/enterprises/alerts/deadlines/")
        saved = LadderSettings.objects.get(region=self.county)
        self.assertEqual(saved.expiry_warning_months, 6)
        self.assertEqual(saved.history.first().history_user, self.staff)
        self.assertEqual(alerts.settings_for_user(self.liaison_b).expiry_warning_months, 6)

    def test_only_county_bureau_users_edit_settings(self):
        for user in (self.liaison_a, self.viewer, self.ent_user_a):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/enterprises/ladder-settings/").status_code, 403)

    def test_firm_and_institute_users_see_no_alerts(self):
        for user in (self.ent_user_a, self.inst_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/enterprises/alerts/expiring/").status_code, 403)
                self.assertEqual(alerts.home_widgets(user), [])

    def test_add_months_keeps_the_end_of_month(self):
        self.assertEqual(
            alerts.add_months(datetime.date(2024, 1, 31), 1), datetime.date(2024, 2, 29)
        )
        self.assertEqual(
            alerts.add_years(datetime.date(2024, 2, 29), 1), datetime.date(2025, 2, 28)
        )
