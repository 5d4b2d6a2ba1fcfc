"""The pure rules: back-scheduling from a deadline and the status of a task on a day."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from kechuang.workplan import engine
from kechuang.workplan.engine import MilestoneRule as R

D = datetime.date
START, DEADLINE = D(2023, 1, 1), D(2023, 12, 31)


class ScheduleTest(SimpleTestCase):
    def chain(self):
        return [
            R("acceptance", "验收", weeks=2),
            R("trial", "试运行", weeks=4, before="acceptance"),
            R("install", "安装", weeks=3, before="trial"),
            R("contract", "签合同", fixed=D(2023, 3, 1)),
        ]

    def test_a_chain_of_weeks_before_ends_at_the_deadline(self):
        dates = engine.schedule(DEADLINE, self.chain())
        self.assertEqual(dates["acceptance"], D(2023, 12, 17))
        self.assertEqual(dates["trial"], D(2023, 11, 19))
        self.assertEqual(dates["install"], D(2023, 10, 29))

    def test_moving_the_deadline_moves_the_chain_but_not_a_fixed_date(self):
        before = engine.schedule(DEADLINE, self.chain())
        after = engine.schedule(DEADLINE - datetime.timedelta(weeks=5), self.chain())
        for key in ("acceptance", "trial", "install"):
            self.assertEqual(before[key] - after[key], datetime.timedelta(weeks=5))
        self.assertEqual(after["contract"], D(2023, 3, 1))

    def test_a_cycle_is_refused_in_chinese_naming_the_chain(self):
        rules = [R("a", "甲", weeks=1, before="b"), R("b", "乙", weeks=1, before="a")]
        with self.assertRaisesMessage(engine.ScheduleError, "循环：甲→乙→甲"):
            engine.schedule(DEADLINE, rules)
        with self.assertRaisesMessage(engine.ScheduleError, "循环"):
            engine.schedule(DEADLINE, [R("a", "甲", weeks=1, before="a")])

    def test_a_link_outside_the_task_is_refused(self):
        with self.assertRaisesMessage(engine.ScheduleError, "只能排在本任务的节点之前"):
            engine.schedule(DEADLINE, [R("a", "甲", weeks=1, before="elsewhere")])


class StatusTest(SimpleTestCase):
    def status(self, today, progress, milestones=(), start=START, deadline=DEADLINE):
        return engine.status(
            today=today,
            start=start,
            deadline=deadline,
            progress=Decimal(progress),
            open_milestones=milestones,
        )

    def test_done_at_one_hundred_percent_even_after_the_deadline(self):
        self.assertEqual(self.status(D(2024, 3, 1), 100), engine.DONE)
        self.assertEqual(self.status(D(2023, 12, 31), "99.99"), engine.ON_TRACK)

    def test_late_the_day_after_the_deadline_not_on_it(self):
        self.assertEqual(self.status(D(2023, 12, 31), 99), engine.ON_TRACK)
        self.assertEqual(self.status(D(2024, 1, 1), 99), engine.LATE)

    def test_late_the_day_after_an_open_milestone(self):
        june = [D(2023, 6, 30)]
        self.assertEqual(self.status(D(2023, 6, 30), 50, june), engine.ON_TRACK)
        self.assertEqual(self.status(D(2023, 7, 1), 50, june), engine.LATE)

    def test_not_started_before_the_start_without_progress(self):
        start = D(2023, 7, 1)
        self.assertEqual(self.status(D(2023, 6, 30), 0, start=start), engine.NOT_STARTED)
        self.assertEqual(self.status(D(2023, 6, 30), 5, start=start), engine.ON_TRACK)
        self.assertEqual(self.status(D(2023, 7, 1), 0, start=start), engine.ON_TRACK)

    def test_at_risk_when_progress_trails_elapsed_time_by_more_than_twenty_points(self):
        # 100 days from 1 January: on 11 February 41 days (41%) have passed.
        start, deadline, day = D(2023, 1, 1), D(2023, 4, 11), D(2023, 2, 11)
        self.assertEqual(engine.expected_progress(start, deadline, day), Decimal(41))
        self.assertEqual(self.status(day, 21, start=start, deadline=deadline), engine.ON_TRACK)
        self.assertEqual(self.status(day, "20.99", start=start, deadline=deadline), engine.AT_RISK)

    def test_a_parent_takes_the_worst_of_its_children_and_their_mean(self):
        self.assertEqual(engine.mean_progress([Decimal(100), Decimal(0), Decimal(50)]), 50)
        self.assertEqual(engine.rollup(engine.ON_TRACK, [engine.DONE, engine.LATE]), engine.LATE)
        self.assertEqual(engine.rollup(engine.ON_TRACK, [engine.DONE, engine.DONE]), engine.DONE)
        self.assertEqual(
            engine.rollup(engine.NOT_STARTED, [engine.DONE, engine.NOT_STARTED]), engine.ON_TRACK
        )
        self.assertEqual(
            engine.rollup(engine.NOT_STARTED, [engine.NOT_STARTED]), engine.NOT_STARTED
        )
        self.assertEqual(engine.rollup(engine.AT_RISK, [engine.ON_TRACK]), engine.AT_RISK)

    def test_due_soon_is_the_next_thirty_days_inclusive(self):
        today = D(2023, 6, 1)
        self.assertTrue(engine.due_soon(engine.ON_TRACK, D(2023, 7, 1), today))
        self.assertFalse(engine.due_soon(engine.ON_TRACK, D(2023, 7, 2), today))
        self.assertFalse(engine.due_soon(engine.DONE, D(2023, 6, 2), today))
        self.assertFalse(engine.due_soon(engine.LATE, D(2023, 6, 2), today))
