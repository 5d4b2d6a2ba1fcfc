"""The loans demo reproduces section (七) of the seed report: 6 firms recommended for
2400万元 of credit in 2023 H1, and a plaque for each of the 18 newly certified HNTE (mixed
into DemoLoadTests)."""

import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from kechuang.enterprises.models import PlaqueDelivery
from kechuang.enterprises.selectors.qualifications import newly_certified
from kechuang.loans.models import LoanRecommendation


class LoansDemoChecks:
    def test_kechuang_figures_prints_2400_wan_for_6_firms_and_18_plaques(self):
        out = StringIO()
        call_command(
            "figures", "--region", "331121", "--period", "2023-06", "--format", "json", stdout=out
        )
        rows = {r["code"]: r for r in json.loads(out.getvalue())}
        self.assertEqual(Decimal(rows["loans.recommended"]["value"]), Decimal(24_000_000))
        self.assertEqual(rows["loans.recommended"]["display"], "2400.00万元")
        self.assertEqual(rows["loans.firms"]["value"], 6)
        self.assertEqual(rows["enterprises.plaques.delivered"]["value"], 18)
        # Granted ones are part of the six; nothing is counted before the year.
        self.assertLess(rows["loans.firms_granted"]["value"], 6)
        self.assertGreater(rows["loans.firms_granted"]["value"], 0)
        self.assertEqual(LoanRecommendation.objects.count(), 6)

    def test_every_newly_certified_hnte_has_its_plaque(self):
        certified = newly_certified(self.staff, "hnte", 2023)
        delivered = PlaqueDelivery.objects.filter(qualification__in=certified)
        self.assertEqual((certified.count(), delivered.count()), (18, 18))
