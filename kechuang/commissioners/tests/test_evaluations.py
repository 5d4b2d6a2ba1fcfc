"""Annual evaluation: scores checked against the sheet (data/*.toml, labelled 示例), grades
优秀 / 良好 / 合格 / 不合格 at their band boundaries."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.commissioners import engine, services
from kechuang.commissioners.choices import Grade
from kechuang.commissioners.tests.helpers import D, make_commissioners
from kechuang.core.tests.cast import CastTestCase

SHEET = "commissioner-eval-example"


def scores(total: str) -> dict:
    """Item scores adding up to `total` (days 30, services 40, satisfaction 20, the rest)."""
    rest = Decimal(total)
    out = {}
    for key, most in (("days", 30), ("services", 40), ("satisfaction", 20), ("discipline", 10)):
        out[key] = str(min(rest, Decimal(most)))
        rest -= Decimal(out[key])
    return out


class GradeBandTest(CastTestCase):
    def test_sheet_is_an_example_of_100_points(self):
        sheet = engine.load_sheet(SHEET)
        self.assertTrue(sheet.example)
        self.assertIn("示例", sheet.title)
        self.assertEqual(sheet.full_marks, 100)

    def test_grades_at_their_boundaries(self):
        sheet = engine.load_sheet(SHEET)
        for total, grade in (
            ("100", Grade.EXCELLENT),
            ("90", Grade.EXCELLENT),
            ("89.9", Grade.GOOD),
            ("80", Grade.GOOD),
            ("79.9", Grade.QUALIFIED),
            ("60", Grade.QUALIFIED),
            ("59.9", Grade.UNQUALIFIED),
            ("0", Grade.UNQUALIFIED),
        ):
            with self.subTest(total=total):
                _, computed, got = engine.score(sheet, scores(total))
                self.assertEqual(computed, Decimal(total))
                self.assertEqual(got, grade)

    def test_item_out_of_range_names_the_item(self):
        sheet = engine.load_sheet(SHEET)
        bad = {**scores("80"), "satisfaction": "20.5"}
        with self.assertRaises(ValidationError) as caught:
            engine.score(sheet, bad)
        self.assertIn("scores.satisfaction", caught.exception.error_dict)


class EvaluationServiceTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)

    def test_bureau_records_and_replaces_a_years_evaluation(self):
        first = services.evaluation_save(
            actor=self.staff,
            commissioner=self.own,
            year=2023,
            sheet=SHEET,
            scores=scores("59.9"),
            evaluated_on=D(2024, 1, 15),
        )
        self.assertEqual(first.get_grade_display(), "不合格")
        again = services.evaluation_save(
            actor=self.staff,
            commissioner=self.own,
            year=2023,
            sheet=SHEET,
            scores=scores("90"),
            evaluated_on=D(2024, 1, 20),
        )
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(again.get_grade_display(), "优秀")

    def test_the_commissioner_and_liaison_cannot_evaluate(self):
        for actor in (self.commissioner, self.liaison_a):
            with self.assertRaises(PermissionDenied):
                services.evaluation_save(
                    actor=actor,
                    commissioner=self.own,
                    year=2023,
                    sheet=SHEET,
                    scores=scores("95"),
                    evaluated_on=D(2024, 1, 15),
                )


class EvaluationPageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)

    def test_staff_enters_a_year_on_the_sheet_and_reads_the_grade(self):
        from django.urls import reverse

        self.client.force_login(self.staff)
        url = reverse("commissioners:evaluation_create", args=[self.own.pk])
        data = {"year": 2023, "evaluated_on": "2024-01-15", "note": ""}
        data |= {f"score_{k}": v for k, v in scores("80").items()}
        response = self.client.post(url, data)
        self.assertRedirects(response, self.own.get_absolute_url())
        page = self.client.get(self.own.get_absolute_url()).content.decode()
        self.assertIn("良好", page)
        self.assertIn("示例", page)

    def test_liaison_reads_the_commissioner_but_cannot_evaluate(self):
        from django.urls import reverse

        self.client.force_login(self.liaison_a)
        self.assertEqual(self.client.get(self.own.get_absolute_url()).status_code, 200)
        url = reverse("commissioners:evaluation_create", args=[self.own.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
