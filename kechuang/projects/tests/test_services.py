"""Creating projects (by hand and from another app's selection), who may lead what, edits
by stage, milestones and outputs."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from kechuang.core import workflow
from kechuang.projects import services
from kechuang.projects.choices import ProjectStatus
from kechuang.projects.models import Milestone, Project
from kechuang.projects.tests.base import WAN, D, ProjectsTestCase


@override_settings(KECHUANG_TODAY="2023-05-04")
class ProjectCreateTest(ProjectsTestCase):
    def create(self, actor, **fields):
        values = {"program": self.program, "title": "不锈钢精密带材冷轧", "call": self.call}
        values.update(fields)
        return services.project_create(actor=actor, **values)

    def test_a_firm_user_files_for_its_own_firm_only(self):
        project = self.create(
            self.ent_user_a,
            lead_enterprise=self.ent_a,
            milestones=[("完成小试", D(2023, 12, 31))],
        )
        self.assertEqual(project.history.first().history_user, self.ent_user_a)
        self.assertEqual([m.title for m in project.milestones.all()], ["完成小试"])
        with self.assertRaises(ValidationError) as caught:
            self.create(self.ent_user_a, lead_enterprise=self.ent_b)
        self.assertIn("lead_enterprise", caught.exception.message_dict)

    def test_a_liaison_collects_for_the_firms_of_the_township_only(self):
        self.assertEqual(
            self.create(self.liaison_a, lead_enterprise=self.ent_a).region, self.township_a
        )
        with self.assertRaises(ValidationError):
            self.create(self.liaison_b, lead_enterprise=self.ent_a)

    def test_an_institute_leads_its_own_project_in_its_region(self):
        project = self.create(self.inst_user, lead_institution=self.institution)
        self.assertEqual(project.region, self.county)
        with self.assertRaises(ValidationError):
            self.create(self.inst_user, lead_institution=self.institution_2)

    def test_a_project_needs_a_lead(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(self.staff)
        self.assertEqual(
            caught.exception.message_dict["lead_enterprise"], ["须填写牵头企业或牵头院所"]
        )

    def test_read_only_roles_may_not_file(self):
        for user in (self.viewer, self.commissioner):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.create(user, lead_enterprise=self.ent_a)

    def test_a_call_of_another_program_is_refused(self):
        other = services.program_save(
            actor=self.staff,
            name="其他计划",
            kind="other",
            level="county",
            issuer="青田县科技局",
            region=self.county,
        )
        with self.assertRaises(ValidationError) as caught:
            self.create(self.staff, program=other, lead_enterprise=self.ent_a)
        self.assertIn("不属于科技计划", caught.exception.message_dict["call"][0])


@override_settings(KECHUANG_TODAY="2023-08-15")
class ProjectCreateFromTest(ProjectsTestCase):
    """What the 揭榜挂帅 board's service calls when the bureau selects a bid."""

    def create_from(self, actor, **fields):
        values = {
            "call": self.call,
            "title": "阀门智能控制系统揭榜攻关",
            "lead_enterprise": self.ent_a,
            "partner_institution": self.institution_2,
            "government_funds": 30 * WAN,
            "own_funds": 70 * WAN,
            "milestones": [
                {"title": "完成方案设计", "due_on": D(2023, 10, 31)},
                ("样机试制", D(2024, 3, 31)),
            ],
            "reason": "专家评审择优",
        }
        values.update(fields)
        return services.project_create_from(actor=actor, **values)

    def test_a_selected_bid_becomes_an_approved_project_with_milestones(self):
        # The call closed on 2023-06-30: the selection follows it.
        project = self.create_from(self.staff)
        stored = Project.objects.get(pk=project.pk)
        self.assertEqual(stored.status, ProjectStatus.APPROVED)
        self.assertEqual(stored.decided_on, D(2023, 8, 15))
        self.assertEqual(stored.partner_institution, self.institution_2)
        self.assertEqual(
            list(Milestone.objects.filter(project=stored).values_list("title", "due_on")),
            [("完成方案设计", D(2023, 10, 31)), ("样机试制", D(2024, 3, 31))],
        )
        log = workflow.history_of(stored)[-1]
        self.assertEqual(
            (log.from_state, log.to_state, log.automatic, log.comment),
            ("collected", "approved", True, "专家评审择优"),
        )

    def test_only_the_bureau_selects_and_the_funding_rule_holds(self):
        with self.assertRaises(PermissionDenied):
            self.create_from(self.liaison_a)
        with self.assertRaises(ValidationError) as caught:
            self.create_from(
                self.staff, government_funds=Decimal(500_000), own_funds=Decimal(499_999)
            )
        self.assertIn("own_funds", caught.exception.message_dict)
        self.assertFalse(Project.objects.exists())

    def test_links_outside_the_actors_scope_are_refused_naming_the_field(self):
        from kechuang.core.choices import Role
        from kechuang.core.models import Region

        liandu = Region.objects.get(code="331102")
        staff_liandu = self.make_user("staff_liandu", Role.STAFF, liandu)
        with self.assertRaises(ValidationError) as caught:
            self.create_from(staff_liandu)
        self.assertEqual(
            caught.exception.message_dict["partner_institution"],
            ["院所“丽水学院”不存在或无权使用"],
        )
        with self.assertRaises(ValidationError) as caught:
            self.create_from(staff_liandu, partner_institution=None)
        self.assertIn("无权修改", caught.exception.message_dict["lead_enterprise"][0])
        self.assertFalse(Project.objects.exists())


