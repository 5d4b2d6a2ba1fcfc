"""Every transition of the platform workflow, allowed and refused (wrong state, wrong role,
other scope), from its declaration; the recognition document, date and number it needs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import workflow
from kechuang.core.attachments import attach
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.workflow_table import WorkflowTable
from kechuang.platforms import services
from kechuang.platforms.choices import RECOGNITION_DOCUMENT, PlatformStatus
from kechuang.platforms.models import Platform
from kechuang.platforms.tests.helpers import DAY, make_platform

HAS_ATTACHMENT = workflow.has_attachment


@pytest.fixture(autouse=True)
def _documents_uploaded(monkeypatch):
    """Attachments are another module's: here every platform carries its document."""
    monkeypatch.setattr(workflow, "has_attachment", lambda record, kind=None: True)


class PlatformWorkflowTest(WorkflowTable, CastTestCase):
    model = Platform

    def record_in(self, state):
        return make_platform(self, status=state)

    def after_move(self, platform, transition):
        if transition.target == PlatformStatus.APPLIED:
            self.assertEqual(platform.applied_on, DAY)
        if transition.target == PlatformStatus.RECOGNISED:
            self.assertEqual(platform.recognised_on, DAY)
        self.assertEqual(platform.status_changed_on, DAY)

    def test_a_host_firm_user_may_only_start_building(self):
        for state in PlatformStatus.values:
            moves = workflow.moves_for(self.ent_user_a, make_platform(self, status=state))
            expected = [PlatformStatus.PREPARING] if state == PlatformStatus.PLANNED else []
            self.assertEqual([m.value for m in moves], expected)

    def test_an_institute_user_moves_nothing_even_on_its_own_platform(self):
        platform = make_platform(self, host=self.institution)
        self.assertEqual(workflow.moves_for(self.inst_user, platform), [])
        with self.assertRaises(PermissionDenied):
            workflow.take(self.inst_user, platform, PlatformStatus.PREPARING)


class RecognitionTest(CastTestCase):
    def test_recognition_needs_the_document_the_date_and_the_number(self):
        platform = make_platform(self, status=PlatformStatus.APPLIED, recognition_number="")
        # The real check here (the fixture's stand-in is put back after the test).
        workflow.has_attachment = HAS_ATTACHMENT
        with self.assertRaises(ValidationError) as caught:
            services.platform_transition(
                actor=self.staff, platform=platform, target=PlatformStatus.RECOGNISED
            )
        self.assertIn("attachment", caught.exception.message_dict)
        self.assertIn("on", caught.exception.message_dict)
        # The recognition document, really attached (core/attachments.py).
        attach(
            actor=self.staff,
            record=platform,
            upload=SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4 recognition", "application/pdf"),
            kind=RECOGNITION_DOCUMENT,
        )
        with self.assertRaises(ValidationError) as caught:
            services.platform_transition(
                actor=self.staff, platform=platform, target=PlatformStatus.RECOGNISED, on=DAY
            )
        self.assertEqual(
            caught.exception.message_dict["recognition_number"], ["已认定的平台须填写认定文号"]
        )
        services.platform_update(
            actor=self.staff, platform=platform, recognition_number="浙科发高〔2023〕56号"
        )
        moved = services.platform_transition(
            actor=self.staff, platform=platform, target=PlatformStatus.RECOGNISED, on=DAY
        )
        self.assertEqual((moved.status, moved.recognised_on), (PlatformStatus.RECOGNISED, DAY))
