"""Service logs: a commissioner enters and sees only its own, a liaison its township, the
bureau the county; the phone-sized form attaches a camera photo."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.commissioners.choices import ServiceModel
from kechuang.commissioners.models import ServiceLog
from kechuang.commissioners.tests.helpers import D, log, make_commissioners
from kechuang.core.attachments import attachments_of
from kechuang.core.tests.cast import CastTestCase

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


class LogScopeTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)
        cls.own_a = log(cls, cls.own, cls.township_a, D(2023, 3, 1), actor=cls.commissioner)
        cls.other_a = log(cls, cls.other, cls.township_a, D(2023, 3, 2))
        cls.other_b = log(cls, cls.other, cls.township_b, D(2023, 3, 3))

    def visible(self, user):
        return set(ServiceLog.objects.visible_to(user))

    def test_kind_sets_the_service_model(self):
        self.assertEqual(self.own.service_model, ServiceModel.PERSON_TOWNSHIP)
        self.assertEqual(self.other.service_model, ServiceModel.TEAM_INDUSTRY)

    def test_commissioner_sees_and_edits_only_its_own_logs(self):
        self.assertEqual(self.visible(self.commissioner), {self.own_a})
        editable = set(ServiceLog.objects.editable_by(self.commissioner))
        self.assertEqual(editable, {self.own_a})

    def test_liaison_sees_its_township_and_bureau_the_county(self):
        self.assertEqual(self.visible(self.liaison_a), {self.own_a, self.other_a})
        self.assertEqual(self.visible(self.liaison_b), {self.other_b})
        self.assertEqual(self.visible(self.staff), {self.own_a, self.other_a, self.other_b})
        self.assertEqual(self.visible(self.ent_user_a), set())

    def test_commissioner_cannot_log_for_another(self):
        with self.assertRaises(ValidationError) as caught:
            log(self, self.other, self.township_a, D(2023, 4, 1), actor=self.commissioner)
        self.assertIn("commissioner", caught.exception.error_dict)

    def test_liaison_cannot_log_in_another_township(self):
        with self.assertRaises(ValidationError) as caught:
            log(self, self.other, self.township_b, D(2023, 4, 1), actor=self.liaison_a)
        self.assertIn("township", caught.exception.error_dict)
        self.assertEqual(ServiceLog.objects.count(), 3)

    def test_firm_user_cannot_log(self):
        with self.assertRaises((PermissionDenied, ValidationError)):
            log(self, self.other, self.township_a, D(2023, 4, 1), actor=self.ent_user_a)

    def test_a_log_names_a_firm_or_a_cooperative(self):
        with self.assertRaises(ValidationError) as caught:
            log(self, self.other, self.township_a, D(2023, 4, 1), cooperative="")
        self.assertIn("enterprise", caught.exception.error_dict)

    def test_commissioner_page_list_shows_only_own_logs(self):
        self.client.force_login(self.commissioner)
        response = self.client.get(reverse("commissioners:log_list"))
        self.assertEqual(set(response.context["filter"].qs), {self.own_a})
        response = self.client.get(reverse("commissioners:log_edit", args=[self.other_a.pk]))
        self.assertEqual(response.status_code, 404)


class LogFormTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)

    def test_form_is_one_column_with_camera_capture(self):
        self.client.force_login(self.commissioner)
        response = self.client.get(reverse("commissioners:log_create"))
        html = response.content.decode()
        self.assertIn('capture="environment"', html)
        self.assertIn('accept="image/*"', html)
        self.assertNotIn('name="commissioner"', html)  # its own record, not a choice
        self.assertNotIn("col-md-6", html)

    def test_commissioner_logs_a_service_with_a_photo(self):
        self.client.force_login(self.commissioner)
        response = self.client.post(
            reverse("commissioners:log_create"),
            {
                "served_on": "2023-05-06",
                "township": self.township_a.pk,
                "place": "鹤城茶园",
                "enterprise": self.ent_a.name,
                "content": "茶园病虫害防治指导",
                "photo": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
            },
        )
        created = ServiceLog.objects.get()
        self.assertRedirects(response, reverse("commissioners:log_detail", args=[created.pk]))
        self.assertEqual(created.commissioner, self.own)
        self.assertEqual(created.enterprise, self.ent_a)  # typed by name, not picked
        self.assertEqual([a.kind for a in attachments_of(created)], ["现场照片"])
        self.assertEqual(created.history.first().history_user, self.commissioner)

    def test_liaison_cannot_choose_another_township(self):
        self.client.force_login(self.liaison_a)
        response = self.client.post(
            reverse("commissioners:log_create"),
            {
                "commissioner": self.other.pk,
                "served_on": "2023-05-06",
                "township": self.township_b.pk,
                "place": "温溪",
                "cooperative": "温溪合作社",
                "content": "指导",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("township", response.context["form"].errors)
        self.assertFalse(ServiceLog.objects.exists())


class CommissionerPageTest(CastTestCase):
    def test_staff_registers_a_commissioner_linked_to_the_account(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("commissioners:commissioner_create"),
            {
                "name": "青田县农业技术推广中心",
                "kind": "legal_entity",
                "institution": "",
                "fields": "稻鱼共生",
                "region": self.county.pk,
                "user": self.commissioner.pk,
            },
        )
        created = self.commissioner.commissioner_record
        self.assertRedirects(response, created.get_absolute_url())
        self.assertEqual(created.get_service_model_display(), "1家+1县")

    def test_a_non_commissioner_account_is_refused_by_name(self):
        from kechuang.commissioners import services

        with self.assertRaises(ValidationError) as caught:
            services.commissioner_create(
                actor=self.staff,
                name="甲",
                kind="individual",
                region=self.county,
                user=self.liaison_a,
            )
        self.assertIn("user", caught.exception.error_dict)
