import datetime
import json
from collections import Counter
from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from kechuang.core import figures
from kechuang.core.choices import Role
from kechuang.core.models import AuditEvent, Region, User
from kechuang.core.services import user_create, user_set_password
from kechuang.core.validators import uscc_check_char, validate_credit_code
from kechuang.demo import dataset
from kechuang.demo.services import KEPT_PASSWORD, DemoRefused, demo_load, foreign_records
from kechuang.demo.tests.test_loans_demo import LoansDemoChecks
from kechuang.demo.tests.test_projects_demo import ProjectsDemoChecks
from kechuang.demo.tests.test_support_demo import SupportDemoChecks
from kechuang.demo.tests.test_talent_demo import TalentDemoChecks
from kechuang.demo.tests.test_workplan_demo import WorkplanDemoChecks
from kechuang.eligibility import screening
from kechuang.enterprises.models import Enterprise, PoolEntry, Tier
from kechuang.enterprises.selectors import alerts
from kechuang.enterprises.selectors.qualifications import newly_certified
from kechuang.enterprises.services import enterprise_create, enterprise_update
from kechuang.institutions.models import Institution


def record_counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "institutions": Institution.objects.count(),
        "users": User.objects.count(),
        "audit": AuditEvent.objects.count(),
        "enterprise_history": Enterprise.history.count(),
        "user_history": User.history.count(),
    }


