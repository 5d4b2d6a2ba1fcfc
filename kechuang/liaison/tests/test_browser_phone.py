"""In the field, on a phone (390 × 844): a liaison logs a visit with a camera photo from the
firm's record, a commissioner logs a service with a photo, and on every page they use there
(pool list, pool entry, firm record, visit form and list, service log form and list,
coverage, cadre table) no element reaches past the right edge of the screen.

Drives Debian's Chromium through Playwright against the live server; run with -m browser.
"""

import datetime

import pytest

from kechuang.commissioners import services as commissioner_services
from kechuang.core.choices import Role
from kechuang.core.models import Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import launch, reload_reference_data
from kechuang.core.validators import uscc_check_char
from kechuang.enterprises.models import Tier
from kechuang.enterprises.services import enterprise_create, pool_entry_add, visit_log
from kechuang.liaison.services import cadre_link_create

PASSWORD = "Kc-phone-2023!"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every visible element whose right edge passes the viewport (1 px of rounding allowed).
OVERFLOW_JS = """() => {
  const width = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > width + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + [...el.classList].join('.') : '');
      const text = (el.textContent || '').trim().slice(0, 40);
      out.push(`${name} right=${Math.round(r.right)} «${text}»`);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) {
    out.push(`document scrollWidth=${document.documentElement.scrollWidth}`);
  }
  return out;
}"""


def credit_code(serial: str) -> str:
    first17 = "91331121" + serial
    return first17 + uscc_check_char(first17)


@pytest.fixture
def world(transactional_db):
    reload_reference_data()
    county = Region.objects.get(code="331121")
    hecheng = Region.objects.get(code="331121001")
    admin = user_create(
        actor=None,
        username="root",
        password=PASSWORD,
        role=Role.STAFF,
        region=county,
        is_superuser=True,
        is_staff=True,
    )
    cadre = user_create(
        actor=admin,
        username="cadre",
        password=PASSWORD,
        role=Role.LEADER,
        region=county,
        full_name="叶副局长",
    )
    liaison = user_create(
        actor=admin, username="hecheng", password=PASSWORD, role=Role.LIAISON, region=hecheng
    )
    account = user_create(
        actor=admin,
        username="tepai",
        password=PASSWORD,
        role=Role.COMMISSIONER,
        region=hecheng,
        full_name="周特派",
    )
    firm = enterprise_create(
        actor=admin,
        credit_code=credit_code("MA2B3C4D5"),
        name="浙江瓯江阀门制造股份有限公司（青田县鹤城街道工业园区分公司）",
        township=hecheng,
        industry_division="34",
        above_scale=True,
        status="active",
        address="青田县鹤城街道油竹新区温州大道1234号A幢B座12层1201-1208室ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    )
    entry = pool_entry_add(
        actor=admin,
        enterprise=firm,
        tier=Tier.objects.get(code="hnte"),
        year=datetime.date.today().year,
        liaison=liaison,
    )
    visit_log(
        actor=liaison,
        entry=entry,
        visited_on=datetime.date.today(),
        visitors="陈联络员",
        agreed="建立研发辅助账，按季度归集研发费用" * 3,
    )
    cadre_link_create(admin, cadre=cadre, townships=[hecheng], firms=[firm])
    commissioner = commissioner_services.commissioner_create(
        actor=admin,
        name="周特派",
        kind="individual",
        institution="浙江省农业科学院",
        fields="茶叶",
        region=county,
        user=account,
    )
    commissioner_services.assignment_create(
        actor=admin,
        commissioner=commissioner,
        township=hecheng,
        start=datetime.date(datetime.date.today().year, 1, 1),
    )
    return {"firm": firm, "entry": entry}


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        # Not is_mobile: a mobile layout viewport widens to the content, which would hide
        # the very overflow this test looks for.
        context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def log_in(page, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#user-menu")).to_be_attached()


def assert_fits(page, what: str) -> None:
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    offenders = page.evaluate(OVERFLOW_JS)
    assert not offenders, f"{what}（{page.url}）有元素超出 390px 屏幕：\n" + "\n".join(
        offenders[:20]
    )


def test_field_pages_fit_a_phone_and_take_camera_photos(world, live_server, page, tmp_path):
    from playwright.sync_api import expect

    base = live_server.url
    firm, entry = world["firm"], world["entry"]
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)

    # A township liaison on the firm's record logs a visit with a photo from the camera.
    log_in(page, base, "hecheng")
    page.goto(f"{base}/enterprises/{firm.pk}/")
    expect(page.locator("#section-visits")).to_contain_text("陈联络员")
    assert_fits(page, "企业档案")
    page.locator("#visit-add").click()
    expect(page.locator("#visit-form")).to_be_visible()
    assert page.locator("#id_photo").get_attribute("capture") == "environment"
    assert_fits(page, "走访登记")
    page.get_by_label("走访人员").fill("陈联络员、叶副局长")
    page.get_by_label("商定事项").fill("研发中心申报材料月底前报送")
    page.locator("#id_photo").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#section-visits")).to_contain_text("研发中心申报材料月底前报送")
    assert_fits(page, "企业档案（走访之后）")
    # Its photo is on the visit's page.
    page.locator("#section-visits").get_by_role("link").first.click()
    expect(page.locator("body")).to_contain_text("现场.png")
    assert_fits(page, "走访记录")

    page.goto(f"{base}/enterprises/visits/")
    expect(page.locator("#visit-results")).to_contain_text("研发中心申报材料月底前报送")
    assert_fits(page, "走访记录列表")
    page.goto(f"{base}/enterprises/pool/")
    expect(page.locator("#pool-results")).to_contain_text("瓯江阀门")
    assert_fits(page, "培育库列表")
    page.goto(f"{base}/enterprises/pool/{entry.pk}/")
    expect(page.locator("#visit-log")).to_contain_text("陈联络员")
    assert_fits(page, "培育对象")
    page.goto(f"{base}/commissioners/coverage/")
    expect(page.locator("#coverage-table")).to_contain_text("鹤城街道")
    assert_fits(page, "特派员覆盖情况")
    page.goto(f"{base}/liaison/")
    expect(page.locator("#cadre-table")).to_contain_text("叶副局长")
    assert_fits(page, "科技干部联系乡镇")

    # A commissioner logs a service with a photo.
    log_in(page, base, "tepai")
    page.goto(f"{base}/commissioners/logs/new/")
    assert_fits(page, "服务日志登记")
    page.get_by_label("乡镇（街道）").select_option(label="鹤城街道")
    page.get_by_label("服务地点").fill("油竹村茶园")
    page.get_by_label("合作社、农户或村").fill("油竹茶叶专业合作社")
    page.get_by_label("服务内容").fill("茶园春季修剪与病虫害防治指导")
    page.locator("#id_photo").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("现场.png")
    assert_fits(page, "服务日志")
    page.goto(f"{base}/commissioners/logs/")
    expect(page.locator("#log-results")).to_contain_text("油竹村茶园")
    assert_fits(page, "服务日志列表")
