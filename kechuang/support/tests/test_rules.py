"""Clause conditions and amount rules at their boundaries (pure, no database)."""

from decimal import Decimal

from django.test import SimpleTestCase

from kechuang.support import rules
from kechuang.support.facts import empty_facts

GROWTH = [
    {"label": "增长20%", "any": [{"ratio": ["rnd_expense", "rnd_expense_prev"], "min": 1.2}]},
    {"label": "增加50万", "any": [{"fact": "rnd_increase", "min": 500000}]},
]
PERCENT = {"kind": "percent", "of": "rnd_increase", "rate": 0.1, "cap": 500000}


def facts(**values):
    found = empty_facts()
    found.update({k: Decimal(v) if isinstance(v, int | str) else v for k, v in values.items()})
    return found


def growth(prev: int, now: int):
    return facts(rnd_expense=now, rnd_expense_prev=prev, rnd_increase=max(now - prev, 0))


class ConditionTests(SimpleTestCase):
    def test_a_flag_condition_holds_only_when_the_flag_is_true(self):
        cond = [{"any": [{"fact": "hnte_new_in_year", "equals": True}]}]
        self.assertIs(rules.evaluate(cond, facts(hnte_new_in_year=True))[0], True)
        self.assertIs(rules.evaluate(cond, facts())[0], False)

    def test_growth_ratio_just_below_at_and_above_the_threshold(self):
        self.assertIs(rules.evaluate(GROWTH, growth(5_000_000, 5_999_999))[0], False)
        self.assertIs(rules.evaluate(GROWTH, growth(5_000_000, 6_000_000))[0], True)
        self.assertIs(rules.evaluate(GROWTH, growth(5_000_000, 6_000_001))[0], True)

    def test_a_minimum_just_below_and_at_it(self):
        # 20% growth on a small base: the ratio holds, the increase of 499,999.99 does not.
        low = facts(rnd_expense="2999999.99", rnd_expense_prev="2500000",
                    rnd_increase="499999.99")  # fmt: skip
        self.assertIs(rules.evaluate(GROWTH, low)[0], False)
        at = facts(rnd_expense="3000000", rnd_expense_prev="2500000", rnd_increase="500000")
        self.assertIs(rules.evaluate(GROWTH, at)[0], True)

    def test_missing_figures_leave_the_clause_undecided(self):
        passed, verdicts = rules.evaluate(GROWTH, facts())
        self.assertIsNone(passed)
        self.assertIn("缺少数据", verdicts[0]["message"])

    def test_unknown_facts_and_bad_amount_rules_are_reported(self):
        self.assertTrue(rules.check_conditions([{"any": [{"fact": "nope", "equals": True}]}]))
        self.assertTrue(rules.check_conditions([]))
        self.assertTrue(rules.check_amount({"kind": "percent", "of": "conversions", "rate": 1}))
        self.assertTrue(rules.check_amount({"kind": "fixed", "amount": 0}))
        self.assertEqual(rules.check_amount({"kind": "per_unit", "of": "quantity", "rate": 5}), [])


class AmountTests(SimpleTestCase):
    def test_fixed(self):
        self.assertEqual(
            rules.amount({"kind": "fixed", "amount": 500000}, facts()), Decimal("500000.00")
        )

    def test_percentage_below_at_and_over_the_cap(self):
        self.assertEqual(
            rules.amount(PERCENT, facts(rnd_increase="4999999.90")), Decimal("499999.99")
        )
        self.assertEqual(rules.amount(PERCENT, facts(rnd_increase=5_000_000)), Decimal("500000.00"))
        self.assertEqual(rules.amount(PERCENT, facts(rnd_increase=9_000_000)), Decimal("500000.00"))
        self.assertIsNone(rules.amount(PERCENT, facts()))

    def test_per_unit_of_a_fact_and_of_the_quantity_with_cap(self):
        per_item = {"kind": "per_unit", "of": "conversions", "rate": 20000, "cap": 100000}
        self.assertEqual(rules.amount(per_item, facts(conversions=4)), Decimal("80000.00"))
        self.assertEqual(rules.amount(per_item, facts(conversions=5)), Decimal("100000.00"))
        self.assertEqual(rules.amount(per_item, facts(conversions=6)), Decimal("100000.00"))
        voucher = {"kind": "per_unit", "of": "quantity", "rate": 500, "cap": 100000}
        self.assertEqual(rules.amount(voucher, facts(), 197), Decimal("98500.00"))
        self.assertEqual(rules.amount(voucher, facts(), 201), Decimal("100000.00"))
        self.assertIsNone(rules.amount(voucher, facts()))

    def test_descriptions(self):
        self.assertEqual(rules.describe_amount(PERCENT), "研发费用增加额的10%，最高50.00万元")
        self.assertEqual(rules.describe_amount({"kind": "fixed", "amount": 30000}), "奖励3.00万元")

    def test_the_example_policy_file_loads(self):
        policy = rules.policy_data("qingtian-example-2022")
        self.assertTrue(policy.example)
        self.assertEqual(len({c.code for c in policy.clauses}), len(policy.clauses))
        self.assertTrue(all(c.example for c in policy.clauses))
