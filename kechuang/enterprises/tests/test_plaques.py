"""Plaque deliveries (送牌匾进企业): who records one for which qualification, once; the page of
newly certified firms with and without their plaque; the figure at the period's bounds."""

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import figures
from kechuang.core.attachments import attachments_of
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.figure_pages import listed
from kechuang.enterprises.models import PlaqueDelivery, Tier
from kechuang.enterprises.services import plaque_deliver, qualification_save

D = datetime.date
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


class PlaqueTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        hnte = Tier.objects.get(code="hnte")
        cls.qa = qualification_save(
            actor=cls.staff, enterprise=cls.ent_a, tier=hnte, year=2023, issued_on=D(2023, 3, 1)
        )
        cls.qb = qualification_save(
            actor=cls.staff, enterprise=cls.ent_b, tier=hnte, year=2023, issued_on=D(2023, 3, 1)
        )


class DeliveryTest(PlaqueTestCase):
    def test_a_liaison_delivers_its_townships_plaque_once_with_a_photo(self):
        photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
        delivery = plaque_deliver(
            actor=self.liaison_a, qualification=self.qa, delivered_on=D(2023, 6, 16), photo=photo
        )
        self.assertEqual(delivery.delivered_by, self.liaison_a.display_name)
        self.assertEqual([a.kind for a in attachments_of(delivery)], ["现场照片"])
        with self.assertRaises(ValidationError) as caught:
            plaque_deliver(actor=self.staff, qualification=self.qa, delivered_on=D(2023, 6, 17))
        self.assertIn("qualification", caught.exception.message_dict)
        self.assertEqual(PlaqueDelivery.objects.count(), 1)

    def test_others_are_refused_and_nothing_is_written(self):
        for user, error in (
            (self.liaison_b, ValidationError),  # out of sight: as if it did not exist
            (self.ent_user_a, PermissionDenied),  # a firm does not certify itself
            (self.viewer, PermissionDenied),
        ):
            with self.subTest(user=user.username), self.assertRaises(error):
                plaque_deliver(actor=user, qualification=self.qa, delivered_on=D(2023, 6, 16))
        self.assertFalse(PlaqueDelivery.objects.exists())

    def test_bad_dates_name_the_field(self):
        for day in (D(2023, 2, 28), D(2999, 1, 1)):  # before the certificate; in the future
            with self.subTest(day=day), self.assertRaises(ValidationError) as caught:
                plaque_deliver(actor=self.staff, qualification=self.qa, delivered_on=day)
            self.assertIn("delivered_on", caught.exception.message_dict)
        self.assertFalse(PlaqueDelivery.objects.exists())


class PlaquePagesTest(PlaqueTestCase):
    def test_the_page_puts_the_firms_still_without_a_plaque_first(self):
        plaque_deliver(actor=self.staff, qualification=self.qa, delivered_on=D(2023, 6, 16))
        self.client.force_login(self.staff)
        with mock.patch("django.utils.timezone.localdate", return_value=D(2023, 12, 20)):
            response = self.client.get("/enterprises/qualifications/plaques/")
        rows = response.context["rows"]
        self.assertEqual([q.enterprise for q in rows], [self.ent_b, self.ent_a])
        self.assertEqual((response.context["delivered"], response.context["undelivered"]), (1, 1))
        self.assertContains(response, f"/enterprises/qualifications/{self.qb.pk}/plaque/")

    def test_the_delivery_form_records_it(self):
        self.client.force_login(self.liaison_a)
        url = f"/enterprises/qualifications/{self.qa.pk}/plaque/"
        response = self.client.post(url, {"delivered_on": "2023-06-16", "delivered_by": "王科员"})
        self.assertRedirects(response, url)
        self.assertEqual(self.qa.plaque.delivered_by, "王科员")
        self.assertContains(self.client.get(url), 'id="plaque-delivery"')

    def test_the_delivery_form_is_refused_to_another_township(self):
        self.client.force_login(self.liaison_b)
        url = f"/enterprises/qualifications/{self.qa.pk}/plaque/"
        self.assertEqual(self.client.post(url, {"delivered_on": "2023-06-16"}).status_code, 404)
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.post(url, {"delivered_on": "2023-06-16"}).status_code, 403)
        self.assertFalse(PlaqueDelivery.objects.exists())


class PlaqueFigureTest(PlaqueTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plaque_deliver(actor=cls.staff, qualification=cls.qa, delivered_on=D(2023, 6, 30))
        plaque_deliver(actor=cls.staff, qualification=cls.qb, delivered_on=D(2023, 7, 1))

    def test_plaques_are_counted_by_delivery_date_up_to_the_periods_end(self):
        value = figures.value
        self.assertEqual(value("enterprises.plaques.delivered", "331121", "2023-06"), 1)
        self.assertEqual(value("enterprises.plaques.delivered", "331121", "2023-07"), 2)
        self.assertEqual(value("enterprises.plaques.delivered", "331121101", "2023-06"), 0)
        self.assertEqual(value("enterprises.plaques.delivered", "331121", "2024-06"), 0)

    def test_the_source_page_lists_exactly_the_plaques_counted(self):
        for user, region in (
            (self.staff, self.county),
            (self.liaison_a, self.township_a),
            (self.viewer, self.city),
        ):
            counted, shown, _ = listed(
                self, user, "enterprises.plaques.delivered", region, "2023-07"
            )
            self.assertTrue(counted)
            self.assertEqual(shown, counted, user.username)


class PhotoCheckTest(PlaqueTestCase):
    def test_a_photo_that_is_not_an_image_file_is_named_and_nothing_is_written(self):
        self.client.force_login(self.staff)
        url = f"/enterprises/qualifications/{self.qa.pk}/plaque/"
        fake = SimpleUploadedFile("现场.png", b"not a png at all", content_type="image/png")
        response = self.client.post(url, {"delivered_on": "2023-06-16", "photo": fake})
        self.assertEqual(response.status_code, 200)
        self.assertIn("photo", response.context["form"].errors)
        self.assertFalse(PlaqueDelivery.objects.exists())
