"""Funding rules at their boundaries (pure, no database)."""

from decimal import Decimal
from unittest import TestCase

from kechuang.projects import engine

HANGZHOU_SHANGCHENG = "330102"  # not a mountain-area county
QINGTIAN = "331121"  # one of the 26


class FundingRuleTest(TestCase):
    def setUp(self):
        self.rule = engine.rule_book().rules["zj-rnd-2023"]

    def check(self, county, government, own):
        return engine.check_funding(self.rule, county, Decimal(government), Decimal(own))

    def test_own_funds_of_79_99_percent_are_refused_80_accepted(self):
        refused = self.check(HANGZHOU_SHANGCHENG, "2001", "7999")
        self.assertFalse(refused.ok)
        self.assertEqual(refused.required, Decimal("0.80"))
        self.assertIn("自筹资金占总经费79.99%", refused.message)
        self.assertIn("不低于80.00%", refused.message)
        self.assertTrue(self.check(HANGZHOU_SHANGCHENG, "2000", "8000").ok)

    def test_a_mountain_county_needs_60_percent(self):
        self.assertTrue(self.check(QINGTIAN, "4000", "6000").ok)
        refused = self.check(QINGTIAN, "4001", "5999")
        self.assertFalse(refused.ok)
        self.assertEqual(refused.county_class, engine.MOUNTAIN)
        self.assertIn("山区26县不低于60.00%", refused.message)
        # 60% is not enough elsewhere.
        self.assertFalse(self.check(HANGZHOU_SHANGCHENG, "4000", "6000").ok)

    def test_a_townships_code_counts_as_its_county(self):
        self.assertEqual(engine.rule_book().county_class("331121001"), engine.MOUNTAIN)

    def test_no_funds_at_all_is_refused(self):
        check = self.check(QINGTIAN, "0", "0")
        self.assertFalse(check.ok)
        self.assertIsNone(check.share)

    def test_the_data_lists_26_mountain_counties_and_labels_every_rule(self):
        book = engine.rule_book()
        self.assertEqual(len(book.mountain_counties), 26)
        self.assertIn(QINGTIAN, book.mountain_counties)
        self.assertTrue(book.mountain_document)
        for rule in book.rules.values():
            with self.subTest(rule=rule.key):
                self.assertTrue(rule.document == "示例" if rule.example else rule.document)
                self.assertIn(engine.DEFAULT, rule.min_own_share)
