"""A closed call accepts nothing: new applications and submissions are refused the day
before it opens and the day after it closes, accepted on both days in between (frozen
clock); and funding is checked at submission."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from kechuang.core.models import Region
from kechuang.projects import services
from kechuang.projects.choices import ProjectStatus
from kechuang.projects.models import Project
from kechuang.projects.tests.base import WAN, D, ProjectsTestCase

DAYS = {
    "2023-02-28": "尚未开始",  # the day before it opens
    "2023-03-01": "",  # the day it opens
    "2023-06-30": "",  # the day it closes
    "2023-07-01": "已截止",  # the day after
}


class ClosedCallTest(ProjectsTestCase):
    def apply(self, **fields):
        return services.project_create(
            actor=self.ent_user_a,
            program=self.program,
            call=self.call,
            title="阀门密封面激光熔覆工艺",
            lead_enterprise=self.ent_a,
            government_funds=20 * WAN,
            own_funds=80 * WAN,
            **fields,
        )

    def test_new_applications_only_while_the_call_is_open(self):
        for day, refusal in DAYS.items():
            with self.subTest(day=day), override_settings(KECHUANG_TODAY=day):
                before = Project.objects.count()
                if not refusal:
                    project = self.apply()
                    self.assertEqual(project.collected_on, D.fromisoformat(day))
                    self.assertEqual(project.region, self.township_a)
                    continue
                with self.assertRaises(ValidationError) as caught:
                    self.apply()
                message = caught.exception.message_dict["call"][0]
                self.assertEqual(
                    message,
                    f"申报批次“{self.call.title}”{refusal}（受理时间2023-03-01至2023-06-30），"
                    "不能新建或提交申报",
                )
                self.assertEqual(Project.objects.count(), before)

    def test_submissions_only_while_the_call_is_open(self):
        for day, refusal in DAYS.items():
            with self.subTest(day=day), override_settings(KECHUANG_TODAY=day):
                project = self.make_project(ProjectStatus.DRAFTED)
                if not refusal:
                    services.project_transition(
                        actor=self.ent_user_a, project=project, status=ProjectStatus.SUBMITTED
                    )
                    project.refresh_from_db()
                    self.assertEqual(project.submitted_on, D.fromisoformat(day))
                    continue
                with self.assertRaises(ValidationError) as caught:
                    services.project_transition(
                        actor=self.ent_user_a, project=project, status=ProjectStatus.SUBMITTED
                    )
                self.assertIn(refusal, caught.exception.message_dict["call"][0])
                project.refresh_from_db()
                self.assertEqual(project.status, ProjectStatus.DRAFTED)

    @override_settings(KECHUANG_TODAY="2023-07-01")
    def test_a_collected_demand_without_a_call_is_taken_any_day(self):
        project = services.project_create(
            actor=self.liaison_a,
            program=self.program,
            title="不锈钢无缝管在线固溶",
            lead_enterprise=self.ent_a,
        )
        self.assertEqual((project.status, project.year), (ProjectStatus.COLLECTED, 2023))


@override_settings(KECHUANG_TODAY="2023-05-04")
class FundingAtSubmissionTest(ProjectsTestCase):
    def submit(self, project):
        return services.project_transition(
            actor=self.ent_user_a, project=project, status=ProjectStatus.SUBMITTED
        )

    def test_qingtian_a_mountain_county_needs_60_percent_of_own_funds(self):
        short = self.make_project(
            ProjectStatus.DRAFTED, government_funds=Decimal("400100"), own_funds=Decimal("599900")
        )
        with self.assertRaises(ValidationError) as caught:
            self.submit(short)
        self.assertIn("自筹资金占总经费59.99%", caught.exception.message_dict["own_funds"][0])
        short.refresh_from_db()
        self.assertEqual(short.status, ProjectStatus.DRAFTED)
        enough = self.make_project(
            ProjectStatus.DRAFTED, government_funds=40 * WAN, own_funds=60 * WAN
        )
        self.assertEqual(self.submit(enough).status, ProjectStatus.SUBMITTED)

    def test_a_county_outside_the_26_needs_80_percent(self):
        from kechuang.core.choices import RegionLevel

        city = Region.objects.get(code="330100")
        county = Region.objects.create(
            code="330102", name="上城区", level=RegionLevel.COUNTY, parent=city
        )
        township = Region.objects.create(
            code="330102001", name="清波街道", level=RegionLevel.TOWNSHIP, parent=county
        )
        for government, own, ok in (("200100", "799900", False), ("200000", "800000", True)):
            with self.subTest(own=own):
                project = self.make_project(
                    ProjectStatus.DRAFTED,
                    region=township,
                    government_funds=Decimal(government),
                    own_funds=Decimal(own),
                )
                if ok:
                    self.assertEqual(self.submit(project).status, ProjectStatus.SUBMITTED)
                    continue
                with self.assertRaises(ValidationError) as caught:
                    self.submit(project)
                self.assertIn("一般县（市、区）不低于80.00%", str(caught.exception))


class ProgramAndCallManagementTest(ProjectsTestCase):
    def test_only_the_bureau_manages_programs_and_calls(self):
        for user in (self.liaison_a, self.ent_user_a, self.inst_user, self.viewer):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.call_save(
                    actor=user,
                    program=self.program,
                    year=2024,
                    title="2024年度",
                    opens_on=D(2024, 3, 1),
                    closes_on=D(2024, 6, 30),
                )

    def test_a_call_closing_before_it_opens_is_refused_naming_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            services.call_save(
                actor=self.staff,
                program=self.program,
                year=2024,
                title="2024年度",
                opens_on=D(2024, 3, 1),
                closes_on=D(2024, 2, 1),
            )
        self.assertEqual(caught.exception.message_dict["closes_on"], ["截止日期不能早于开始日期"])

    def test_an_unknown_funding_rule_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            services.program_save(
                actor=self.staff, program=self.program, funding_rule="no-such-rule"
            )
        self.assertIn("未知的资金要求", caught.exception.message_dict["funding_rule"][0])


@override_settings(KECHUANG_TODAY="2023-08-01")
class PaperApplicationTest(ProjectsTestCase):
    """The bureau records a paper application on the day it was received; an applicant
    cannot date its own application back into the call."""

    def create(self, actor, on):
        return services.project_create(
            actor=actor,
            program=self.program,
            call=self.call,
            title="纸质申报",
            lead_enterprise=self.ent_a,
            on=on,
        )

    def test_staff_record_a_paper_application_received_while_the_call_was_open(self):
        project = self.create(self.staff, D(2023, 6, 30))
        self.assertEqual(project.collected_on, D(2023, 6, 30))
        with self.assertRaises(ValidationError) as caught:
            self.create(self.staff, D(2023, 7, 1))
        self.assertIn("已截止", caught.exception.message_dict["call"][0])

    def test_an_applicant_cannot_date_its_application_back(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(self.ent_user_a, D(2023, 6, 30))
        self.assertIn("已截止", caught.exception.message_dict["call"][0])
        project = self.make_project(ProjectStatus.DRAFTED)
        with self.assertRaises(ValidationError):
            services.project_transition(
                actor=self.ent_user_a,
                project=project,
                status=ProjectStatus.SUBMITTED,
                on=D(2023, 6, 30),
            )
