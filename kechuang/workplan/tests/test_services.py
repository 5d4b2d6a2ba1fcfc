"""Plans through the services: back-scheduled milestones moved with the deadline, cycles
refused, derived status on a frozen clock, the lists, the owner's home widgets, scoping."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.workplan import engine, selectors, services
from kechuang.workplan.models import Milestone, Plan
from kechuang.workplan.tests.helpers import YEAR_END, D, plan_of, task_of


class ScheduleServiceTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = plan_of(cls)
        cls.task = task_of(cls, cls.plan, "新增省级企业研究院", deadline=D(2023, 12, 31))
        save = services.milestone_save
        cls.accept = save(cls.staff, task=cls.task, name="认定", weeks_before=2)
        cls.apply = save(cls.staff, task=cls.task, name="申报", weeks_before=6, before=cls.accept)
        cls.prepare = save(cls.staff, task=cls.task, name="辅导", weeks_before=4, before=cls.apply)
        cls.kickoff = save(cls.staff, task=cls.task, name="动员", fixed_on=D(2023, 3, 1))

    def dates(self):
        return {m.name: m.due_on for m in Milestone.objects.filter(task=self.task)}

    def test_the_chain_ends_at_the_deadline(self):
        self.assertEqual(
            self.dates(),
            {
                "认定": D(2023, 12, 17),
                "申报": D(2023, 11, 5),
                "辅导": D(2023, 10, 8),
                "动员": D(2023, 3, 1),
            },
        )

    def test_moving_the_deadline_moves_the_chain_not_the_fixed_date(self):
        services.task_save(self.staff, self.task, deadline=D(2023, 11, 30))
        self.assertEqual(
            self.dates(),
            {
                "认定": D(2023, 11, 16),
                "申报": D(2023, 10, 5),
                "辅导": D(2023, 9, 7),
                "动员": D(2023, 3, 1),
            },
        )
        moved = Milestone.history.filter(history_type="~", history_user=self.staff)
        self.assertEqual(sorted(moved.values_list("name", flat=True)), ["申报", "认定", "辅导"])

    def test_a_cycle_is_refused_with_a_chinese_message_and_nothing_changes(self):
        before = self.dates()
        with self.assertRaises(ValidationError) as caught:
            services.milestone_save(self.staff, self.accept, before=self.prepare)
        self.assertIn("循环", caught.exception.message_dict["before"][0])
        self.assertEqual(self.dates(), before)

    def test_a_milestone_of_another_task_is_refused(self):
        other = task_of(self, self.plan, "别的任务")
        with self.assertRaises(ValidationError) as caught:
            services.milestone_save(
                self.staff, task=other, name="x", weeks_before=1, before=self.accept
            )
        self.assertIn("本任务", caught.exception.message_dict["before"][0])

    def test_neither_a_date_nor_weeks_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            services.milestone_save(self.staff, task=self.task, name="空")
        self.assertIn("二者选一", caught.exception.message_dict["fixed_on"][0])


class StatusAndListsTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = plan_of(cls)
        cls.parent = task_of(cls, cls.plan, "六大攻坚战")
        cls.done = task_of(cls, cls.plan, "已完成的", parent=cls.parent, deadline=D(2023, 6, 1))
        cls.late = task_of(
            cls,
            cls.plan,
            "过期的",
            parent=cls.parent,
            deadline=D(2023, 6, 1),
            owners=[cls.staff],
            department="高新科",
        )
        cls.soon = task_of(
            cls,
            cls.plan,
            "将到期的",
            parent=cls.parent,
            starts_on=D(2023, 6, 1),
            deadline=D(2023, 7, 15),
        )
        services.progress_report(
            cls.staff, task=cls.done, reported_on=D(2023, 5, 1), percent=100, note="完成"
        )
        services.progress_report(
            cls.staff, task=cls.late, reported_on=D(2023, 5, 1), percent=60, note="推进中"
        )

    def rows(self, day):
        return {r.task.title: r for r in selectors.tree(self.staff, self.plan, day)}

    def test_status_is_derived_from_dates_and_progress(self):
        rows = self.rows(D(2023, 5, 31))
        self.assertEqual(rows["已完成的"].status, engine.DONE)
        self.assertEqual(rows["将到期的"].status, engine.NOT_STARTED)
        # 150 of 151 days gone, 60% done: more than 20 points behind
        self.assertEqual(rows["过期的"].status, engine.AT_RISK)
        rows = self.rows(D(2023, 6, 2))
        self.assertEqual(rows["过期的"].status, engine.LATE)
        self.assertEqual(rows["将到期的"].status, engine.ON_TRACK)

    def test_a_parent_takes_its_childrens_mean_and_worst(self):
        rows = self.rows(D(2023, 6, 2))
        self.assertEqual(str(rows["六大攻坚战"].progress), "53.33")
        self.assertEqual(rows["六大攻坚战"].status, engine.LATE)
        self.assertEqual(rows["六大攻坚战"].own_status, engine.ON_TRACK)

    def test_a_parent_takes_no_report_of_its_own(self):
        with self.assertRaises(ValidationError):
            services.progress_report(
                self.staff, task=self.parent, reported_on=D(2023, 5, 1), percent=10, note="x"
            )

    def test_the_late_and_due_soon_lists(self):
        day = D(2023, 6, 20)
        self.assertEqual([r.task.title for r in selectors.late(self.staff, day)], ["过期的"])
        self.assertEqual([r.task.title for r in selectors.due_soon(self.staff, day)], ["将到期的"])
        self.assertEqual(selectors.due_soon(self.staff, D(2023, 6, 14)), [])

    @override_settings(KECHUANG_TODAY="2023-06-20")
    def test_pages_and_the_excel_export_of_the_lists(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(reverse("workplan:late")), "过期的")
        page = self.client.get(reverse("workplan:due_soon")).content.decode()
        self.assertIn("将到期的", page)
        self.assertNotIn("过期的", page)
        response = self.client.get(reverse("imports:export", args=["workplan-late"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])

    @override_settings(KECHUANG_TODAY="2023-06-20")
    def test_the_owner_sees_their_tasks_on_the_home_page(self):
        widgets = {w["title"]: w["value"] for w in selectors.home_widgets(self.staff)}
        self.assertEqual(widgets, {"我负责的计划任务": 1, "我负责的任务已逾期": 1})
        self.assertEqual(selectors.home_widgets(self.leader), [])
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(reverse("core:home")), "我负责的计划任务")
        self.assertContains(self.client.get(reverse("workplan:my_tasks")), "过期的")

    @override_settings(KECHUANG_TODAY="2023-06-20")
    def test_the_tree_page_shows_status_badges_and_the_legend(self):
        self.client.force_login(self.liaison_a)
        page = self.client.get(self.plan.get_absolute_url()).content.decode()
        self.assertIn("text-bg-danger", page)
        self.assertIn("有风险", page)  # the legend
        self.assertNotIn(reverse("workplan:task_create", args=[self.plan.pk]), page)


class ScopingTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = plan_of(cls)
        cls.task = task_of(cls, cls.plan)
        city = Region.objects.get(code="330100")
        cls.other_county = Region.objects.create(
            code="330102", name="上城区", level="county", parent=city
        )

    def test_county_staff_change_their_countys_plans(self):
        services.plan_save(self.leader, self.plan, note="已印发")
        self.assertEqual(Plan.objects.get(pk=self.plan.pk).note, "已印发")

    def test_liaisons_commissioners_and_viewers_read_but_do_not_change(self):
        for user in (self.liaison_a, self.liaison_b, self.commissioner, self.viewer):
            self.assertTrue(Plan.objects.visible_to(user).filter(pk=self.plan.pk).exists())
            with self.assertRaises(PermissionDenied):
                services.plan_save(user, self.plan, note="x")
            with self.assertRaises(PermissionDenied):
                services.task_save(user, self.task, title="x")
        self.client.force_login(self.liaison_a)
        edit = reverse("workplan:plan_edit", args=[self.plan.pk])
        self.assertEqual(self.client.post(edit, {"note": "x"}).status_code, 403)

    def test_another_county_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            services.plan_save(
                self.staff,
                region=self.other_county,
                name="外县计划",
                kind="annual",
                start_year=2023,
                end_year=2023,
            )
        self.assertIn("region", caught.exception.message_dict)
        outside = Plan.objects.create(
            region=self.other_county, name="外县计划", kind="annual", start_year=2023, end_year=2023
        )
        self.assertFalse(Plan.objects.visible_to(self.staff).filter(pk=outside.pk).exists())
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(outside.get_absolute_url()).status_code, 404)
        with self.assertRaises(ValidationError):
            services.plan_save(self.staff, outside, note="x")

    def test_owners_are_bureau_cadres_of_the_plans_county(self):
        with self.assertRaises(ValidationError) as caught:
            services.task_save(self.staff, self.task, owners=[self.liaison_a])
        self.assertIn("责任人", caught.exception.message_dict["owners"][0])

    def test_a_figure_must_be_in_the_registry(self):
        with self.assertRaises(ValidationError) as caught:
            services.task_save(self.staff, self.task, figure="nothing.here")
        self.assertIn("数字登记表", caught.exception.message_dict["figure"][0])
        services.task_save(self.staff, self.task, figure="ladder.hnte_new", target=20)

    def test_the_api_gives_tasks_with_derived_status(self):
        self.client.force_login(self.viewer)
        data = self.client.get("/api/tasks/").json()
        rows = data["results"] if isinstance(data, dict) else data
        self.assertEqual(rows[0]["title"], "任务")
        self.assertIn(rows[0]["status"], {s for s in engine.SEVERITY})
        self.client.force_login(self.ent_user_a)
        data = self.client.get("/api/plans/").json()
        self.assertEqual(data["results"] if isinstance(data, dict) else data, [])


class NextStepsTest(CastTestCase):
    """The report's 下一步工作计划 from the year's annual plan: open tasks with their targets,
    grouped under the task below the top; done tasks, other years and other counties left out."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = plan_of(cls)
        top = task_of(cls, plan, "“1236”重点工作")
        campaigns = task_of(cls, plan, "“6”六大攻坚战", parent=top)
        task_of(cls, plan, "新增国家高新技术企业", parent=campaigns, target_text="20家以上")
        done = task_of(cls, plan, "新增省级科技型中小企业", parent=campaigns)
        services.progress_report(
            cls.staff, task=done, reported_on=D(2023, 6, 1), percent=100, note="已完成"
        )
        task_of(cls, plan, "指标安排")
        later = plan_of(cls, name="2024年工作计划", start_year=2024, end_year=2024)
        task_of(cls, later, "2024年任务", deadline=D(2024, 12, 31))
        other = Region.objects.filter(level="county").exclude(code="331121").first()
        theirs = Plan.objects.create(
            region=other, name="他县计划", kind="annual", start_year=2023, end_year=2023
        )
        theirs.tasks.create(title="他县任务", deadline=YEAR_END)

    @override_settings(KECHUANG_TODAY="2023-06-20")
    def test_open_tasks_with_targets_by_group(self):
        from kechuang.core.figures import Period

        items = selectors.next_steps(self.county, Period(2023, 6))
        self.assertEqual(items, ["“6”六大攻坚战：新增国家高新技术企业（20家以上）", "指标安排"])
        # A township's report takes its county's plan; another year has none of these.
        self.assertEqual(selectors.next_steps(self.township_a, Period(2023, 6)), items)
        self.assertEqual(selectors.next_steps(self.county, Period(2024, 6)), ["2024年任务"])
