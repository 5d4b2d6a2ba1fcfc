"""Applications, the once-per-clause and group rules, the workflow, batch approval, totals,
the 政策找企业 list and who sees what."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kechuang.support import selectors, services
from kechuang.support.facts import facts_of
from kechuang.support.models import Disbursement
from kechuang.support.tests.helpers import D, SupportTestCase, annual, qualify, recognise


class FactsTests(SupportTestCase):
    def test_facts_come_from_qualifications_platforms_and_annual_figures(self):
        annual(self.ent_a, 2021, 1_000_000)
        annual(self.ent_a, 2022, 1_600_000, conversions=3)
        recognise(self.ent_a, "hnte_rnd_centre", D(2022, 9, 1), "甲研发中心")
        facts = facts_of(self.ent_a, 2022)
        self.assertTrue(facts["hnte_new_in_year"])
        self.assertTrue(facts["tsme_registered_in_year"])
        self.assertTrue(facts["rnd_centre_recognised_in_year"])
        self.assertFalse(facts["institute_recognised_in_year"])
        self.assertEqual(facts["rnd_increase"], Decimal(600_000))
        self.assertEqual(facts["conversions"], 3)
        self.assertFalse(facts_of(self.ent_a, 2023)["hnte_new_in_year"])
        self.assertIsNone(facts_of(self.ent_b, 2022)["rnd_expense"])


class ApplicationTests(SupportTestCase):
    def test_staff_enters_an_award_at_the_clause_amount(self):
        record = self.apply(self.ent_a, "hnte-new")
        self.assertEqual((record.amount, record.entitled), (Decimal(500000), Decimal(500000)))
        self.assertEqual(record.region, self.township_a)
        self.assertEqual(record.status, "applied")

    def test_staff_may_enter_less_but_not_more_than_the_clause_gives(self):
        record = self.apply(self.ent_a, "hnte-new", amount=Decimal(400000))
        self.assertEqual(record.amount, Decimal(400000))
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_b, "tsme-registered", amount=Decimal("30000.01"))
        self.assertIn("amount", caught.exception.message_dict)

    def test_a_firm_applies_for_itself_only(self):
        record = self.apply(self.ent_a, "tsme-registered", actor=self.ent_user_a)
        self.assertEqual(record.enterprise, self.ent_a)
        with self.assertRaises(PermissionDenied):
            self.apply(self.ent_b, "tsme-registered", actor=self.ent_user_a)
        for user in (self.liaison_a, self.viewer, self.inst_user, self.commissioner):
            with self.assertRaises(PermissionDenied):
                self.apply(self.ent_a, "hnte-new", actor=user)

    def test_a_firm_not_meeting_the_clause_is_refused_with_the_reason(self):
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_b, "hnte-new")
        self.assertIn(
            "不符合“新认定高新技术企业奖励”的条件", caught.exception.message_dict["clause"][0]
        )
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_a, "hnte-new", year=2021)
        self.assertIn("year", caught.exception.message_dict)
        self.assertFalse(Disbursement.objects.exists())

    def test_per_unit_clause_needs_the_quantity(self):
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_b, "innovation-voucher")
        self.assertIn("quantity", caught.exception.message_dict)
        record = self.apply(self.ent_b, "innovation-voucher", quantity=197)
        self.assertEqual(record.amount, Decimal(98500))

    def test_percentage_clause_on_annual_figures(self):
        annual(self.ent_b, 2021, 2_500_000)
        annual(self.ent_b, 2022, 2_999_999)
        with self.assertRaises(ValidationError):
            self.apply(self.ent_b, "rnd-growth")
        annual_2022 = self.ent_b.years.get(year=2022)
        annual_2022.rnd_expense = Decimal(9_000_000)
        annual_2022.total_costs = Decimal(90_000_000)
        annual_2022.save()
        self.assertEqual(self.apply(self.ent_b, "rnd-growth").amount, Decimal(500000))


class OncePerClauseTests(SupportTestCase):
    def test_a_second_award_of_the_same_clause_and_year_is_refused(self):
        self.apply(self.ent_a, "hnte-new")
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_a, "hnte-new")
        self.assertIn("不重复兑现", caught.exception.message_dict["clause"][0])
        self.assertEqual(Disbursement.objects.count(), 1)

    def test_the_database_refuses_it_too(self):
        first = self.apply(self.ent_a, "hnte-new")
        copy = Disbursement(
            enterprise=self.ent_a, clause=first.clause, year=2022, region=self.township_a,
            amount=Decimal(1), applied_on=D(2023, 1, 6),
        )  # fmt: skip
        with self.assertRaises(IntegrityError), transaction.atomic():
            copy.save()

    def test_after_a_refusal_the_firm_may_apply_again(self):
        first = self.apply(self.ent_a, "hnte-new")
        services.disbursement_transition(
            actor=self.staff, disbursement=first, target="rejected", comment="材料不全"
        )
        again = self.apply(self.ent_a, "hnte-new")
        self.assertEqual(again.status, "applied")


class GroupTests(SupportTestCase):
    def setUp(self):
        recognise(self.ent_a, "hnte_rnd_centre", D(2022, 5, 1), "甲研发中心")
        recognise(self.ent_a, "enterprise_institute", D(2022, 11, 1), "甲研究院")

    def test_the_highest_clause_of_the_group_wins(self):
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_a, "rnd-centre")
        self.assertIn("从高从优", caught.exception.message_dict["clause"][0])
        self.assertIn("省级企业研究院奖励", caught.exception.message_dict["clause"][0])
        record = self.apply(self.ent_a, "institute")
        self.assertEqual(record.amount, Decimal(500000))

    def test_a_second_award_in_the_group_is_refused(self):
        self.apply(self.ent_a, "institute")
        with self.assertRaises(ValidationError) as caught:
            self.apply(self.ent_a, "rnd-centre")
        self.assertIn("同组条款", caught.exception.message_dict["clause"][0])

    def test_the_list_offers_only_the_highest_of_the_group(self):
        _, rows = selectors.entitlements(self.staff, 2022)
        mine = {r.clause.code for r in rows if r.enterprise == self.ent_a}
        self.assertIn("institute", mine)
        self.assertNotIn("rnd-centre", mine)
        self.apply(self.ent_a, "institute")
        _, rows = selectors.entitlements(self.staff, 2022)
        mine = {r.clause.code for r in rows if r.enterprise == self.ent_a}
        self.assertFalse(mine & {"institute", "rnd-centre", "key-institute"})

    def test_the_database_holds_one_award_per_group_and_year(self):
        record = self.apply(self.ent_a, "institute")
        copy = Disbursement(
            enterprise=self.ent_a, clause=self.clauses["rnd-centre"], year=2022,
            region=self.township_a, amount=Decimal(1), applied_on=D(2023, 1, 6),
            group_key=record.group_key,
        )  # fmt: skip
        with self.assertRaises(IntegrityError), transaction.atomic():
            copy.save()


class WorkflowTests(SupportTestCase):
    def test_applied_reviewed_approved_paid(self):
        record = self.pay(self.apply(self.ent_a, "hnte-new"))
        self.assertEqual((record.status, record.paid_on), ("paid", D(2023, 3, 1)))
        self.assertEqual(record.approved_on, D(2023, 2, 10))

    def test_the_liaison_reviews_its_township_only_and_does_not_approve(self):
        a = self.apply(self.ent_a, "tsme-registered")
        b = self.apply(self.ent_b, "tsme-registered")
        services.disbursement_transition(actor=self.liaison_a, disbursement=a, target="reviewed")
        with self.assertRaises(PermissionDenied):
            services.disbursement_transition(
                actor=self.liaison_a, disbursement=b, target="reviewed"
            )
        with self.assertRaises(PermissionDenied):
            services.disbursement_transition(
                actor=self.liaison_a, disbursement=a, target="approved"
            )

    def test_paying_needs_a_date(self):
        record = self.apply(self.ent_a, "hnte-new")
        for target in ("reviewed", "approved"):
            record = services.disbursement_transition(
                actor=self.staff, disbursement=record, target=target
            )
        with self.assertRaises(ValidationError) as caught:
            services.disbursement_transition(actor=self.staff, disbursement=record, target="paid")
        self.assertIn("on", caught.exception.message_dict)

    def test_batch_approval_checks_each(self):
        a = self.apply(self.ent_a, "tsme-registered")
        b = self.apply(self.ent_b, "tsme-registered")
        c = self.apply(self.ent_a, "hnte-new")
        for record in (a, b):
            services.disbursement_transition(
                actor=self.staff, disbursement=record, target="reviewed"
            )
        result = services.disbursements_approve(actor=self.staff, disbursements=[a, b, c])
        self.assertEqual({r.pk for r in result.done}, {a.pk, b.pk})
        self.assertEqual([r.pk for r, _ in result.refused], [c.pk])
        self.assertEqual(Disbursement.objects.get(pk=c.pk).status, "applied")
        with self.assertRaises(PermissionDenied):
            services.disbursements_approve(actor=self.liaison_a, disbursements=[a])


class TotalsAndListsTests(SupportTestCase):
    def setUp(self):
        self.pay(self.apply(self.ent_a, "hnte-new"), on=D(2023, 3, 1))
        self.pay(self.apply(self.ent_b, "tsme-registered"), on=D(2023, 4, 1))
        self.apply(self.ent_a, "tsme-registered")

    def test_totals_by_clause_township_and_year(self):
        rows = {r["label"]: r for r in selectors.totals(Disbursement.objects.all(), "clause")}
        self.assertEqual(rows["新认定高新技术企业奖励"]["paid"], Decimal(500000))
        self.assertEqual(rows["科技型中小企业入库奖励"]["paid"], Decimal(30000))
        self.assertEqual(rows["科技型中小企业入库奖励"]["pending"], Decimal(30000))
        by_township = {
            r["key"]: r for r in selectors.totals(Disbursement.objects.all(), "township")
        }
        self.assertEqual(by_township[self.township_a.pk]["paid"], Decimal(500000))
        (year,) = selectors.totals(Disbursement.objects.all(), "year")
        self.assertEqual((year["label"], year["paid"], year["firms"]), (2022, Decimal(530000), 2))

    def test_the_unclaimed_list(self):
        _, rows = selectors.entitlements(self.staff, 2022)
        found = {(r.enterprise.pk, r.clause.code): r.amount for r in rows}
        # Both firms registered TSME in 2022: vouchers still open (amount by quantity).
        self.assertIn((self.ent_a.pk, "innovation-voucher"), found)
        self.assertIsNone(found[(self.ent_a.pk, "innovation-voucher")])
        self.assertNotIn((self.ent_a.pk, "hnte-new"), found)  # paid
        self.assertNotIn((self.ent_a.pk, "tsme-registered"), found)  # applied
        self.assertNotIn((self.ent_b.pk, "tsme-registered"), found)  # paid

    def test_the_unclaimed_list_in_a_fixed_number_of_queries(self):
        for n in range(30):
            from kechuang.core.tests.cast import credit_code
            from kechuang.enterprises.services import enterprise_create

            firm = enterprise_create(
                actor=self.admin, credit_code=credit_code(100 + n), name=f"批量企业{n}",
                township=self.township_b, industry_division="34",
            )  # fmt: skip
            qualify(firm, "hnte", 2022, D(2022, 12, 1))
        with self.assertNumQueries(6):
            _, rows = selectors.entitlements(self.staff, 2022)
        self.assertEqual(sum(1 for r in rows if r.clause.code == "hnte-new"), 30)


class ScopingTests(SupportTestCase):
    def setUp(self):
        self.a = self.apply(self.ent_a, "tsme-registered")
        self.b = self.apply(self.ent_b, "tsme-registered")

    def test_who_sees_which_disbursements(self):
        def seen(user):
            return set(selectors.disbursement_list(user).values_list("pk", flat=True))

        self.assertEqual(seen(self.staff), {self.a.pk, self.b.pk})
        self.assertEqual(seen(self.liaison_a), {self.a.pk})
        self.assertEqual(seen(self.liaison_b), {self.b.pk})
        self.assertEqual(seen(self.ent_user_a), {self.a.pk})
        self.assertEqual(seen(self.inst_user), set())

    def test_who_sees_which_entitlements(self):
        def firms(user):
            return {r.enterprise.pk for r in selectors.entitlements(user, 2022)[1]}

        self.assertEqual(firms(self.staff), {self.ent_a.pk, self.ent_b.pk})
        self.assertEqual(firms(self.liaison_b), {self.ent_b.pk})
        self.assertEqual(firms(self.ent_user_a), {self.ent_a.pk})
