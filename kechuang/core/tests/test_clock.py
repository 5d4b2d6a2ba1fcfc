import datetime
from unittest import mock

from django.test import SimpleTestCase, override_settings

from kechuang.core import clock


class ClockTest(SimpleTestCase):
    @override_settings(KECHUANG_TODAY="2023-06-30")
    def test_a_pinned_date_is_today(self):
        self.assertEqual(clock.today(), datetime.date(2023, 6, 30))

    @override_settings(KECHUANG_TODAY="")
    def test_without_a_pin_it_is_the_local_date(self):
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 1, 2)):
            self.assertEqual(clock.today(), datetime.date(2026, 1, 2))
