"""Every transition of the recommendation workflow, allowed and refused, from its declaration;
granting needs the amount granted."""

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import workflow
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.workflow_table import DAY, WorkflowTable
from kechuang.loans import services
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation
from kechuang.loans.tests.helpers import D, make_loan


class LoanWorkflowTest(WorkflowTable, CastTestCase):
    model = LoanRecommendation

    def record_in(self, state):
        return make_loan(self, status=state)

    def after_move(self, loan, transition):
        if transition.target == LoanStatus.GRANTED:
            self.assertEqual(loan.granted_on, DAY)
        self.assertEqual(loan.status_changed_on, DAY)

    def test_a_liaison_may_only_withdraw(self):
        expected = {LoanStatus.RECOMMENDED: [LoanStatus.WITHDRAWN]}
        for state in LoanStatus.values:
            moves = workflow.moves_for(self.liaison_a, make_loan(self, status=state))
            self.assertEqual([m.value for m in moves], expected.get(state, []), state)

    def test_the_firm_sees_its_recommendation_but_moves_nothing(self):
        loan = make_loan(self)
        self.assertTrue(LoanRecommendation.objects.visible_to(self.ent_user_a).filter(pk=loan.pk))
        with self.assertRaises(PermissionDenied):
            workflow.take(self.ent_user_a, loan, LoanStatus.WITHDRAWN, comment="不需要了")


class GrantTest(CastTestCase):
    def test_granting_needs_the_amount_granted(self):
        loan = make_loan(self, amount_granted=None)
        with self.assertRaises(ValidationError) as caught:
            services.loan_transition(
                actor=self.staff, loan=loan, target=LoanStatus.GRANTED, on=D(2023, 4, 2)
            )
        self.assertEqual(
            caught.exception.message_dict["amount_granted"], ["改为“已授信”须先填写授信额度"]
        )
        loan.refresh_from_db()
        self.assertEqual((loan.status, loan.granted_on), (LoanStatus.RECOMMENDED, None))

    def test_the_grant_may_not_precede_the_recommendation(self):
        loan = make_loan(self)
        with self.assertRaises(ValidationError) as caught:
            services.loan_transition(
                actor=self.staff, loan=loan, target=LoanStatus.GRANTED, on=D(2023, 2, 1)
            )
        self.assertIn("on", caught.exception.message_dict)

    def test_declining_needs_a_comment(self):
        loan = make_loan(self)
        with self.assertRaises(ValidationError) as caught:
            services.loan_transition(actor=self.staff, loan=loan, target=LoanStatus.DECLINED)
        self.assertIn("comment", caught.exception.message_dict)
        moved = services.loan_transition(
            actor=self.staff, loan=loan, target=LoanStatus.DECLINED, comment="担保不足"
        )
        self.assertIn("担保不足", moved.note)
