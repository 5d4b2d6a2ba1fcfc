"""Text normalisation: NFC on input, invisible characters refused in names and codes, control
characters refused in free text, whichever way a record is written (form, import, API)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from kechuang.core import excel
from kechuang.core.tests.cast import PASSWORD, CastTestCase, credit_code, xlsx
from kechuang.core.text import normalize_text, validate_clean_name, validate_clean_text
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create
from kechuang.enterprises.tests.test_importers import HEADER, row
from kechuang.institutions.models import Institution

# "é" written as e + combining acute accent (NFD), and as one character (NFC).
DECOMPOSED = "Caf\u0065\u0301科技"
COMPOSED = "Caf\u00e9科技"


class ValidatorTest(SimpleTestCase):
    def test_names_refuse_each_invisible_character_and_name_it(self):
        for char in "\u200b\u200c\u200d\u2060\ufeff\u202a\u202e\u2066\u2069\x07\x85\n":
            with self.subTest(char=f"U+{ord(char):04X}"):
                with self.assertRaises(ValidationError) as caught:
                    validate_clean_name(f"青田{char}科技")
                self.assertIn(f"U+{ord(char):04X}", caught.exception.messages[0])

    def test_names_refuse_text_that_is_not_nfc(self):
        with self.assertRaisesMessage(ValidationError, "NFC"):
            validate_clean_name(DECOMPOSED)

    def test_ordinary_names_pass(self):
        for name in ("青田县某某科技有限公司", "A-1 (2023)", "浙江·丽水", COMPOSED):
            validate_clean_name(name)

    def test_free_text_keeps_line_breaks_and_refuses_control_characters(self):
        validate_clean_text("第一行\n第二行\t完")
        with self.assertRaisesMessage(ValidationError, "U+0007（控制字符）"):
            validate_clean_text("鹤城街道\x07路")

    def test_normalize_text_composes(self):
        self.assertEqual(normalize_text(DECOMPOSED), COMPOSED)
        self.assertEqual(normalize_text(5), 5)


class WritePathsTest(CastTestCase):
    def test_a_service_refuses_a_look_alike_name(self):
        with self.assertRaises(ValidationError) as caught:
            enterprise_create(
                actor=self.staff,
                credit_code=credit_code(701),
                name=self.ent_a.name + "\u200b",
                township=self.township_a,
                industry_division="33",
            )
        self.assertIn("name", caught.exception.message_dict)
        self.assertIn("U+200B（零宽空格）", caught.exception.message_dict["name"][0])

    def test_the_import_names_the_column_of_an_invisible_character(self):
        content = xlsx(HEADER, [row(credit_code(702), "青田\u202e科技")])
        result = excel.run_import(excel.get_spec("enterprises"), content, self.staff, dry_run=True)
        self.assertEqual(len(result.errors), 1)
        self.assertEqual((result.errors[0].row, result.errors[0].column), (2, "企业名称"))
        self.assertIn("U+202E（双向文字控制符）", result.errors[0].message)

    def test_the_import_stores_names_in_nfc(self):
        content = xlsx(HEADER, [row(credit_code(703), DECOMPOSED)])
        result = excel.run_import(excel.get_spec("enterprises"), content, self.staff, dry_run=False)
        self.assertTrue(result.committed, result.errors)
        stored = Enterprise.objects.get(credit_code=credit_code(703)).name
        self.assertEqual(stored, COMPOSED)
        self.assertTrue(unicodedata.is_normalized("NFC", stored))

    def test_the_edit_form_normalises_to_nfc(self):
        self.client.force_login(self.staff)
        kind = Institution._meta.get_field("kind").choices[0][0]
        response = self.client.post(
            "/institutions/new/",
            {"name": DECOMPOSED, "kind": kind, "region": self.county.pk, "address": "e\u0301路"},
        )
        self.assertEqual(response.status_code, 302)
        created = Institution.objects.get(name=COMPOSED)
        self.assertEqual(created.address, "\u00e9路")

    def test_the_edit_form_refuses_a_control_character_in_the_address(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/institutions/{self.institution.pk}/edit/",
            {
                "name": self.institution.name,
                "kind": self.institution.kind,
                "region": self.county.pk,
                "address": "鹤城\x07路",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("U+0007", str(response.context["form"].errors["address"]))

    def test_the_api_refuses_a_zero_width_name_naming_the_field(self):
        token = self.client.post(
            "/api/token/", {"username": self.staff.username, "password": PASSWORD}
        ).json()["token"]
        response = self.client.patch(
            f"/api/enterprises/{self.ent_a.pk}/",
            {"name": self.ent_b.name + "\ufeff"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("U+FEFF", str(response.json()["name"]))
        self.ent_a.refresh_from_db()
        self.assertNotIn("\ufeff", self.ent_a.name)
