"""Talent pages: registering through the form, the stage moves on the record page, the
program page showing the data file's caps marked as examples."""

from django.urls import reverse

from kechuang.core.tests.cast import CastTestCase
from kechuang.talent.choices import Stage
from kechuang.talent.models import TalentProject
from kechuang.talent.tests.helpers import make_project, program_of


class PagesTest(CastTestCase):
    def test_a_liaison_registers_a_project_without_the_funding_fields(self):
        program = program_of(self)
        self.client.force_login(self.liaison_a)
        url = reverse("talent:project_create")
        form = self.client.get(url).content.decode()
        self.assertNotIn('name="funding_committed"', form)
        response = self.client.post(
            url,
            {
                "program": program.pk,
                "talent_class": "C",
                "kind": "entrepreneurship",
                "applicant_kind": "team",
                "applicant": "李博士团队",
                "title": "燃煤电站脱硝控制",
                "host_enterprise": self.ent_a.credit_code,
            },
        )
        project = TalentProject.objects.get(title="燃煤电站脱硝控制")
        self.assertRedirects(response, project.get_absolute_url())
        self.assertEqual((project.region, project.status), (self.township_a, Stage.CONTACT))

    def test_the_record_page_offers_the_moves_the_user_may_take(self):
        project = make_project(self, status=Stage.INTENT)
        self.client.force_login(self.staff)
        page = self.client.get(project.get_absolute_url()).content.decode()
        self.assertIn("签约", page)
        response = self.client.post(
            reverse("talent:project_transition", args=[project.pk]),
            {"status": Stage.SIGNED, "on": "2023-05-04"},
        )
        self.assertEqual(response.status_code, 302)
        project.refresh_from_db()
        self.assertEqual(project.status, Stage.SIGNED)
        page = self.client.get(project.get_absolute_url()).content.decode()
        self.assertIn('value="landed"', page)
        self.client.force_login(self.liaison_a)
        page = self.client.get(project.get_absolute_url()).content.decode()
        self.assertNotIn('value="landed"', page)

    def test_the_program_page_marks_the_caps_as_examples(self):
        program_of(self)
        self.client.force_login(self.liaison_a)
        page = self.client.get(reverse("talent:program_list")).content.decode()
        self.assertIn("丽委发〔2023〕2号", page)
        self.assertIn("300.00万元", page)
        self.assertIn("示例，待核实", page)
        self.assertIn("40.00%", page)
