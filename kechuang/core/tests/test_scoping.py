"""visible_to / editable_by for every role, and the region-write rule."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kechuang.core.models import AuditEvent
from kechuang.core.scoping import (
    can_see_contacts,
    can_write_region,
    get_editable_or_403,
    get_visible_or_404,
)
from kechuang.core.tests.cast import CastTestCase
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution


class ScopingTest(CastTestCase):
    def visible(self, model, user) -> set:
        return set(model.objects.visible_to(user))

    def editable(self, model, user) -> set:
        return set(model.objects.editable_by(user))

    def test_superuser_sees_and_changes_everything(self):
        both = {self.ent_a, self.ent_b}
        self.assertEqual(self.visible(Enterprise, self.admin), both)
        self.assertEqual(self.editable(Enterprise, self.admin), both)

    def test_staff_and_leader_see_and_change_every_firm_of_their_county(self):
        for user in (self.staff, self.leader):
            with self.subTest(user=user.username):
                self.assertEqual(self.visible(Enterprise, user), {self.ent_a, self.ent_b})
                self.assertEqual(self.editable(Enterprise, user), {self.ent_a, self.ent_b})
                self.assertEqual(
                    self.editable(Institution, user), {self.institution, self.institution_2}
                )

    def test_a_liaison_sees_and_changes_only_own_township(self):
        self.assertEqual(self.visible(Enterprise, self.liaison_a), {self.ent_a})
        self.assertEqual(self.editable(Enterprise, self.liaison_a), {self.ent_a})
        self.assertEqual(self.visible(Enterprise, self.liaison_b), {self.ent_b})
        self.assertEqual(self.editable(Enterprise, self.liaison_b), {self.ent_b})

    def test_an_enterprise_user_sees_only_own_firm_and_no_institution(self):
        self.assertEqual(self.visible(Enterprise, self.ent_user_a), {self.ent_a})
        self.assertEqual(self.editable(Enterprise, self.ent_user_a), {self.ent_a})
        self.assertEqual(self.visible(Institution, self.ent_user_a), set())

    def test_an_institute_user_sees_only_own_institution_and_no_firm(self):
        self.assertEqual(self.visible(Institution, self.inst_user), {self.institution})
        self.assertEqual(self.editable(Institution, self.inst_user), {self.institution})
        self.assertEqual(self.visible(Enterprise, self.inst_user), set())

    def test_viewer_reads_the_whole_city_but_changes_nothing(self):
        self.assertEqual(self.visible(Enterprise, self.viewer), {self.ent_a, self.ent_b})
        self.assertEqual(self.editable(Enterprise, self.viewer), set())
        self.assertEqual(self.editable(Institution, self.viewer), set())

    def test_commissioner_reads_own_township_but_changes_nothing(self):
        self.assertEqual(self.visible(Enterprise, self.commissioner), {self.ent_a})
        self.assertEqual(self.editable(Enterprise, self.commissioner), set())

    def test_inactive_and_anonymous_users_see_nothing(self):
        self.staff.is_active = False
        for user in (self.staff, AnonymousUser()):
            self.assertEqual(self.visible(Enterprise, user), set())
            self.assertEqual(self.editable(Enterprise, user), set())
            self.assertEqual(self.visible(Institution, user), set())

    def test_audit_events_are_scoped_by_region_code(self):
        events = AuditEvent.objects.visible_to(self.liaison_a)
        self.assertTrue(events.filter(object_id=str(self.ent_a.pk)).exists())
        self.assertFalse(events.filter(object_id=str(self.ent_b.pk)).exists())

    def test_it_answers_404_for_unseen_and_403_for_read_only(self):
        with self.assertRaises(Http404):
            get_visible_or_404(Enterprise, self.liaison_a, pk=self.ent_b.pk)
        with self.assertRaises(PermissionDenied):
            get_editable_or_403(Enterprise, self.viewer, pk=self.ent_a.pk)
        self.assertEqual(
            get_editable_or_403(Enterprise, self.liaison_a, pk=self.ent_a.pk), self.ent_a
        )

    def test_it_lets_write_only_into_own_region(self):
        self.assertTrue(can_write_region(self.staff, self.township_b))
        self.assertTrue(can_write_region(self.liaison_a, self.township_a))
        self.assertFalse(can_write_region(self.liaison_a, self.township_b))
        self.assertFalse(can_write_region(self.viewer, self.township_a))
        self.assertFalse(can_write_region(self.ent_user_a, self.township_a))
        self.assertFalse(can_write_region(self.staff, None))
        self.assertTrue(can_write_region(self.admin, self.township_b))

    def test_contacts_are_unmasked_only_for_bureau_liaison_and_enterprise(self):
        for user in (self.admin, self.staff, self.leader, self.liaison_a, self.ent_user_a):
            self.assertTrue(can_see_contacts(user), user.username)
        for user in (self.viewer, self.commissioner, self.inst_user):
            self.assertFalse(can_see_contacts(user), user.username)
