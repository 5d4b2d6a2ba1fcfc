"""The workflow mechanism itself, on a test-only declaration over the pool's entries:
declarations, requirements (comment, date, attachment), stamps, hooks in the same
transaction, the log, moves_for and the page includes."""

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory

from kechuang.core import workflow
from kechuang.core.choices import Role
from kechuang.core.models import TransitionLog
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.workflow import Transition, Workflow
from kechuang.enterprises.choices import PoolStatus
from kechuang.enterprises.models import PoolEntry, Tier

DAY = datetime.date(2023, 5, 4)
MANAGERS = {Role.STAFF, Role.LEADER, Role.LIAISON}
calls = []


def record_call(actor, record, move):
    calls.append((actor.username, record.pk, move.value))


def refuse(actor, record, move):
    raise ValidationError({"status": "钩子拒绝"})


TEST_WORKFLOW = Workflow(
    states=PoolStatus,
    name="测试状态",
    transitions=[
        Transition(
            PoolStatus.COACHING,
            sources=[PoolStatus.CANDIDATE],
            roles=MANAGERS,
            after=record_call,
        ),
        Transition(
            PoolStatus.APPLIED,
            sources=[PoolStatus.COACHING],
            roles={Role.STAFF},
            requires={"comment", "date"},
            label="提交申报",
        ),
        Transition(
            PoolStatus.CERTIFIED,
            sources=[PoolStatus.APPLIED],
            roles=MANAGERS,
            requires={"attachment"},
            attachment_kind="certificate",
        ),
        Transition(
            PoolStatus.NOT_PASSED,
            sources=[PoolStatus.APPLIED],
            roles=MANAGERS,
            after="kechuang.core.tests.test_workflow.refuse",
        ),
    ],
    stamps="status_changed_on",
    note_field="note",
    not_before="entered_on",
    after=record_call,
)


class WorkflowCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tier = Tier.objects.get(code="tsme")

    def setUp(self):
        calls.clear()
        patcher = mock.patch.object(PoolEntry, "workflow", TEST_WORKFLOW)
        patcher.start()
        self.addCleanup(patcher.stop)

    def entry(self, status=PoolStatus.CANDIDATE, year=2023) -> PoolEntry:
        return PoolEntry.objects.create(
            enterprise=self.ent_a, tier=self.tier, year=year, status=status, entered_on=DAY
        )

    def logs(self):
        return TransitionLog.objects.all()


class DeclarationTest(WorkflowCase):
    def test_a_state_outside_the_choices_is_refused(self):
        with self.assertRaises(ValueError):
            Workflow(states=PoolStatus, transitions=[Transition("nowhere", ["candidate"], [])])

    def test_two_transitions_between_the_same_states_are_refused(self):
        twice = [
            Transition("coaching", ["candidate"], []),
            Transition("coaching", ["candidate"], []),
        ]
        with self.assertRaises(ValueError):
            Workflow(states=PoolStatus, transitions=twice)

    def test_an_unknown_requirement_is_refused(self):
        with self.assertRaises(ValueError):
            Transition("coaching", ["candidate"], [], requires={"signature"})


class TakeTest(WorkflowCase):
    def test_a_move_sets_the_state_stamps_logs_and_runs_both_hooks(self):
        entry = self.entry()
        with mock.patch("django.utils.timezone.localdate", return_value=DAY):
            moved = workflow.take(self.liaison_a, entry, "coaching", comment=" 已对接 ")
        stored = PoolEntry.objects.get(pk=entry.pk)
        self.assertEqual((stored.status, stored.status_changed_on), ("coaching", DAY))
        self.assertEqual(stored.note, "2023-05-04 辅导中：已对接")
        self.assertEqual(stored.history.first().history_user, self.liaison_a)
        log = self.logs().get()
        self.assertEqual(
            (log.object_id, log.from_state, log.to_state, log.actor, log.on, log.comment),
            (str(entry.pk), "candidate", "coaching", self.liaison_a, DAY, "已对接"),
        )
        self.assertEqual(log.region_code, self.township_a.code)
        self.assertEqual(calls, [("liaison_a", entry.pk, "coaching")] * 2)
        self.assertEqual(moved.status, "coaching")

    def test_a_refused_hook_rolls_the_move_and_its_log_back(self):
        entry = self.entry(PoolStatus.APPLIED)
        with self.assertRaises(ValidationError):
            workflow.take(self.staff, entry, "not_passed")
        entry.refresh_from_db()
        self.assertEqual(entry.status, "applied")
        self.assertFalse(self.logs().exists())

    def test_required_comment_and_date_are_named(self):
        entry = self.entry(PoolStatus.COACHING)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, entry, "applied", comment="  ")
        self.assertEqual(
            caught.exception.message_dict,
            {"comment": ["改为“已申报”须填写说明"], "on": ["改为“已申报”须填写日期"]},
        )
        workflow.take(self.staff, entry, "applied", comment="材料已报送", on=DAY)
        self.assertEqual(PoolEntry.objects.get(pk=entry.pk).status, "applied")

    def test_a_date_before_the_declared_field_is_refused(self):
        entry = self.entry()
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, entry, "coaching", on=DAY - datetime.timedelta(days=1))
        self.assertEqual(caught.exception.message_dict, {"on": ["日期不能早于入库日期"]})

    def test_an_attachment_is_required_of_its_kind(self):
        entry = self.entry(PoolStatus.APPLIED)
        missing = mock.patch.object(workflow, "has_attachment", return_value=False)
        with missing as checked, self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, entry, "certified")
        self.assertEqual(
            caught.exception.message_dict, {"attachment": ["改为“已认定”须先上传附件"]}
        )
        self.assertEqual(checked.call_args.args[1], "certificate")
        with mock.patch.object(workflow, "has_attachment", return_value=True):
            workflow.take(self.staff, entry, "certified")
        self.assertEqual(PoolEntry.objects.get(pk=entry.pk).status, "certified")

    def test_state_role_and_scope_are_checked_in_that_order(self):
        entry = self.entry(PoolStatus.COACHING)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.liaison_a, entry, "certified")
        self.assertEqual(
            caught.exception.message_dict, {"status": ["测试状态不能从“辅导中”改为“已认定”"]}
        )
        with self.assertRaisesMessage(PermissionDenied, "乡镇联络员不能将测试状态改为“已申报”"):
            workflow.take(self.liaison_a, entry, "applied", comment="x", on=DAY)
        with self.assertRaises(PermissionDenied):
            workflow.take(self.liaison_b, entry, "applied", comment="x", on=DAY)
        # A role with no move at all is refused before the state is looked at.
        with self.assertRaisesMessage(PermissionDenied, "企业用户无权变更测试状态"):
            workflow.take(self.ent_user_a, entry, "certified")
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, entry, "bogus")
        self.assertEqual(caught.exception.message_dict, {"status": ["未知的状态：bogus"]})
        entry.refresh_from_db()
        self.assertEqual(entry.status, "coaching")
        self.assertFalse(self.logs().exists())

    def test_a_superuser_takes_any_declared_move(self):
        entry = self.entry(PoolStatus.COACHING)
        workflow.take(self.admin, entry, "applied", comment="代为提交", on=DAY)
        self.assertEqual(self.logs().get().actor, self.admin)

    def test_follow_moves_without_checks_and_logs_it_as_automatic(self):
        entry = self.entry(PoolStatus.CERTIFIED)
        workflow.follow(self.staff, entry, "candidate", comment="随年度重置", on=DAY)
        log = self.logs().get()
        self.assertEqual(
            (log.from_state, log.to_state, log.automatic), ("certified", "candidate", True)
        )
        self.assertEqual(PoolEntry.objects.get(pk=entry.pk).status_changed_on, DAY)