class DemoLadderChecks:
    """The ladder and the scoreboard as the seed report has them (mixed into DemoLoadTests)."""

    AS_OF = datetime.date(2023, 6, 30)

    def test_the_platforms_demo_matches_section_three(self):
        from kechuang.platforms import selectors
        from kechuang.platforms.models import Platform

        def applied(kind):
            return selectors.applied_count("331121", "2023-06", type=kind)

        self.assertEqual((applied("enterprise_institute"), applied("hnte_rnd_centre")), (1, 3))
        self.assertEqual(selectors.applied_count("331121", "2023-06"), 4)
        complex_ = Platform.objects.get(name="青田鞋产业创新服务综合体")
        self.assertEqual((complex_.status, complex_.evaluations.count()), ("preparing", 1))
        bkd = Platform.objects.get(name="北京科技大学青田新材料研究院")
        self.assertIn("拟开展合作项目4项", bkd.plan)

    def test_the_transfer_demo_matches_section_five(self):
        from kechuang.transfer.models import Demand, IndustryChain, Match, TechContract

        self.assertEqual(
            set(IndustryChain.objects.values_list("name", flat=True)),
            {"不锈钢新材料", "阀门", "鞋服"},
        )
        self.assertEqual(Demand.objects.count(), 34)
        self.assertEqual(Match.objects.count(), 4)
        self.assertEqual(Match.objects.filter(status="contracted").count(), 3)
        self.assertEqual(
            Demand.objects.get(code="XQ2023-001").enterprise.name, "浙江青山钢铁有限公司"
        )
        out = StringIO()
        call_command(
            "indicators",
            "--region",
            "331121",
            "--period",
            "2023-06",
            "--format",
            "json",
            stdout=out,
        )
        rows = {r["code"]: r for r in json.loads(out.getvalue())["indicators"]}
        self.assertEqual(rows["tech_market_turnover"]["display"], "1.08亿元")
        self.assertEqual(TechContract.objects.filter(registered_on__year=2023).count(), 3 + 22)

    def test_the_cli_prints_the_seed_reports_figures_for_january_to_april(self):
        out = StringIO()
        call_command(
            "indicators",
            "--region",
            "331121",
            "--period",
            "2023-04",
            "--format",
            "json",
            stdout=out,
        )
        rows = {r["code"]: r for r in json.loads(out.getvalue())["indicators"]}
        shown = {code: (r["display"], r["yoy"]) for code, r in rows.items()}
        self.assertEqual(shown["tech_dev_expense"], ("3.38亿元", 40.01))
        self.assertEqual(shown["tech_dev_ratio"][0], "3.38%")
        self.assertEqual(shown["mfg_rnd_share"][0], "70.31%")
        self.assertEqual(shown["hitech_value_added"], ("6.19亿元", 11.4))
        self.assertEqual(shown["hitech_va_share"][0], "27.21%")
        self.assertEqual(shown["hitech_investment"][0], "0.60亿元")
        self.assertEqual(shown["hitech_inv_share"][0], "2.16%")
        self.assertEqual(rows["tech_dev_expense"]["target"], 1190000000)
        self.assertEqual(rows["hitech_value_added"]["target"], 2160000000)
        self.assertEqual(rows["tech_dev_expense"]["rank"]["of"], 9)

    def test_kechuang_figures_prints_the_seed_reports_counts(self):
        out = StringIO()
        call_command(
            "figures", "--region", "331121", "--period", "2023-06", "--format", "json", stdout=out
        )
        rows = {r["code"]: r for r in json.loads(out.getvalue())}
        shown = {code: (r["value"], r["display"]) for code, r in rows.items()}
        self.assertEqual(shown["ladder.hnte_candidates"], (24, "24家"))
        self.assertEqual(shown["ladder.tsme_candidates"], (40, "40家"))
        self.assertEqual(shown["ladder.hnte_new"], (18, "18家"))
        self.assertEqual(shown["transfer.demands"], (34, "34项"))
        self.assertEqual(shown["transfer.matched"], (4, "4项"))
        self.assertEqual(shown["transfer.transferred"], (3, "3项"))
        self.assertEqual(Decimal(shown["transfer.turnover"][0]), Decimal("108000000"))
        self.assertEqual(shown["transfer.turnover"][1], "1.08亿元")
        # 1 provincial enterprise research institute + 3 HNTE R&D centres applied for.
        self.assertEqual(shown["platforms.applied.enterprise_institute"], (1, "1家"))
        self.assertEqual(shown["platforms.applied.hnte_rnd_centre"], (3, "3家"))
        self.assertEqual(shown["projects.provincial_demands"], (7, "7项"))
        # Each page lists, to the county's staff, exactly the records counted.
        self.client.force_login(self.staff)
        for code, row in rows.items():
            with self.subTest(code=code):
                response = self.client.get(row["source"])
                self.assertEqual(response.status_code, 200)
                if figures.get(code).records is None:
                    continue  # not a count of records (an indicator): its page, no list
                listed = response.context["filter"].qs
                if code == "transfer.turnover":
                    self.assertEqual(response.context["totals"]["turnover"], Decimal(row["value"]))
                elif row["unit"] == "元":  # the page lists exactly the records summed
                    period = figures.Period.parse("2023-06")
                    counted = figures.get(code).records(Region.objects.get(code="331121"), period)
                    self.assertEqual(
                        set(listed.values_list("pk", flat=True)),
                        set(counted.values_list("pk", flat=True)),
                    )
                    totals = response.context.get("totals")
                    if isinstance(totals, dict) and "amount" in totals:
                        self.assertEqual(totals["amount"], Decimal(row["value"]))
                elif code == "support.funds.firms_paid":  # firms of the listed payments
                    self.assertEqual(listed.values("enterprise").distinct().count(), row["value"])
                else:
                    self.assertEqual(listed.count(), row["value"])

    def test_the_pool_holds_24_hnte_and_40_tsme_candidates_for_2023(self):
        entries = PoolEntry.objects.filter(year=2023)
        self.assertEqual(entries.filter(tier__code="hnte").count(), 24)
        self.assertEqual(entries.filter(tier__code="tsme").count(), 40)

    def test_18_firms_were_newly_certified_hnte_in_2023(self):
        plaques = newly_certified(self.staff, "hnte", 2023)
        self.assertEqual(plaques.count(), 18)
        self.assertEqual(sum(1 for q in plaques if q.renewed), 7)

    def test_screening_the_pool_names_what_candidates_lack(self):
        rows = screening.screen(
            self.staff, tier=Tier.objects.get(code="hnte"), year=2023, as_of=self.AS_OF
        )
        self.assertEqual(len(rows), 24)
        verdicts = {r.verdict for r in rows}
        self.assertIn("ineligible", verdicts)
        self.assertTrue(any("研发费用需再增加" in r.summary() for r in rows))

    def test_alerts_have_work_on_the_report_date(self):
        self.assertTrue(alerts.recruited_deadlines(self.staff, self.AS_OF))
        self.assertTrue(alerts.hnte_expiring(self.staff, self.AS_OF))
        self.assertTrue(list(alerts.tsme_unrenewed(self.staff, self.AS_OF)))

    def test_regional_tiers_are_labelled_examples(self):
        regional = Tier.objects.filter(region__isnull=False)
        self.assertEqual(
            set(regional.values_list("name", flat=True)), {"科技小巨人", "科技领军企业"}
        )
        self.assertTrue(all(t.is_example and "示例" in t.criteria for t in regional))


