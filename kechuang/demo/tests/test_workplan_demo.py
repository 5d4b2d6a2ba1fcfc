"""The workplan demo holds the seed's plans and the "1236" tree, its targets linked to the
figures they are measured by (mixed into DemoLoadTests)."""

import datetime

from kechuang.demo.workplan import ANNUAL, FIVE_YEAR, THREE_YEAR
from kechuang.workplan import selectors
from kechuang.workplan.models import Plan, Task


class WorkplanDemoChecks:
    def test_the_plans_and_the_1236_tree_with_figure_targets(self):
        names = set(Plan.objects.values_list("name", flat=True))
        self.assertTrue({ANNUAL, FIVE_YEAR, THREE_YEAR} <= names)
        campaigns = Task.objects.get(title="“6”六大攻坚战")
        self.assertEqual(campaigns.children.count(), 6)
        self.assertEqual(Task.objects.get(title="主体培育攻坚战").parent, campaigns)
        hnte = Task.objects.get(title="新增国家高新技术企业")
        self.assertEqual((hnte.figure, hnte.target), ("ladder.hnte_new", 20))
        plan = Plan.objects.get(name=ANNUAL)
        rows = {
            r.task.title: r for r in selectors.tree(self.staff, plan, datetime.date(2023, 6, 30))
        }
        self.assertEqual(rows["新增国家高新技术企业"].figure_value, 18)
        self.assertEqual(rows["科技成果转化攻坚战"].figure_display, "1.08亿元")