class MovesTest(WorkflowCase):
    def test_moves_follow_state_role_and_scope(self):
        entry = self.entry(PoolStatus.COACHING)
        self.assertEqual([m.value for m in workflow.moves_for(self.staff, entry)], ["applied"])
        self.assertEqual(workflow.moves_for(self.liaison_a, entry), [])
        self.assertEqual(workflow.moves_for(self.liaison_b, self.entry(year=2024)), [])
        self.assertEqual(
            [m.value for m in workflow.moves_for(self.liaison_a, self.entry(year=2025))],
            ["coaching"],
        )
        move = workflow.moves_for(self.staff, entry)[0]
        self.assertEqual(
            (move.button, move.hint, move.dated), ("提交申报", "须填写说明、填写日期", True)
        )

    def test_the_includes_render_the_moves_and_the_history(self):
        entry = self.entry(PoolStatus.COACHING)
        workflow.take(self.staff, entry, "applied", comment="材料已报送", on=DAY)
        entry = PoolEntry.objects.get(pk=entry.pk)
        moves = workflow.moves_for(self.staff, self.entry(PoolStatus.COACHING, year=2024))
        html = render_to_string(
            "core/_workflow_moves.html", {"moves": moves, "url": "/move/", "target": "#s"}
        )
        self.assertIn('name="status" value="applied"', html)
        self.assertIn('title="须填写说明、填写日期"', html)
        self.assertIn('name="on"', html)
        self.assertIn("提交申报", html)
        html = render_to_string(
            "core/_workflow_history.html", {"transitions": workflow.history_of(entry)}
        )
        self.assertIn("辅导中 → 已申报", html)
        self.assertIn("王科员", html)
        self.assertIn("材料已报送", html)
        self.assertIn("2023-05-04", html)

    def test_take_from_post_reads_the_buttons_form(self):
        entry = self.entry(PoolStatus.COACHING)
        request = RequestFactory().post("/", {"status": "applied", "note": "旧表单的说明"})
        request.user = self.staff
        record, error = workflow.take_from_post(request, entry)
        self.assertEqual(error, "改为“已申报”须填写日期")
        request = RequestFactory().post(
            "/", {"status": "applied", "comment": "材料已报送", "on": "2023-05-06"}
        )
        request.user = self.staff
        record, error = workflow.take_from_post(request, entry)
        self.assertEqual(
            (error, record.status, record.status_changed_on), ("", "applied", DAY.replace(day=6))
        )
        request = RequestFactory().post("/", {})
        request.user = self.staff
        self.assertEqual(workflow.take_from_post(request, record)[1], "请选择要变更的测试状态")


class PoolPageHistoryTest(CastTestCase):
    """The real pool declaration: its record page shows who moved it, when and why."""

    def test_the_entry_page_shows_its_moves_and_history(self):
        from kechuang.enterprises.services import pool_entry_add, pool_entry_transition

        entry = pool_entry_add(
            actor=self.staff,
            enterprise=self.ent_a,
            tier=Tier.objects.get(code="hnte"),
            year=2023,
            entered_on=DAY,
        )
        pool_entry_transition(actor=self.liaison_a, entry=entry, status="coaching", note="已辅导")
        self.client.force_login(self.staff)
        response = self.client.get(f"/enterprises/pool/{entry.pk}/")
        self.assertContains(response, "培育对象 → 辅导中")
        self.assertContains(response, "已辅导")
        self.assertContains(response, 'name="status" value="applied"')
        self.client.force_login(self.ent_user_a)
        response = self.client.get(f"/enterprises/pool/{entry.pk}/")
        self.assertContains(response, "培育对象 → 辅导中")
        self.assertNotContains(response, 'name="status"')