class DemoLoadTests(
    DemoLadderChecks,
    ProjectsDemoChecks,
    TalentDemoChecks,
    LoansDemoChecks,
    SupportDemoChecks,
    WorkplanDemoChecks,
    TestCase,
):
    """One load for the class (it takes seconds): the ladder and indicator checks share it."""

    @classmethod
    def setUpTestData(cls):
        cls.summary = demo_load()
        cls.staff = User.objects.get(username="staff")

    def test_it_loads_the_challenge_board_without_touching_the_turnover(self):
        from kechuang.challenges.models import Bid, Review
        from kechuang.core import figures

        self.assertEqual(figures.value("challenges.published", "331121", "2023-06"), 2)
        self.assertEqual(figures.value("challenges.taken", "331121", "2023-06"), 1)
        selected = Bid.objects.get(status="selected")
        self.assertEqual(selected.institution.name, dataset.BKD_INSTITUTE)
        self.assertIsNone(selected.contract_id)
        self.assertEqual(Review.objects.filter(bid__challenge=selected.challenge).count(), 6)
        self.assertEqual(
            figures.value("transfer.turnover", "331121", "2023-06"), Decimal("108000000")
        )

    def test_it_reproduces_the_reports_rnd_share_of_above_scale_manufacturers(self):
        firms = Enterprise.objects.filter(status="active", above_scale=True, manufacturing=True)
        self.assertEqual(firms.count(), 256)
        self.assertEqual(firms.filter(rnd_active=True).count(), 180)
        self.assertEqual(self.summary["rnd_share"], Decimal("70.31"))
        divisions = set(firms.values_list("industry_division", flat=True))
        self.assertTrue(all(13 <= int(d) <= 43 for d in divisions))

    def test_it_loads_600_firms_in_every_township_with_moved_and_closed_ones(self):
        self.assertEqual(Enterprise.objects.count(), dataset.TOTAL_ENTERPRISES)
        self.assertEqual(Enterprise.objects.values("township").distinct().count(), 32)
        statuses = Counter(Enterprise.objects.values_list("status", flat=True))
        self.assertGreater(statuses["moved_out"], 0)
        self.assertGreater(statuses["closed"], 0)
        inactive_big = Enterprise.objects.filter(above_scale=True, manufacturing=True).exclude(
            status="active"
        )
        self.assertGreater(inactive_big.count(), 0)
        self.assertTrue(Enterprise.objects.filter(above_scale=True, manufacturing=False).exists())

    def test_the_seed_reports_firms_are_there(self):
        qingshan = Enterprise.objects.get(name="浙江青山钢铁有限公司")
        self.assertEqual(qingshan.township.code, "331121101")
        self.assertEqual(qingshan.industry_division, "31")
        self.assertTrue(qingshan.above_scale and qingshan.rnd_active)
        self.assertTrue(Enterprise.objects.filter(name="浙江多迪斯泰保健器材有限公司").exists())
        self.assertTrue(Enterprise.objects.filter(name="浙江麦迪森数字科技集团有限公司").exists())

    def test_every_credit_code_is_valid_and_every_name_unique(self):
        codes = list(Enterprise.objects.values_list("credit_code", flat=True))
        for code in codes:
            validate_credit_code(code)
        names = list(Enterprise.objects.values_list("name", flat=True))
        self.assertEqual(len(set(names)), len(names))
        self.assertTrue(all(n.endswith("有限公司") for n in names))

    def test_production_never_starts_before_founding(self):
        for founded, started in Enterprise.objects.values_list(
            "founded_on", "production_started_on"
        ):
            self.assertIsNotNone(founded)
            if started is not None:
                self.assertGreaterEqual(started, founded)

    def test_institutions_are_registered_in_the_county(self):
        self.assertEqual(Institution.objects.count(), len(dataset.INSTITUTIONS))
        institute = Institution.objects.get(name="北京科技大学青田新材料研究院")
        self.assertEqual(institute.kind, "new_rnd_institute")
        self.assertFalse(Institution.objects.filter(location="").exists())
        self.assertFalse(Institution.objects.exclude(region__code="331121").exists())

    def test_one_user_per_role_can_log_in(self):
        self.assertTrue(User.objects.get(username="admin").is_superuser)
        for role in Role.values:
            self.assertTrue(User.objects.filter(role=role).exists(), role)
        for user in User.objects.all():
            self.assertTrue(
                self.client.login(username=user.username, password=dataset.PASSWORD),
                user.username,
            )
            self.client.logout()

    def test_users_are_bound_to_their_region_and_body(self):
        qyuser = User.objects.get(username="qyuser")
        self.assertEqual(qyuser.enterprise.name, "浙江青山钢铁有限公司")
        self.assertEqual(qyuser.region, qyuser.enterprise.township)
        self.assertEqual(
            User.objects.get(username="ysuser").institution.name, "北京科技大学青田新材料研究院"
        )
        self.assertEqual(User.objects.get(username="liaison_hc").region.code, "331121001")
        self.assertEqual(User.objects.get(username="liaison_wx").region.code, "331121101")
        self.assertEqual(User.objects.get(username="lishui").region.code, "331100")

    def test_every_record_is_audited_as_done_by_admin(self):
        admin = User.objects.get(username="admin")
        # admin's own, and the scores the leader and the staff member gave as 揭榜 reviewers
        self.assertEqual(AuditEvent.objects.exclude(user=admin).count(), 1 + 4)
        self.assertEqual(
            AuditEvent.objects.filter(user=admin, content_type__model="enterprise").count(),
            600 + 1 + 22 + 12,  # firms; 青山钢铁's and HNTE candidates' facts; 招引落地日期
        )
        narratives = AuditEvent.objects.filter(content_type__model="narrative")
        self.assertEqual(narratives.filter(user=admin).count(), narratives.count())
        self.assertGreater(narratives.count(), 5)

    def test_a_second_load_writes_nothing(self):
        before = record_counts()
        summary = demo_load()
        self.assertEqual(record_counts(), before)
        for kind in ("enterprises", "institutions", "users"):
            self.assertEqual(set(summary["counts"][kind]), {"unchanged"}, kind)
        for kind, counts in summary["ladder"].items():
            self.assertEqual(set(counts), {"unchanged"}, kind)

    def test_a_load_repairs_a_changed_record_and_a_changed_password(self):
        firm = Enterprise.objects.get(name="浙江青山钢铁有限公司")
        staff = User.objects.get(username="staff")
        enterprise_update(actor=staff, enterprise=firm, rnd_active=False, contact_person="某某")
        user = User.objects.get(username="staff")
        user.set_password("other-password")
        user.save()
        audit = AuditEvent.objects.count()
        summary = demo_load()
        self.assertEqual(summary["counts"]["enterprises"]["updated"], 1)
        self.assertEqual(summary["counts"]["users"]["password_reset"], 1)
        self.assertEqual(summary["rnd_active"], 180)
        self.assertEqual(AuditEvent.objects.count(), audit + 1)
        event = AuditEvent.objects.first()
        self.assertEqual(event.user.username, "admin")
        self.assertEqual(set(event.after), {"rnd_active", "contact_person"})
        self.assertTrue(self.client.login(username="staff", password=dataset.PASSWORD))

    def test_the_command_prints_the_address_and_the_logins(self):
        out = StringIO()
        audit = AuditEvent.objects.count()
        call_command("demo", "--no-serve", "--port", "8123", stdout=out)
        text = out.getvalue()
        self.assertIn("http://127.0.0.1:8123/", text)
        self.assertIn("70.31%", text)
        for username in ("admin", "leader", "staff", "liaison_hc", "qyuser", "ysuser", "tpy"):
            self.assertIn(username, text)
        self.assertIn(dataset.PASSWORD, text)
        self.assertIn("乡镇联络员", text)
        self.assertIn("浙江青山钢铁有限公司", text)
        self.assertEqual(AuditEvent.objects.count(), audit)

    def test_a_database_with_other_users_is_refused_with_exit_2(self):
        admin = User.objects.get(username="admin")
        user_set_password(actor=admin, user=admin, password="Real-admin-password-1")
        region = Region.objects.get(code=dataset.COUNTY)
        user_create(actor=admin, username="zhangsan", password="x-Real-9876", region=region)
        with self.assertRaises(CommandError) as refused:
            call_command("demo", "--no-serve", stdout=StringIO())
        self.assertEqual(refused.exception.returncode, 2)
        message = str(refused.exception)
        self.assertIn("有 1 个非演示用户（如 zhangsan）", message)
        self.assertIn("--force", message)
        self.assertTrue(User.objects.get(username="admin").check_password("Real-admin-password-1"))

    def test_force_loads_but_never_resets_an_existing_password(self):
        admin = User.objects.get(username="admin")
        user_set_password(actor=admin, user=admin, password="Real-admin-password-1")
        with self.assertRaises(DemoRefused):
            demo_load()
        summary = demo_load(force=True)
        self.assertTrue(User.objects.get(username="admin").check_password("Real-admin-password-1"))
        self.assertEqual(summary["counts"]["users"], {"kept": 9})
        self.assertEqual({row["password"] for row in summary["logins"]}, {KEPT_PASSWORD})


class DemoGuardTests(TestCase):
    def test_it_refuses_a_database_with_firms_it_did_not_create(self):
        region = Region.objects.get(code="331121001")
        admin = User.objects.create_superuser("root", password="x-Real-9876")
        enterprise_create(
            actor=admin,
            credit_code="91331121MA0000001" + uscc_check_char("91331121MA0000001"),
            name="真实企业",
            township=region,
            industry_division="33",
        )
        self.assertEqual(foreign_records(), ["有 1 个非演示用户（如 root）", "有 1 家非演示企业"])
        with self.assertRaises(DemoRefused):
            demo_load()
        self.assertFalse(User.objects.filter(username="admin").exists())

    def test_an_empty_database_is_a_demo_database(self):
        self.assertEqual(foreign_records(), [])


class DatasetTests(TestCase):
    def test_the_dataset_is_the_same_on_every_call(self):
        dataset.enterprises.cache_clear()
        first = dataset.enterprises()
        dataset.enterprises.cache_clear()
        self.assertEqual(dataset.enterprises(), first)
