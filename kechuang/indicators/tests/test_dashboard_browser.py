"""The dashboard in a real browser: it renders without console errors, draws its charts,
shows the same numbers as `kechuang indicators` and the region's figures linked to their
records."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from kechuang.core.choices import Role
from kechuang.core.figures import all_figures
from kechuang.core.models import Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import launch, reload_reference_data
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataElement, DataValue, Indicator, Target

PASSWORD = "Kc-dashboard-2023!"
# Marked transactional so pytest-django runs them after the ordinary tests: their flush
# empties the migrated reference data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 1–4月 of two years for 青田县 and two sibling counties (amounts in yuan).
FIGURES = {
    "331121": {
        "tech_dev_expense": (338_000_000, 241_411_328, "40.01"),
        "main_revenue": (10_000_000_000, 8_900_000_000, None),
        "mfg_enterprises": (256, 250, None),
        "mfg_rnd_enterprises": (180, 170, None),
    },
    "331102": {
        "tech_dev_expense": (496_000_000, 418_000_000, "18.50"),
        "main_revenue": (16_000_000_000, 15_000_000_000, None),
        "mfg_enterprises": (300, 290, None),
        "mfg_rnd_enterprises": (252, 240, None),
    },
    "331122": {
        "tech_dev_expense": (684_000_000, 481_000_000, "42.30"),
        "main_revenue": (19_000_000_000, 17_000_000_000, None),
        "mfg_enterprises": (600, 580, None),
        "mfg_rnd_enterprises": (531, 500, None),
    },
}


@pytest.fixture
def staff(transactional_db):
    reload_reference_data()
    county = Region.objects.get(code="331121")
    elements = {e.code: e for e in DataElement.objects.all()}
    for code, figures in FIGURES.items():
        region = Region.objects.get(code=code)
        for element, (now, before, published) in figures.items():
            DataValue.objects.create(
                element=elements[element],
                region=region,
                period="2023-04",
                value=Decimal(now),
                source=ValueSource.STATS_BUREAU,
                published_yoy=Decimal(published) if published else None,
            )
            DataValue.objects.create(
                element=elements[element],
                region=region,
                period="2022-04",
                value=Decimal(before),
                source=ValueSource.STATS_BUREAU,
            )
    Target.objects.create(
        indicator=Indicator.objects.get(code="tech_dev_expense"),
        region=county,
        year=2023,
        value=Decimal(1_190_000_000),
    )
    return user_create(
        actor=None,
        username="kzy",
        password=PASSWORD,
        role=Role.STAFF,
        region=county,
        full_name="陈科员",
    )


def cli_displays(region: str, period: str) -> dict[str, str]:
    out = StringIO()
    call_command(
        "indicators",
        "--region",
        region,
        "--period",
        period,
        "--format",
        "json",
        "--user",
        "kzy",
        stdout=out,
    )
    return {row["code"]: row["display"] for row in json.loads(out.getvalue())["indicators"]}


def test_the_dashboard_renders_its_charts_and_matches_the_cli(live_server, staff):
    from playwright.sync_api import expect, sync_playwright

    expected = cli_displays("331121", "2023-04")
    assert expected["tech_dev_expense"] == "3.38亿元"
    errors = []
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "kzy")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/indicators/?region=331121&period=2023-04")
        for code, display in expected.items():
            card = page.locator(f".indicator-card[data-code='{code}'] .indicator-value")
            expect(card).to_have_text(display if display is not None else "—")
        expect(page.locator("#trend-chart canvas")).to_have_count(1)
        expect(page.locator("#yearly-chart canvas")).to_have_count(1)
        # All nine counties of 丽水 are listed; the three with data are ranked, 青田 second.
        expect(page.locator("#ranking-table tbody tr")).to_have_count(9)
        expect(page.locator("#ranking-table tbody tr").first).to_contain_text("缙云县")
        expect(page.locator("#ranking-table tbody tr.table-primary")).to_contain_text("2 / 3")
        rows = page.locator("#figures-table tbody tr")
        work = [f for f in all_figures() if not f.code.startswith("indicators.")]
        expect(rows).to_have_count(len(work))
        expect(rows.filter(has_text="技术市场交易额").locator("a")).to_have_attribute(
            "href", re.compile(r"^/transfer/contracts/\?region=331121&since=2023-01-01")
        )
        page.select_option("#chart-indicator", "mfg_rnd_share")
        expect(page.locator("#ranking-table tbody tr").first).to_contain_text("缙云县")
        page.wait_for_load_state("networkidle")
        browser.close()
    assert errors == []
