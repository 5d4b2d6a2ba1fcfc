"""The unified social credit code validator (GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from kechuang.core.tests.cast import credit_code
from kechuang.core.validators import normalize_credit_code, uscc_check_char, validate_credit_code


class CreditCodeTest(SimpleTestCase):
    def assert_refused(self, value: str, code: str, fragment: str):
        with self.assertRaises(ValidationError) as caught:
            validate_credit_code(value)
        self.assertEqual(caught.exception.code, code)
        self.assertIn(fragment, caught.exception.messages[0])

    def test_it_computes_the_published_check_character(self):
        # Worked example of GB 32100-2015 as printed on business licences.
        self.assertEqual(uscc_check_char("91350100M000100Y4"), "3")
        validate_credit_code("91350100M000100Y43")

    def test_it_accepts_a_valid_code(self):
        code = credit_code(1)
        self.assertEqual(len(code), 18)
        validate_credit_code(code)

    def test_it_accepts_lowercase_and_surrounding_spaces(self):
        validate_credit_code(f"  {credit_code(7).lower()} ")
        self.assertEqual(normalize_credit_code(" 91331121ma0000001x "), "91331121MA0000001X")

    def test_it_refuses_a_wrong_check_character(self):
        code = credit_code(3)
        wrong = "0" if code[-1] != "0" else "1"
        self.assert_refused(code[:17] + wrong, "check", f"第18位应为 {code[-1]}")

    def test_it_refuses_the_wrong_length(self):
        self.assert_refused(credit_code(4)[:17], "length", "应为18位，实际为17位")
        self.assert_refused(credit_code(4) + "1", "length", "实际为19位")
        self.assert_refused("", "length", "实际为0位")

    def test_it_refuses_the_letters_the_standard_leaves_out(self):
        for letter in "IOZSV":
            code = "91331121M" + letter + "0000001"
            with self.subTest(letter=letter):
                self.assert_refused(code + "0", "charset", f"不允许的字符：{letter}")

    def test_it_refuses_a_non_numeric_registration_region(self):
        first17 = "9133A121MA0000001"
        self.assert_refused(first17 + uscc_check_char(first17), "region", "行政区划码")
