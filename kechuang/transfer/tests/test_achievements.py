"""Achievements: institute and firm users post their own; bureau staff any in their region."""

from unittest import mock

from django.core.exceptions import PermissionDenied

from kechuang.transfer import services
from kechuang.transfer.choices import Maturity
from kechuang.transfer.models import Achievement
from kechuang.transfer.tests.test_demands import TransferCastTestCase


class AchievementServiceTest(TransferCastTestCase):
    def test_an_institute_user_posts_as_its_institution(self):
        record = services.achievement_save(
            actor=self.inst_user,
            code="CG-I-1",
            title="t",
            abstract="a",
            owner_institution=self.institution_2,  # ignored: it posts as itself
            maturity=Maturity.LAB,
        )
        self.assertEqual(record.owner_institution, self.institution)
        self.assertEqual(record.region, self.institution.region)

    def test_an_institute_user_edits_only_its_own(self):
        services.achievement_save(actor=self.inst_user, achievement=self.achievement, title="新")
        self.assertEqual(Achievement.objects.get(pk=self.achievement.pk).title, "新")
        with self.assertRaises(PermissionDenied):
            services.achievement_save(
                actor=self.inst_user, achievement=self.achievement_2, title="x"
            )

    def test_a_firm_user_posts_as_its_firm(self):
        record = services.achievement_save(
            actor=self.ent_user_a, code="CG-E-1", title="t", abstract="a", maturity=Maturity.PILOT
        )
        self.assertEqual(record.owner_enterprise, self.ent_a)
        self.assertEqual(record.region, self.county)

    def test_liaisons_and_read_only_users_are_refused(self):
        for user in (self.liaison_a, self.commissioner, self.viewer):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.achievement_save(
                    actor=user,
                    code="X",
                    title="t",
                    abstract="a",
                    owner_institution=self.institution,
                    region=self.county,
                )


class AchievementPageTest(TransferCastTestCase):
    def test_an_institute_user_reads_published_work_and_edits_only_its_own(self):
        self.client.force_login(self.inst_user)
        response = self.client.get("/transfer/achievements/")
        self.assertContains(response, "CG-001")
        self.assertContains(response, "CG-002")  # another institution's, published
        self.assertEqual(
            self.client.get(f"/transfer/achievements/{self.achievement_2.pk}/").status_code, 200
        )
        self.assertEqual(
            self.client.get(f"/transfer/achievements/{self.achievement_2.pk}/edit/").status_code,
            403,
        )
        Achievement.objects.filter(pk=self.achievement_2.pk).update(published=False)
        self.assertNotContains(self.client.get("/transfer/achievements/"), "CG-002")
        self.assertEqual(
            self.client.get(f"/transfer/achievements/{self.achievement_2.pk}/edit/").status_code,
            404,
        )
        response = self.client.post(
            f"/transfer/achievements/{self.achievement.pk}/edit/",
            {
                "code": "CG-001",
                "title": "激光熔覆耐磨涂层技术（二代）",
                "abstract": "a",
                "maturity": "pilot",
                "transfer_mode": "licence",
            },
        )
        self.assertRedirects(response, f"/transfer/achievements/{self.achievement.pk}/")
        self.assertEqual(Achievement.objects.get(pk=self.achievement.pk).transfer_mode, "licence")

    def test_the_api_shows_an_institute_user_its_own_and_published_work(self):
        Achievement.objects.filter(pk=self.achievement_2.pk).update(published=False)
        self.client.force_login(self.inst_user)
        rows = self.client.get("/api/achievements/").json()["results"]
        self.assertEqual([r["code"] for r in rows], ["CG-001"])
        response = self.client.patch(
            f"/api/achievements/{self.achievement_2.pk}/",
            {"title": "x"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 404)
        Achievement.objects.filter(pk=self.achievement_2.pk).update(published=True)
        rows = self.client.get("/api/achievements/").json()["results"]
        self.assertEqual(sorted(r["code"] for r in rows), ["CG-001", "CG-002"])
        response = self.client.patch(
            f"/api/achievements/{self.achievement_2.pk}/",
            {"title": "x"},
            content_type="application/json",
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertEqual(Achievement.objects.get(pk=self.achievement_2.pk).title, "超临界发泡鞋材")

    def test_a_firm_user_reads_a_published_achievement_and_cannot_edit_it(self):
        self.client.force_login(self.ent_user_a)
        page = self.client.get(f"/transfer/achievements/{self.achievement.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "激光熔覆耐磨涂层技术")
        edit = self.client.post(
            f"/transfer/achievements/{self.achievement.pk}/edit/",
            {"code": "CG-001", "title": "改", "abstract": "a", "maturity": "pilot"},
        )
        self.assertEqual(edit.status_code, 403)
        with self.assertRaises(PermissionDenied):
            services.achievement_save(
                actor=self.ent_user_a, achievement=self.achievement, title="改"
            )
        self.assertEqual(
            Achievement.objects.get(pk=self.achievement.pk).title, "激光熔覆耐磨涂层技术"
        )

    def test_staff_see_the_demands_an_achievement_may_answer(self):
        found = [
            {
                "code": "XQ-A-001",
                "title": "高压阀门密封面耐磨涂层",
                "score": 0.8,
                "terms": ["耐磨"],
                "reasons": ["产业链：阀门"],
            }
        ]
        self.client.force_login(self.staff)
        with mock.patch(
            "kechuang.transfer.views.achievements.suggestions", return_value=(found, "")
        ):
            response = self.client.get(f"/transfer/achievements/{self.achievement.pk}/")
            self.assertContains(response, "可能对接的需求")
            self.assertContains(response, "高压阀门密封面耐磨涂层")
            # An unpublished achievement is offered only to its own firm's demands.
            Achievement.objects.filter(pk=self.achievement.pk).update(published=False)
            response = self.client.get(f"/transfer/achievements/{self.achievement.pk}/")
            self.assertNotContains(response, "高压阀门密封面耐磨涂层")
        self.client.force_login(self.inst_user)
        response = self.client.get(f"/transfer/achievements/{self.achievement.pk}/")
        self.assertNotContains(response, "可能对接的需求")


class InstitutionPageTest(TransferCastTestCase):
    def test_the_institution_page_lists_its_own_achievements_only(self):
        self.client.force_login(self.staff)
        page = self.client.get(f"/institutions/{self.institution.pk}/").content.decode()
        self.assertIn("科技成果", page)
        self.assertIn("激光熔覆耐磨涂层技术", page)
        self.assertNotIn("超临界发泡鞋材", page)  # institution_2's

    def test_its_own_user_sees_its_unpublished_achievement(self):
        Achievement.objects.filter(pk=self.achievement.pk).update(published=False)
        self.client.force_login(self.inst_user)
        page = self.client.get(f"/institutions/{self.institution.pk}/").content.decode()
        self.assertIn("激光熔覆耐磨涂层技术", page)
        self.assertIn("未发布", page)