@override_settings(KECHUANG_TODAY="2023-05-04")
class ProjectUpdateTest(ProjectsTestCase):
    def test_the_applicant_edits_until_submission_the_bureau_always(self):
        project = self.make_project(ProjectStatus.DRAFTED)
        services.project_update(actor=self.ent_user_a, project=project, own_funds=90 * WAN)
        project = self.make_project(ProjectStatus.SUBMITTED)
        with self.assertRaises(PermissionDenied) as caught:
            services.project_update(actor=self.ent_user_a, project=project, own_funds=90 * WAN)
        self.assertIn("只能由科技局修改", str(caught.exception))
        services.project_update(actor=self.staff, project=project, code="2023C01001")
        self.assertEqual(Project.objects.get(pk=project.pk).code, "2023C01001")

    def test_a_project_code_is_unique(self):
        services.project_update(actor=self.staff, project=self.make_project(), code="2023C01001")
        with self.assertRaises(ValidationError) as caught:
            services.project_update(
                actor=self.staff, project=self.make_project(), code="2023C01001"
            )
        self.assertIn("项目编号已被另一项目使用", str(caught.exception))


@override_settings(KECHUANG_TODAY="2023-06-30")
class MilestoneAndOutputTest(ProjectsTestCase):
    def test_a_milestone_is_done_today_or_earlier(self):
        project = self.make_project(ProjectStatus.CONTRACTED)
        milestone = services.milestone_save(
            actor=self.ent_user_a, project=project, title="中试", due_on=D(2023, 6, 1)
        )
        with self.assertRaises(ValidationError) as caught:
            services.milestone_done(actor=self.ent_user_a, milestone=milestone, on=D(2023, 7, 1))
        self.assertEqual(caught.exception.message_dict["done_on"], ["完成日期不能晚于今天"])
        done = services.milestone_done(actor=self.ent_user_a, milestone=milestone)
        self.assertEqual(done.done_on, D(2023, 6, 30))
        with self.assertRaises(PermissionDenied):
            services.milestone_save(
                actor=self.liaison_b, project=project, title="越权", due_on=D(2023, 9, 1)
            )

    def test_revenue_is_an_amount_the_others_a_count(self):
        project = self.make_project(ProjectStatus.MIDTERM)
        with self.assertRaises(ValidationError) as caught:
            services.output_save(actor=self.staff, project=project, kind="revenue", count=3)
        self.assertEqual(caught.exception.message_dict["amount"], ["营业收入须填写金额"])
        with self.assertRaises(ValidationError) as caught:
            services.output_save(actor=self.staff, project=project, kind="patent")
        self.assertEqual(caught.exception.message_dict["count"], ["专利须填写数量（至少1）"])
        output = services.output_save(
            actor=self.staff, project=project, kind="revenue", amount=Decimal("12000000")
        )
        self.assertEqual(output.history.first().history_user, self.staff)
