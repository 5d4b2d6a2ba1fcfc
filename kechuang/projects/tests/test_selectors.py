"""Overdue alerts on a frozen clock, the counts the figures read (and the list showing
exactly those records), scoping of the lists, and the projects of a firm or institute."""

from django.test import override_settings

from kechuang.core import figures
from kechuang.core.models import Region
from kechuang.core.tests.figure_pages import listed
from kechuang.projects import selectors
from kechuang.projects.choices import ProgramKind, ProgramLevel, ProjectStatus
from kechuang.projects.models import Milestone
from kechuang.projects.services import program_save
from kechuang.projects.tests.base import D, ProjectsTestCase

TODAY = "2023-06-30"


@override_settings(KECHUANG_TODAY=TODAY)
class MilestoneAlertTest(ProjectsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = cls.make_project(cls, ProjectStatus.CONTRACTED)
        due = {
            "yesterday": D(2023, 6, 29),
            "today": D(2023, 6, 30),
            "in 30 days": D(2023, 7, 30),
            "in 31 days": D(2023, 7, 31),
        }
        cls.milestones = {
            name: Milestone.objects.create(project=cls.project, title=name, due_on=day)
            for name, day in due.items()
        }
        Milestone.objects.create(
            project=cls.project, title="done late", due_on=D(2023, 5, 1), done_on=D(2023, 6, 1)
        )
        waiting = cls.make_project(cls, ProjectStatus.SUBMITTED)
        Milestone.objects.create(project=waiting, title="not under way", due_on=D(2023, 1, 1))

    def test_overdue_and_due_within_30_days_of_projects_under_way(self):
        alerts = selectors.milestone_alerts(self.staff)
        self.assertEqual(
            [(a.milestone.title, a.days_left, a.overdue) for a in alerts],
            [("yesterday", -1, True), ("today", 0, False), ("in 30 days", 30, False)],
        )

    def test_overdue_means_due_before_today_and_not_done(self):
        today = D(2023, 6, 30)
        self.assertTrue(self.milestones["yesterday"].is_overdue(today))
        self.assertFalse(self.milestones["today"].is_overdue(today))
        self.assertFalse(Milestone.objects.get(title="done late").is_overdue(today))

    def test_alerts_are_scoped_to_the_user(self):
        self.assertEqual(len(selectors.milestone_alerts(self.liaison_a)), 3)
        self.assertEqual(len(selectors.milestone_alerts(self.ent_user_a)), 3)
        self.assertEqual(selectors.milestone_alerts(self.liaison_b), [])

    def test_the_home_page_shows_the_counts_and_the_alert_page_the_rows(self):
        self.client.force_login(self.staff)
        home = self.client.get("/")
        self.assertContains(home, "项目节点逾期")
        widgets = {w["title"]: w["value"] for w in home.context["widgets"]}
        self.assertEqual(widgets["项目节点逾期"], 1)
        self.assertEqual(widgets["项目节点30天内到期"], 2)
        page = self.client.get("/projects/alerts/")
        self.assertContains(page, '<tr class="table-danger">', count=1)
        self.assertContains(page, "逾期1天")
        self.assertContains(page, "今天到期")
        self.assertNotContains(page, "in 31 days")
        self.client.force_login(self.liaison_b)
        self.assertNotContains(self.client.get("/projects/alerts/"), "yesterday")

    def test_the_project_page_marks_the_overdue_milestone(self):
        self.client.force_login(self.ent_user_a)
        page = self.client.get(f"/projects/{self.project.pk}/")
        self.assertContains(page, '<span class="badge bg-danger">逾期1天</span>', html=True)
        self.assertContains(page, "剩余30天")


class FigureCountTest(ProjectsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lingyan = program_save(
            actor=cls.staff,
            name="省“领雁”研发攻关计划",
            kind=ProgramKind.LINGYAN,
            level=ProgramLevel.PROVINCIAL,
            issuer="浙江省科学技术厅",
            region=cls.county,
        )
        cls.county_program = program_save(
            actor=cls.staff,
            name="青田县揭榜挂帅项目",
            kind=ProgramKind.JIEBANG,
            level=ProgramLevel.COUNTY,
            issuer="青田县科技局",
            region=cls.county,
        )
        make = cls.make_project
        cls.counted = [
            make(cls, ProjectStatus.COLLECTED, collected_on=D(2023, 3, 1)),
            make(cls, ProjectStatus.SUBMITTED, collected_on=D(2023, 6, 30)),
            make(cls, ProjectStatus.APPROVED, program=cls.lingyan, call=None),
            make(cls, ProjectStatus.CLOSED, lead_enterprise=cls.ent_b, region=cls.township_b),
        ]
        # Collected after June, for 2022, or under a county program: not counted.
        make(cls, ProjectStatus.COLLECTED, collected_on=D(2023, 7, 1))
        make(cls, ProjectStatus.COLLECTED, year=2022, collected_on=D(2022, 5, 1))
        make(cls, ProjectStatus.APPROVED, program=cls.county_program, call=None)

    def test_the_figures_count_what_the_selectors_count_and_link_to_exactly_those(self):
        county = Region.objects.get(code="331121")
        by_kind = selectors.project_counts(county, "2023-06")
        self.assertEqual(figures.value("projects.provincial_demands", county, "2023-06"), 4)
        for level, _ in ProgramLevel.choices:
            expected = sum(n for (lv, _), n in by_kind.items() if lv == level)
            self.assertEqual(figures.value(f"projects.level.{level}", county, "2023-06"), expected)
        for status, _ in ProjectStatus.choices:
            expected = sum(n for (_, st), n in by_kind.items() if st == status)
            self.assertEqual(
                figures.value(f"projects.status.{status}", county, "2023-06"), expected
            )
        codes = ("projects.provincial_demands", "projects.level.county", "projects.status.approved")
        for code in codes:
            for user, region in ((self.staff, county), (self.liaison_a, self.township_a)):
                counted, shown, _ = listed(self, user, code, region, "2023-06")
                self.assertTrue(counted, code)
                self.assertEqual(shown, counted, (code, user.username))

    def test_provincial_demands_of_the_county_by_the_end_of_the_period(self):
        self.assertEqual(selectors.provincial_demand_count("331121", "2023-06"), 4)
        self.assertEqual(selectors.provincial_demand_count(self.township_a, "2023-06"), 3)
        self.assertEqual(selectors.provincial_demand_count("331121", "2023-02"), 0)
        self.assertEqual(selectors.provincial_demand_count("331121", "2023-07"), 5)

    def test_project_counts_by_level_and_status(self):
        self.assertEqual(
            selectors.project_counts(Region.objects.get(code="331121"), "2023-06"),
            {
                ("provincial", "collected"): 1,
                ("provincial", "submitted"): 1,
                ("provincial", "approved"): 1,
                ("provincial", "closed"): 1,
                ("county", "approved"): 1,
            },
        )

    def test_the_list_shows_exactly_the_records_counted(self):
        self.client.force_login(self.staff)
        page = self.client.get(selectors.provincial_demand_url("331121", "2023-06"))
        shown = {p.pk for p in page.context["page"].object_list}
        self.assertEqual(shown, {p.pk for p in self.counted})
        self.assertEqual(
            shown,
            set(selectors.provincial_demands("331121", "2023-06").values_list("pk", flat=True)),
        )
        approved = self.client.get(
            selectors.list_url("331121", "2023-06", level="county", status="approved")
        )
        self.assertEqual(approved.context["page"].paginator.count, 1)

    def test_a_malformed_period_lists_nothing(self):
        self.client.force_login(self.staff)
        page = self.client.get("/projects/?period=2023-13")
        self.assertEqual(page.context["page"].paginator.count, 0)


class ScopingTest(ProjectsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a = cls.make_project(cls)
        cls.b = cls.make_project(
            cls, lead_enterprise=cls.ent_b, lead_institution=None, region=cls.township_b
        )
        cls.inst_only = cls.make_project(
            cls,
            lead_enterprise=None,
            lead_institution=cls.institution_2,
            partner_institution=cls.institution,
            region=cls.county,
        )

    def visible(self, user):
        return set(selectors.project_list(user).values_list("pk", flat=True))

    def test_who_sees_which_project(self):
        everything = {self.a.pk, self.b.pk, self.inst_only.pk}
        self.assertEqual(self.visible(self.staff), everything)
        self.assertEqual(self.visible(self.viewer), everything)
        self.assertEqual(self.visible(self.liaison_a), {self.a.pk})
        self.assertEqual(self.visible(self.liaison_b), {self.b.pk})
        self.assertEqual(self.visible(self.ent_user_a), {self.a.pk})
        self.assertEqual(self.visible(self.inst_user), {self.a.pk})

    def test_programs_and_calls_are_read_by_everyone_changed_by_the_bureau(self):
        for user in (self.ent_user_a, self.inst_user, self.liaison_b, self.commissioner):
            with self.subTest(user=user.username):
                self.assertTrue(selectors.program_list(user).filter(pk=self.program.pk).exists())
                self.client.force_login(user)
                self.assertEqual(
                    self.client.get(f"/projects/programs/{self.program.pk}/edit/").status_code,
                    403,
                )

    def test_the_firm_and_institution_pages_list_their_projects(self):
        self.client.force_login(self.staff)
        page = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(page, self.a.title)
        self.assertNotContains(page, self.b.title)
        page = self.client.get(f"/institutions/{self.institution.pk}/")
        self.assertContains(page, self.a.title)
        self.assertContains(page, self.inst_only.title)
        self.assertContains(page, "<td>合作</td>", html=True)
        # A liaison sees the firm's projects of the township only.
        self.client.force_login(self.liaison_a)
        self.assertEqual(
            [p.pk for p in selectors.projects_of_institution(self.liaison_a, self.institution)],
            [self.a.pk],
        )
