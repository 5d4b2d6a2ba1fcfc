"""Work plan pages: the bureau keeps a plan, its tasks, milestones and progress through the
one-column forms; a cycle is shown on the form; the timeline carries the milestones."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kechuang.core.attachments import attachments_of
from kechuang.core.tests.cast import CastTestCase
from kechuang.workplan import services
from kechuang.workplan.models import Milestone, Plan, ProgressUpdate, Task
from kechuang.workplan.tests.helpers import D, plan_of, task_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@override_settings(KECHUANG_TODAY="2023-06-30")
class PagesTest(CastTestCase):
    def test_staff_create_a_plan_with_its_document(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("workplan:plan_create"),
            {
                "region": self.county.pk,
                "name": "2023年工作计划",
                "kind": "annual",
                "start_year": 2023,
                "end_year": 2023,
                "document": SimpleUploadedFile("工作计划.pdf", PDF),
            },
        )
        plan = Plan.objects.get(name="2023年工作计划")
        self.assertRedirects(response, plan.get_absolute_url())
        self.assertEqual(attachments_of(plan, kind="计划文件").count(), 1)

    def test_an_annual_plan_spanning_years_is_refused_naming_the_field(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("workplan:plan_create"),
            {
                "region": self.county.pk,
                "name": "错",
                "kind": "annual",
                "start_year": 2023,
                "end_year": 2024,
            },
        )
        self.assertContains(response, "年度工作计划的起始年度与截止年度须相同")
        self.assertFalse(Plan.objects.exists())

    def test_tasks_milestones_and_progress_through_the_forms(self):
        plan = plan_of(self)
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("workplan:task_create", args=[plan.pk]),
            {
                "title": "主体培育攻坚战",
                "order": 1,
                "deadline": "2023-12-31",
                "figure": "ladder.hnte_new",
                "target": "20",
                "owners": [self.staff.pk],
            },
        )
        task = Task.objects.get(title="主体培育攻坚战")
        self.assertRedirects(response, task.get_absolute_url())
        response = self.client.post(
            reverse("workplan:task_create", args=[plan.pk]),
            {"title": "新增高企", "order": 1, "deadline": "2023-12-31", "parent": task.pk},
        )
        self.assertEqual(Task.objects.get(title="新增高企").parent, task)
        self.assertEqual(list(task.owners.all()), [self.staff])
        url = reverse("workplan:milestone_create", args=[task.pk])
        self.client.post(url, {"name": "申报", "weeks_before": 4})
        first = Milestone.objects.get(name="申报")
        self.assertEqual(first.due_on, D(2023, 12, 3))
        response = self.client.post(url, {"name": "辅导", "weeks_before": 2, "before": first.pk})
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        second = Milestone.objects.get(name="辅导")
        response = self.client.post(
            reverse("workplan:milestone_edit", args=[first.pk]),
            {"name": "申报", "weeks_before": 4, "before": second.pk},
        )
        self.assertContains(response, "循环")
        self.assertIsNone(Milestone.objects.get(pk=first.pk).before_id)
        task = Task.objects.get(title="新增高企")  # a leaf: a parent's progress is its children's
        response = self.client.post(
            reverse("workplan:progress_create", args=[task.pk]),
            {
                "reported_on": "2023-06-20",
                "percent": 45,
                "note": "辅导24家",
                "evidence": SimpleUploadedFile("名单.pdf", PDF),
            },
        )
        self.assertRedirects(response, task.get_absolute_url())
        update = ProgressUpdate.objects.get(task=task)
        self.assertEqual(attachments_of(update, kind="佐证材料").count(), 1)
        page = self.client.get(task.get_absolute_url()).content.decode()
        self.assertIn("名单.pdf", page)
        self.assertIn("45%", page)

    def test_a_progress_report_dated_tomorrow_is_refused(self):
        task = task_of(self, plan_of(self))
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("workplan:progress_create", args=[task.pk]),
            {"reported_on": "2023-07-01", "percent": 10, "note": "x"},
        )
        self.assertContains(response, "报告日期不能晚于今天", status_code=400)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_the_timeline_and_the_firms_refused(self):
        plan = plan_of(self)
        task = task_of(self, plan, "辅导")
        services.milestone_save(self.staff, task=task, name="申报节点", weeks_before=1)
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("workplan:plan_timeline", args=[plan.pk]))
        points = page.context["chart"]["points"]
        self.assertEqual([p["name"] for p in points], ["申报节点", "完成期限"])
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get(plan.get_absolute_url()).status_code, 403)
        self.assertNotContains(self.client.get(reverse("workplan:plan_list")), plan.name)
