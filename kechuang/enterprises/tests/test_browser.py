"""The enterprise registry in a real browser: sign-in, htmx search, record page, scoping.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright against the live server;
never downloads a browser. Run alone with `pytest -m browser`.
"""

import pytest

from kechuang.core.choices import Role
from kechuang.core.models import Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import new_page, reload_reference_data
from kechuang.core.validators import uscc_check_char
from kechuang.enterprises.services import enterprise_create

SCREENSHOT = "/tmp/kechuang-list.png"
PASSWORD = "Kc-browser-2023!"

# No skip when Chromium is missing: `make test` installs it, and a silent skip would hide it.
# Marked transactional so pytest-django runs them after the ordinary tests: their flush
# empties the migrated reference data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def credit_code(serial: str) -> str:
    first17 = "91331121" + serial
    return first17 + uscc_check_char(first17)


@pytest.fixture
def cast(transactional_db):
    reload_reference_data()
    county = Region.objects.get(code="331121")
    hecheng = Region.objects.get(code="331121001")
    wenxi = Region.objects.get(code="331121101")
    admin = user_create(
        actor=None,
        username="root",
        password=PASSWORD,
        role=Role.STAFF,
        region=county,
        is_superuser=True,
        is_staff=True,
    )
    firms = {}
    for key, serial, name, township in [
        ("valve", "MA2B3C4D5", "瓯江阀门制造有限公司", hecheng),
        ("tools", "MA2B3C4D6", "鹤城精工机械有限公司", hecheng),
        ("pump", "MA2B3C4D7", "温溪泵业科技有限公司", wenxi),
    ]:
        firms[key] = enterprise_create(
            actor=admin,
            credit_code=credit_code(serial),
            name=name,
            township=township,
            industry_division="34",
            above_scale=True,
            status="active",
        )
    user_create(actor=admin, username="staff", password=PASSWORD, role=Role.STAFF, region=county)
    user_create(
        actor=admin, username="hecheng", password=PASSWORD, role=Role.LIAISON, region=hecheng
    )
    return firms


@pytest.fixture
def page():
    yield from new_page()


def log_in(page, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#user-menu")).to_be_visible()


def test_staff_searches_and_liaison_sees_only_own_township(cast, live_server, page):
    from playwright.sync_api import expect

    base = live_server.url
    valve, tools, pump = cast["valve"], cast["tools"], cast["pump"]
    rows = page.locator("#enterprise-results tbody tr")

    # Staff: the whole county, then the list narrows by htmx as a name is typed.
    log_in(page, base, "staff")
    page.get_by_role("link", name="企业培育").click()
    page.get_by_role("link", name="企业库", exact=True).click()
    expect(page.get_by_role("heading", name="企业库")).to_be_visible()
    expect(rows).to_have_count(3)
    page.screenshot(path=SCREENSHOT, full_page=True)

    search = page.get_by_placeholder("企业名称或信用代码")
    with page.expect_response(
        lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        search.fill("阀门")
        search.press("End")  # the keyup htmx listens for
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(valve.name)
    assert "q=" in page.url  # hx-push-url keeps the search in the address bar

    page.get_by_role("link", name=valve.name).click()
    expect(page.get_by_role("heading", name=valve.name)).to_be_visible()
    expect(page.locator("dd.font-monospace")).to_have_text(valve.credit_code)

    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    # Liaison of 鹤城街道: only that township's firms; another township's record is a 404.
    log_in(page, base, "hecheng")
    page.get_by_role("link", name="企业培育").click()
    page.get_by_role("link", name="企业库", exact=True).click()
    expect(rows).to_have_count(2)
    expect(page.locator("#enterprise-results")).not_to_contain_text(pump.name)
    expect(page.locator("#enterprise-results")).to_contain_text(tools.name)
    townships = rows.locator("td:nth-child(3)").all_inner_texts()
    assert townships == ["鹤城街道", "鹤城街道"]

    response = page.goto(f"{base}/enterprises/{pump.pk}/")
    assert response.status == 404
    expect(page.get_by_text("页面或记录不存在")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(pump.name)
