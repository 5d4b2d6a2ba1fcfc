"""Every transition of a workflow, allowed and refused, driven by its declaration.

A test case mixes in WorkflowTable (after CastTestCase), names its model and says how to
make a fresh record of township A in a given state; the table then takes every declared
transition as each role it names, and checks that every other move (wrong state), every
other role and a liaison of township B (other scope) are refused, leaving the record and
the transition log unchanged.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import workflow
from kechuang.core.choices import Role
from kechuang.core.models import TransitionLog

DAY = datetime.date(2023, 5, 4)


class WorkflowTable:
    model = None  # the model whose `workflow` is walked

    def record_in(self, state: str):
        """A fresh record of township A (enterprise A) in `state`."""
        raise NotImplementedError

    def after_move(self, record, transition) -> None:
        """Checks of the app's own side effects; by default none."""

    # --- helpers --------------------------------------------------------------------------

    @property
    def declared(self) -> workflow.Workflow:
        return workflow.workflow_of(self.model)

    def cast_by_role(self) -> dict:
        return {
            Role.STAFF: self.staff,
            Role.LEADER: self.leader,
            Role.LIAISON: self.liaison_a,
            Role.ENTERPRISE: self.ent_user_a,
            Role.INSTITUTE: self.inst_user,
            Role.COMMISSIONER: self.commissioner,
            Role.VIEWER: self.viewer,
        }

    def pairs(self):
        """(source, transition) of every declared move."""
        for transition in self.declared.transitions:
            for source in sorted(transition.sources):
                yield source, transition

    def logs(self, record):
        return TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(record.pk)
        )

    def assert_unchanged(self, record, state: str) -> None:
        record.refresh_from_db()
        self.assertEqual(getattr(record, self.declared.field), state)
        self.assertFalse(self.logs(record).exists())

    # --- the table ------------------------------------------------------------------------

    def test_every_transition_is_taken_by_each_role_it_names(self):
        users = self.cast_by_role()
        for source, transition in self.pairs():
            for role in sorted(transition.roles):
                with self.subTest(source=source, target=transition.target, role=role):
                    record = self.record_in(source)
                    actor = users[role]
                    moved = workflow.take(
                        actor, record, transition.target, comment="按计划推进", on=DAY
                    )
                    stored = self.model.objects.get(pk=record.pk)
                    self.assertEqual(getattr(stored, self.declared.field), transition.target)
                    self.assertEqual(stored.history.first().history_user, actor)
                    for stamp in (self.declared.stamps, transition.stamps):
                        if stamp:
                            self.assertEqual(getattr(stored, stamp), DAY)
                    log = self.logs(record).get()
                    self.assertEqual(
                        (log.from_state, log.to_state, log.actor, log.on, log.comment),
                        (source, transition.target, actor, DAY, "按计划推进"),
                    )
                    self.assertFalse(log.automatic)
                    self.after_move(moved, transition)

    def test_every_undeclared_move_is_refused_naming_both_states(self):
        states = self.declared.states
        for source in states.values:
            for target in states.values:
                if self.declared.transition(source, target) is not None:
                    continue
                with self.subTest(source=source, target=target):
                    record = self.record_in(source)
                    with self.assertRaises(ValidationError) as caught:
                        workflow.take(self.staff, record, target)
                    message = caught.exception.message_dict[self.declared.field][0]
                    self.assertIn(f"“{states(source).label}”", message)
                    self.assertIn(f"“{states(target).label}”", message)
                    self.assert_unchanged(record, source)

    def test_roles_a_transition_does_not_name_are_refused(self):
        for source, transition in self.pairs():
            for role, user in self.cast_by_role().items():
                if role in transition.roles:
                    continue
                with self.subTest(source=source, target=transition.target, role=role):
                    record = self.record_in(source)
                    with self.assertRaises(PermissionDenied):
                        workflow.take(user, record, transition.target, comment="越权", on=DAY)
                    self.assert_unchanged(record, source)

    def test_a_liaison_of_another_township_is_refused(self):
        for source, transition in self.pairs():
            with self.subTest(source=source, target=transition.target):
                record = self.record_in(source)
                with self.assertRaises(PermissionDenied):
                    workflow.take(self.liaison_b, record, transition.target)
                self.assert_unchanged(record, source)

    def test_moves_for_lists_exactly_what_take_allows(self):
        for state in self.declared.states.values:
            record = self.record_in(state)
            for user in (*self.cast_by_role().values(), self.liaison_b):
                with self.subTest(state=state, user=user.username):
                    listed = [m.value for m in workflow.moves_for(user, record)]
                    allowed = []
                    for target in self.declared.states.values:
                        try:
                            self._dry_take(user, record, target)
                        except (PermissionDenied, ValidationError):
                            continue
                        allowed.append(target)
                    self.assertEqual(listed, allowed)

    def _dry_take(self, user, record, target) -> None:
        from django.db import transaction

        with transaction.atomic():
            workflow.take(user, record, target, comment="试", on=DAY)
            transaction.set_rollback(True)
