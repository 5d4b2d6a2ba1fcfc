"""The talent demo reproduces section (六) of the seed report: the 绿谷精英 C-class project
signed and three letters of intent (mixed into DemoLoadTests)."""

from kechuang.core import figures
from kechuang.demo import dataset
from kechuang.demo.talent import C_CLASS_TITLE
from kechuang.talent.choices import Stage
from kechuang.talent.models import TalentProject


class TalentDemoChecks:
    def test_the_c_class_project_is_signed_and_three_intents_recorded(self):
        signed = TalentProject.objects.get(title=C_CLASS_TITLE)
        self.assertEqual((signed.status, signed.talent_class), (Stage.SIGNED, "C"))
        self.assertEqual(signed.host_enterprise.name, dataset.MADISON)
        self.assertEqual(TalentProject.objects.filter(status=Stage.INTENT).count(), 3)
        self.assertEqual(figures.value("talent.projects.signed.C", "331121", "2023-06"), 1)
        self.assertEqual(figures.value("talent.projects.intent", "331121", "2023-06"), 4)
