"""The audit trail: every write through a service, the change log and record history."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import AuditEvent, Region
from kechuang.core.tests.cast import CastTestCase, credit_code
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create, enterprise_update


def enterprise_events(enterprise):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Enterprise), object_id=str(enterprise.pk)
    )


class AuditRecordTest(CastTestCase):
    def test_creating_a_firm_records_who_when_and_the_values(self):
        started = timezone.now()
        firm = enterprise_create(
            actor=self.staff,
            credit_code=credit_code(50),
            name="审计测试有限公司",
            township=self.township_a,
            industry_division="33",
        )
        event = enterprise_events(firm).get()
        self.assertEqual(event.action, AuditEvent.Action.CREATE)
        self.assertEqual(event.user, self.staff)
        self.assertEqual(event.user_repr, "王科员")
        self.assertGreaterEqual(event.at, started - datetime.timedelta(seconds=1))
        self.assertEqual(event.before, {})
        self.assertEqual(event.after["name"], "审计测试有限公司")
        self.assertEqual(event.after["township_id"], "鹤城街道")
        self.assertEqual(event.region_code, "331121001")

    def test_an_update_records_only_the_changed_fields_before_and_after(self):
        enterprise_update(
            actor=self.liaison_a, enterprise=self.ent_a, name="青田甲阀门股份有限公司"
        )
        event = enterprise_events(self.ent_a).filter(action="update").get()
        self.assertEqual(event.user, self.liaison_a)
        self.assertEqual(event.before, {"name": "青田甲阀门有限公司"})
        self.assertEqual(event.after, {"name": "青田甲阀门股份有限公司"})

    def test_an_update_shows_a_related_record_by_name(self):
        enterprise_update(actor=self.staff, enterprise=self.ent_a, township=self.township_b)
        event = enterprise_events(self.ent_a).filter(action="update").get()
        self.assertEqual(event.before, {"township_id": "鹤城街道"})
        self.assertEqual(event.after, {"township_id": "温溪镇"})

    def test_a_save_that_changes_nothing_records_nothing(self):
        before = AuditEvent.objects.count()
        enterprise_update(actor=self.staff, enterprise=self.ent_a, name=self.ent_a.name)
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_the_cast_itself_was_audited(self):
        self.assertTrue(enterprise_events(self.ent_b).filter(action="create").exists())


class ChangeLogPageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        enterprise_update(actor=cls.staff, enterprise=cls.ent_a, address="鹤城街道1号")
        enterprise_update(actor=cls.leader, enterprise=cls.ent_b, address="温溪镇2号")
        # Another county with its own township, firm and staff member.
        lishui = Region.objects.get(code="331102")
        cls.other_township = Region.objects.create(
            code="331102001", name="紫金街道", level=RegionLevel.TOWNSHIP, parent=lishui
        )
        cls.other_staff = cls.make_user("other_staff", Role.STAFF, lishui, full_name="莲都科员")
        cls.other_firm = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(60, "331102"),
            name="莲都丙电子有限公司",
            township=cls.other_township,
            industry_division="39",
        )

    def get(self, viewer, **params):
        self.client.force_login(viewer)
        return self.client.get("/changes/", params)

    def test_staff_see_the_change_log_of_their_county(self):
        response = self.get(self.staff)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "青田甲阀门有限公司")
        self.assertContains(response, "温溪乙鞋业有限公司")
        self.assertContains(response, "鹤城街道1号")

    def test_staff_do_not_see_another_countys_records(self):
        self.assertNotContains(self.get(self.staff), "莲都丙电子有限公司")
        response = self.get(self.other_staff)
        self.assertContains(response, "莲都丙电子有限公司")
        self.assertNotContains(response, "青田甲阀门有限公司")

    def test_it_filters_by_model(self):
        response = self.get(self.staff, model="institutions.institution")
        self.assertContains(response, "丽水学院")
        self.assertNotContains(response, "温溪乙鞋业有限公司")

    def test_it_filters_by_action(self):
        events = [row["event"] for row in self.get(self.staff, action="update").context["rows"]]
        self.assertEqual({e.action for e in events}, {"update"})
        self.assertEqual(len(events), 2)

    def test_it_filters_by_user(self):
        events = [row["event"] for row in self.get(self.staff, user="李局长").context["rows"]]
        self.assertEqual([e.object_repr for e in events], ["温溪乙鞋业有限公司"])

    def test_it_filters_by_record_text(self):
        events = [row["event"] for row in self.get(self.staff, q="甲阀门").context["rows"]]
        self.assertTrue(events)
        self.assertEqual({e.object_repr for e in events}, {"青田甲阀门有限公司"})

    def test_it_shows_changes_with_chinese_field_labels(self):
        row = self.get(self.staff, action="update", user="王科员").context["rows"][0]
        self.assertEqual(row["rows"], [{"label": "地址", "before": "", "after": "鹤城街道1号"}])

    def test_it_is_refused_to_liaisons_enterprise_and_institute_users(self):
        for user in (self.liaison_a, self.ent_user_a, self.inst_user):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user).status_code, 403)


class RecordHistoryPageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        enterprise_update(actor=cls.staff, enterprise=cls.ent_a, contact_phone="13811112222")

    def url(self, enterprise):
        return f"/history/enterprises/enterprise/{enterprise.pk}/"

    def test_staff_see_a_firms_history(self):
        self.client.force_login(self.staff)
        response = self.client.get(self.url(self.ent_a))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [e["event"].action for e in response.context["entries"]], ["update", "create"]
        )
        self.assertContains(response, "13811112222")

    def test_the_firms_liaison_sees_its_history(self):
        self.client.force_login(self.liaison_a)
        self.assertEqual(self.client.get(self.url(self.ent_a)).status_code, 200)

    def test_it_is_hidden_from_a_liaison_of_another_township(self):
        self.client.force_login(self.liaison_b)
        self.assertEqual(self.client.get(self.url(self.ent_a)).status_code, 404)

    def test_it_is_refused_to_read_only_roles(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(self.url(self.ent_a)).status_code, 403)

    def test_it_answers_404_for_unknown_record_types(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/history/core/nothing/1/").status_code, 404)
