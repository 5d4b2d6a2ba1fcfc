"""The project workflow: every transition allowed and refused (wrong state, wrong role,
other scope), from its declaration; and what the hooks of 提交 and 验收 check."""

from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kechuang.core import workflow
from kechuang.core.attachments import attach
from kechuang.core.choices import Role
from kechuang.core.tests.workflow_table import DAY, WorkflowTable
from kechuang.projects.choices import CONTRACT_ATTACHMENT, ProjectStatus
from kechuang.projects.models import Output, Project
from kechuang.projects.tests.base import ProjectsTestCase

HAS_ATTACHMENT = workflow.has_attachment


@override_settings(KECHUANG_TODAY=DAY.isoformat())
class ProjectWorkflowTest(WorkflowTable, ProjectsTestCase):
    model = Project

    def setUp(self):
        super().setUp()
        self.allow_attachments()

    def record_in(self, state):
        return self.make_project(state)

    def test_a_user_of_another_firm_is_refused(self):
        other = self.make_user(
            "ent_user_b", Role.ENTERPRISE, self.township_b, enterprise=self.ent_b
        )
        project = self.make_project(ProjectStatus.DRAFTED)
        with self.assertRaises(PermissionDenied):
            workflow.take(other, project, ProjectStatus.SUBMITTED)
        self.assert_unchanged(project, ProjectStatus.DRAFTED)

    def test_a_firm_drafts_and_submits_but_does_not_recommend(self):
        project = self.make_project(ProjectStatus.SUBMITTED)
        self.assertEqual(workflow.moves_for(self.ent_user_a, project), [])
        moves = workflow.moves_for(self.staff, project)
        self.assertEqual(
            [m.value for m in moves], [ProjectStatus.DRAFTED, ProjectStatus.RECOMMENDED]
        )


@override_settings(KECHUANG_TODAY=DAY.isoformat())
class TransitionRequirementsTest(ProjectsTestCase):
    def test_acceptance_needs_the_outputs_reported(self):
        self.allow_attachments()
        project = self.make_project(ProjectStatus.MIDTERM)
        Output.objects.filter(project=project).delete()
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, project, ProjectStatus.ACCEPTED, on=DAY)
        self.assertIn("验收前须登记项目成果", caught.exception.message_dict["outputs"][0])
        project.refresh_from_db()
        self.assertEqual(project.status, ProjectStatus.MIDTERM)

    @mock.patch("kechuang.core.workflow.has_attachment", return_value=False)
    def test_acceptance_and_contract_need_their_attachment(self, has_attachment):
        for source, target in (
            (ProjectStatus.APPROVED, ProjectStatus.CONTRACTED),
            (ProjectStatus.MIDTERM, ProjectStatus.ACCEPTED),
        ):
            with self.subTest(target=target):
                project = self.make_project(source)
                with self.assertRaises(ValidationError) as caught:
                    workflow.take(self.staff, project, target, on=DAY)
                self.assertEqual(
                    caught.exception.message_dict["attachment"],
                    [f"改为“{target.label}”须先上传附件"],
                )
                kind = workflow.workflow_of(project).transition(source, target).attachment_kind
                self.assertEqual(has_attachment.call_args.args[1], kind)

    def test_a_real_contract_document_lets_the_contract_be_signed(self):
        project = self.make_project(ProjectStatus.APPROVED)
        with mock.patch("kechuang.core.workflow.has_attachment", HAS_ATTACHMENT):
            with self.assertRaises(ValidationError):
                workflow.take(self.staff, project, ProjectStatus.CONTRACTED, on=DAY)
            attach(
                actor=self.staff,
                record=project,
                upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", "application/pdf"),
                kind="验收报告",
            )
            with self.assertRaises(ValidationError):  # a file of another kind does not do
                workflow.take(self.staff, project, ProjectStatus.CONTRACTED, on=DAY)
            attach(
                actor=self.staff,
                record=project,
                upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", "application/pdf"),
                kind=CONTRACT_ATTACHMENT,
            )
            moved = workflow.take(self.staff, project, ProjectStatus.CONTRACTED, on=DAY)
        self.assertEqual(moved.status, ProjectStatus.CONTRACTED)

    def test_contract_signing_needs_a_date(self):
        self.allow_attachments()
        project = self.make_project(ProjectStatus.APPROVED)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, project, ProjectStatus.CONTRACTED)
        self.assertEqual(caught.exception.message_dict["on"], ["改为“已签订合同”须填写日期"])

    def test_submission_needs_a_call(self):
        project = self.make_project(ProjectStatus.DRAFTED, call=None)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.ent_user_a, project, ProjectStatus.SUBMITTED)
        self.assertEqual(caught.exception.message_dict["call"], ["提交前须选择申报批次"])
        project.refresh_from_db()
        self.assertEqual(project.status, ProjectStatus.DRAFTED)
