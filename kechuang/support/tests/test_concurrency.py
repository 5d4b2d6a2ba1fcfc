"""Twenty approvals racing for the same firm, clause and year pay once: writers in threads,
each with its own database connection (SQLite: a file test database, see conftest.py; run
on PostgreSQL too with DATABASE_URL)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TransactionTestCase

from kechuang.core.tests.browser import reload_reference_data
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.test_concurrency import run_threads
from kechuang.support import services
from kechuang.support.models import Disbursement
from kechuang.support.tests.helpers import POLICY, D, qualify

pytestmark = [pytest.mark.threads]
WRITERS = 20


class ConcurrentApprovalTest(TransactionTestCase):
    make_user = CastTestCase.__dict__["make_user"]

    def setUp(self):
        reload_reference_data()
        CastTestCase.__dict__["setUpTestData"].__func__(type(self))
        self.policy = services.policy_load(actor=self.admin, key=POLICY)
        self.clause = self.policy.clauses.get(code="hnte-new")
        qualify(self.ent_a, "hnte", 2022, D(2022, 12, 1))

    def _fixture_teardown(self):
        # The flush empties what the data migrations loaded: put it back for what runs next.
        super()._fixture_teardown()
        reload_reference_data()

    def race(self, targets) -> list[str]:
        outcomes = []

        def attempt(target):
            def run():
                try:
                    target()
                    outcomes.append("done")
                except (ValidationError, PermissionDenied):
                    outcomes.append("refused")

            return run

        self.assertEqual(run_threads([attempt(t) for t in targets]), [])
        return outcomes

    def test_twenty_firm_applications_and_approvals_of_one_clause_pay_once(self):
        def apply_and_pay():
            record = services.disbursement_create(
                actor=self.staff,
                enterprise=self.ent_a,
                clause=self.clause,
                year=2022,
                applied_on=D(2023, 1, 5),
            )
            for target, on in (
                ("reviewed", D(2023, 2, 1)),
                ("approved", D(2023, 2, 10)),
                ("paid", D(2023, 3, 1)),
            ):
                services.disbursement_transition(
                    actor=self.staff, disbursement=record, target=target, on=on
                )

        outcomes = self.race([apply_and_pay] * WRITERS)
        self.assertEqual(sorted(outcomes), ["done"] + ["refused"] * (WRITERS - 1))
        paid = Disbursement.objects.filter(enterprise=self.ent_a, clause=self.clause, year=2022)
        self.assertEqual(paid.count(), 1)
        self.assertEqual(paid.get().status, "paid")
        self.assertEqual(paid.get().amount, Decimal(500000))

    def test_twenty_approvals_and_payments_of_one_disbursement_pay_once(self):
        record = services.disbursement_create(
            actor=self.staff,
            enterprise=self.ent_a,
            clause=self.clause,
            year=2022,
            applied_on=D(2023, 1, 5),
        )
        services.disbursement_transition(
            actor=self.staff, disbursement=record, target="reviewed", on=D(2023, 2, 1)
        )

        def approve_and_pay():
            stale = Disbursement.objects.get(pk=record.pk)
            services.disbursement_transition(
                actor=self.staff, disbursement=stale, target="approved", on=D(2023, 2, 10)
            )
            services.disbursement_transition(
                actor=self.staff, disbursement=stale, target="paid", on=D(2023, 3, 1)
            )

        outcomes = self.race([approve_and_pay] * WRITERS)
        self.assertEqual(sorted(outcomes), ["done"] + ["refused"] * (WRITERS - 1))
        stored = Disbursement.objects.get(pk=record.pk)
        self.assertEqual((stored.status, stored.paid_on), ("paid", D(2023, 3, 1)))
        from kechuang.core.models import TransitionLog

        moves = TransitionLog.objects.filter(object_id=str(record.pk), to_state="paid")
        self.assertEqual(moves.count(), 1)
