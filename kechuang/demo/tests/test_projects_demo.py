"""The projects demo reproduces section (四) of the seed report (mixed into DemoLoadTests,
which loads the demo once for the class)."""

from django.test import override_settings

from kechuang.demo import dataset
from kechuang.demo.services import demo_load
from kechuang.projects import selectors
from kechuang.projects.choices import ProjectStatus
from kechuang.projects.models import Call, Project


class ProjectsDemoChecks:
    def test_seven_provincial_demands_were_reported_by_june(self):
        self.assertEqual(selectors.provincial_demand_count("331121", "2023-06"), 7)
        self.assertEqual(
            set(selectors.provincial_demands("331121", "2023-06").values_list("status", flat=True)),
            {ProjectStatus.RECOMMENDED},
        )

    def test_qingshans_national_need_is_in_the_guide(self):
        need = Project.objects.get(title__startswith="基于材料基因工程的高品质软磁不锈钢")
        self.assertEqual(need.lead_enterprise.name, dataset.QINGSHAN)
        self.assertEqual((need.program.kind, need.status), ("national_key", "recommended"))

    @override_settings(KECHUANG_TODAY="2023-06-30")
    def test_the_county_challenge_call_is_open_and_one_milestone_overdue(self):
        call = Call.objects.get(program__kind="jiebang", year=2023)
        self.assertTrue(call.is_open(dataset.AS_OF))
        self.assertEqual(call.program.issuer, "青田县科技局")
        alerts = selectors.milestone_alerts(self.staff)
        self.assertEqual([a.milestone.title for a in alerts if a.overdue], ["样机试制"])
        self.assertEqual(
            selectors.project_counts("331121", "2023-06"),
            # The county one: the challenge board's selected bid, approved (择优立项).
            {
                ("national", "recommended"): 1,
                ("provincial", "recommended"): 7,
                ("county", "approved"): 1,
            },
        )
        approved = Project.objects.filter(status=ProjectStatus.APPROVED, year=2022)
        self.assertEqual(approved.count(), 2)

    def test_a_second_load_writes_no_project(self):
        before = (Project.objects.count(), Project.history.count())
        summary = demo_load()
        self.assertEqual((Project.objects.count(), Project.history.count()), before)
        for kind, counts in summary["projects"].items():
            self.assertEqual(set(counts), {"unchanged"}, kind)
