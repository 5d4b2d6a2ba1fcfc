"""Every transition of the talent project workflow, allowed and refused, from its declaration;
what a liaison may do; evaluation needs a result."""

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import workflow
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.workflow_table import WorkflowTable
from kechuang.talent import services
from kechuang.talent.choices import STAGE_DATES, Stage
from kechuang.talent.models import TalentProject
from kechuang.talent.tests.helpers import DAY, make_project


class TalentWorkflowTest(WorkflowTable, CastTestCase):
    model = TalentProject

    def record_in(self, state):
        return make_project(self, status=state)

    def after_move(self, project, transition):
        field = STAGE_DATES.get(transition.target)
        if field and transition.target != Stage.CONTACT:
            self.assertEqual(getattr(project, field), DAY)
        self.assertEqual(project.status_changed_on, DAY)

    def test_a_liaison_records_contact_and_intent_only(self):
        expected = {
            Stage.CONTACT: [Stage.INTENT, Stage.DROPPED],
            Stage.INTENT: [Stage.DROPPED],
        }
        for state in Stage.values:
            moves = workflow.moves_for(self.liaison_a, make_project(self, status=state))
            self.assertEqual([m.value for m in moves], expected.get(state, []), state)

    def test_the_host_firm_sees_its_project_but_moves_nothing(self):
        project = make_project(self)
        self.assertTrue(TalentProject.objects.visible_to(self.ent_user_a).filter(pk=project.pk))
        with self.assertRaises(PermissionDenied):
            workflow.take(self.ent_user_a, project, Stage.INTENT)


class EvaluationTest(CastTestCase):
    def test_evaluation_needs_a_result(self):
        project = make_project(self, status=Stage.LANDED, evaluation_result="")
        with self.assertRaises(ValidationError) as caught:
            services.project_transition(
                actor=self.staff, project=project, target=Stage.EVALUATED, on=DAY
            )
        self.assertEqual(
            caught.exception.message_dict["evaluation_result"], ["完成评估须填写评估结果"]
        )
        services.project_update(actor=self.staff, project=project, evaluation_result="excellent")
        moved = services.project_transition(
            actor=self.staff, project=project, target=Stage.EVALUATED, on=DAY
        )
        self.assertEqual((moved.status, moved.evaluated_on), (Stage.EVALUATED, DAY))
