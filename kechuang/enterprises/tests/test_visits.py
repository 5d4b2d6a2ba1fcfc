"""The one visit log: a visit to any firm (pool or not) with a camera photo, shown on the
firm's record; liaisons see and log visits of their township only, a firm's user reads its
own firm's visits and logs none."""

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.core.attachments import attachments_of
from kechuang.core.tests.cast import CastTestCase
from kechuang.enterprises.models import Tier, Visit
from kechuang.enterprises.services import pool_entry_add, visit_log

D = datetime.date
TODAY = D(2023, 6, 30)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


class VisitLogTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.entry = pool_entry_add(
            actor=cls.staff,
            enterprise=cls.ent_a,
            tier=Tier.objects.get(code="hnte"),
            year=2023,
            entered_on=D(2023, 1, 5),
        )
        cls.pool_visit = visit_log(
            actor=cls.liaison_a,
            entry=cls.entry,
            visited_on=D(2023, 2, 1),
            visitors="陈联络员",
            agreed="建立研发辅助账",
        )
        cls.visit_b = visit_log(
            actor=cls.staff,
            enterprise=cls.ent_b,
            visited_on=D(2023, 3, 1),
            visitors="王科员",
            agreed="了解鞋业设备改造",
        )

    def test_a_visit_belongs_to_its_firm_with_or_without_a_pool_entry(self):
        self.assertEqual(self.pool_visit.enterprise, self.ent_a)
        self.assertEqual(self.pool_visit.entry, self.entry)
        self.assertIsNone(self.visit_b.entry)
        self.assertEqual(list(self.ent_b.visits.all()), [self.visit_b])

    def test_liaison_of_township_a_neither_sees_nor_logs_township_b(self):
        self.assertEqual(list(Visit.objects.visible_to(self.liaison_a)), [self.pool_visit])
        with self.assertRaises(PermissionDenied):
            visit_log(
                actor=self.liaison_a,
                enterprise=self.ent_b,
                visited_on=D(2023, 3, 2),
                visitors="陈联络员",
                agreed="越界",
            )
        self.client.force_login(self.liaison_a)
        self.assertEqual(
            self.client.get(
                reverse("enterprises:visit_detail", args=[self.visit_b.pk])
            ).status_code,
            404,
        )
        create_b = reverse("enterprises:enterprise_visit_create", args=[self.ent_b.pk])
        self.assertEqual(self.client.get(create_b).status_code, 404)
        page = self.client.get(reverse("enterprises:visit_list")).content.decode()
        self.assertIn("建立研发辅助账", page)
        self.assertNotIn("了解鞋业设备改造", page)
        self.assertEqual(Visit.objects.count(), 2)

    def test_a_firms_user_reads_its_own_visits_and_logs_none(self):
        self.assertEqual(list(Visit.objects.visible_to(self.ent_user_a)), [self.pool_visit])
        with self.assertRaises(PermissionDenied):
            visit_log(
                actor=self.ent_user_a,
                enterprise=self.ent_a,
                visited_on=D(2023, 3, 2),
                visitors="企业自己",
                agreed="自报",
            )
        self.client.force_login(self.ent_user_a)
        create = reverse("enterprises:enterprise_visit_create", args=[self.ent_a.pk])
        self.assertEqual(self.client.get(create).status_code, 403)
        self.assertEqual(self.client.get("/api/visits/").json()["count"], 1)

    def test_cadre_logs_a_visit_with_a_camera_photo_shown_on_the_firms_record(self):
        self.client.force_login(self.leader)
        create = reverse("enterprises:enterprise_visit_create", args=[self.ent_a.pk])
        form = self.client.get(create).content.decode()
        self.assertIn('capture="environment"', form)
        self.assertIn('accept="image/*"', form)
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            response = self.client.post(
                create,
                {
                    "visited_on": "2023-06-29",
                    "visitors": "李局长",
                    "agreed": "研发中心申报材料月底前报送",
                    "photo": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
                },
            )
        self.assertRedirects(
            response, reverse("enterprises:enterprise_detail", args=[self.ent_a.pk])
        )
        visit = Visit.objects.get(agreed="研发中心申报材料月底前报送")
        self.assertEqual(
            (visit.enterprise, visit.entry, visit.recorded_by), (self.ent_a, None, self.leader)
        )
        self.assertEqual([a.kind for a in attachments_of(visit)], ["现场照片"])
        record = self.client.get(reverse("enterprises:enterprise_detail", args=[self.ent_a.pk]))
        html = record.content.decode()
        self.assertIn('id="section-visits"', html)
        self.assertIn("研发中心申报材料月底前报送", html)
        self.assertIn("建立研发辅助账", html)  # the pool visit too: all the firm's visits

    def test_a_future_visit_is_refused_naming_the_field(self):
        self.client.force_login(self.staff)
        create = reverse("enterprises:enterprise_visit_create", args=[self.ent_a.pk])
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            response = self.client.post(
                create, {"visited_on": "2023-07-01", "visitors": "王科员", "agreed": "未来"}
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("走访日期不能晚于今天", response.content.decode())
        self.assertFalse(Visit.objects.filter(agreed="未来").exists())

    def test_pool_entry_page_keeps_its_visits(self):
        self.client.force_login(self.liaison_a)
        html = self.client.get(
            reverse("enterprises:poolentry_detail", args=[self.entry.pk])
        ).content.decode()
        self.assertIn("建立研发辅助账", html)
        self.assertIn('enctype="multipart/form-data"', html)

    def test_visit_list_filters_by_region_and_period(self):
        self.client.force_login(self.staff)
        url = reverse("enterprises:visit_list")
        html = self.client.get(url, {"region": self.township_b.code, "visited": "2023"}).content
        self.assertIn("了解鞋业设备改造", html.decode())
        self.assertNotIn("建立研发辅助账", html.decode())
        html = self.client.get(url, {"visited": "2022"}).content.decode()
        self.assertIn("共 0 条走访记录", html)

    def test_figure_counts_the_periods_visits_and_its_page_lists_them(self):
        from kechuang.core import figures
        from kechuang.core.tests.figure_pages import listed

        period = figures.Period.parse("2023-02")
        self.assertEqual(figures.value("ladder.visits", self.county, period), 1)
        self.assertEqual(figures.value("ladder.visits", self.township_b, period), 0)
        self.assertEqual(
            figures.value("ladder.visits", self.county, figures.Period.parse("2023-06")), 2
        )
        for user in (self.staff, self.liaison_a, self.viewer):
            counted, shown, _ = listed(self, user, "ladder.visits", self.county, "2023-06")
            self.assertEqual(
                shown, counted & set(Visit.objects.visible_to(user).values_list("pk", flat=True))
            )
        counted, shown, _ = listed(self, self.staff, "ladder.visits", self.county, "2023-06")
        self.assertEqual(shown, counted)
        self.assertEqual(len(counted), 2)
