"""The challenge board in a real browser (issue 10 acceptance): one challenge goes from
publication through a bid, an independent review and the selection to a project and its
technology contract, and 技术市场交易额 on the indicator dashboard grows by the contract's amount.

Only what precedes publication is set up, through the services: the county's people, a firm
and an institute, the county's 2023 揭榜挂帅 call, an unpublished list with one challenge the
bureau approved, and the dashboard's data. Everything after is done by the users in Chromium.
Drives Debian's Chromium through Playwright against the live server; run alone with
`pytest -m browser`.
"""

import datetime
import re
from decimal import Decimal

import pytest

from kechuang.challenges import services as challenges
from kechuang.challenges.choices import ChallengeStatus
from kechuang.core.choices import Role
from kechuang.core.models import Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import new_page, reload_reference_data
from kechuang.core.validators import uscc_check_char
from kechuang.enterprises.services import enterprise_create
from kechuang.indicators.models import DataElement
from kechuang.indicators.services import data_value_save
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.services import institution_create
from kechuang.projects import services as projects
from kechuang.transfer.choices import ContractDirection, ContractType, Maturity
from kechuang.transfer.services import achievement_save, contract_save

PASSWORD = "Kc-challenge-2023!"
SCREENSHOT = "/tmp/kechuang-challenge-walk.png"
TODAY = "2023-06-30"
PERIOD = "2023-06"
DASHBOARD = f"/indicators/?region=331121&period={PERIOD}"
TITLE = "高温高压阀门密封面耐磨寿命提升"
D = datetime.date

# Each reviewer's scores on the example sheet (weights 30/20/15/10/15/10): weighted
# 83.75, 82.40 and 80.00, so the total (their mean) is 82.05.
SCORES = {
    "staff": ("90", "85", "80", "80", "75", "85"),
    "leader": ("88", "80", "70", "85", "80", "90"),
    "staff2": ("80", "80", "80", "80", "80", "80"),
}
TOTAL = "82.05"

# Marked transactional so pytest-django runs them after the ordinary tests: their flush
# empties the migrated reference data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def credit_code(serial: str) -> str:
    first17 = "91331121" + serial
    return first17 + uscc_check_char(first17)


@pytest.fixture
def world(transactional_db, settings):
    settings.KECHUANG_TODAY = TODAY
    reload_reference_data()
    county = Region.objects.get(code="331121")
    hecheng = Region.objects.get(code="331121001")
    admin = user_create(
        actor=None, username="root", password=PASSWORD, is_superuser=True, is_staff=True
    )
    people = {}
    for username, role, name in [
        ("staff", Role.STAFF, "王科员"),
        ("leader", Role.LEADER, "李局长"),
        ("staff2", Role.STAFF, "陈科员"),
    ]:
        people[username] = user_create(
            actor=admin,
            username=username,
            password=PASSWORD,
            role=role,
            region=county,
            full_name=name,
        )
    staff = people["staff"]
    firm = enterprise_create(
        actor=admin,
        credit_code=credit_code("MA2B3C4D5"),
        name="瓯江阀门制造有限公司",
        township=hecheng,
        industry_division="34",
        above_scale=True,
        status="active",
    )
    firm_user = user_create(
        actor=admin,
        username="firm",
        password=PASSWORD,
        role=Role.ENTERPRISE,
        region=hecheng,
        enterprise=firm,
        full_name="张经理",
    )
    institute = institution_create(
        actor=admin,
        name="浙江理工大学青田研究院",
        kind=InstitutionKind.NEW_RND_INSTITUTE,
        region=county,
        location="青田县",
    )
    researcher = user_create(
        actor=admin,
        username="institute",
        password=PASSWORD,
        role=Role.INSTITUTE,
        region=county,
        institution=institute,
        full_name="赵教授",
    )
    coating = achievement_save(
        actor=researcher,
        code="CG-2023-011",
        title="阀门密封面激光熔覆钴基耐磨涂层技术",
        abstract="激光熔覆在阀门密封面制备钴基耐磨涂层，硬度高、耐腐蚀，已中试验证。",
        owner_institution=institute,
        region=county,
        maturity=Maturity.PILOT,
    )

    # The county's 揭榜挂帅 program and its 2023 call: the selected bid becomes a project there.
    program = projects.program_save(
        actor=staff,
        name="县揭榜挂帅项目",
        kind="jiebang",
        level="county",
        issuer="青田县科学技术局",
        region=county,
    )
    projects.call_save(
        actor=staff,
        program=program,
        year=2023,
        title="2023年县揭榜挂帅",
        opens_on=D(2023, 3, 1),
        closes_on=D(2023, 4, 30),
    )

    board = challenges.challenge_list_save(
        actor=staff,
        year=2023,
        title="2023年青田县揭榜挂帅榜单（第一批）",
        region=county,
        opens_on=D(2023, 6, 1),
        closes_on=D(2023, 7, 31),
        criteria="example",
    )
    challenge = challenges.challenge_save(
        actor=firm_user,
        enterprise=firm,
        title=TITLE,
        problem="高温高压工况下阀门密封面磨损快，寿命不足一年。",
        goal="密封面寿命提高到三年，泄漏率达到 A 级。",
        budget=Decimal("800000"),
        deadline=D(2024, 6, 30),
        contact_person="张经理",
        contact_phone="13800001111",
    )
    challenges.challenge_save(actor=staff, challenge=challenge, challenge_list=board)
    challenges.challenge_transition(
        actor=staff, challenge=challenge, status=ChallengeStatus.REFINED
    )

    # The dashboard shows a period that has statistics; a contract registered in March is
    # the turnover before the walk (120.00万元).
    element = DataElement.objects.get(code="tech_dev_expense")
    for period, value in [(PERIOD, 338_000_000), ("2022-06", 241_411_328)]:
        data_value_save(
            actor=staff, element=element, region=county, period=period, value=Decimal(value)
        )
    contract_save(
        actor=staff,
        number="2023331121000003",
        title="不锈钢管件焊接工艺技术服务",
        kind=ContractType.SERVICE,
        buyer_name=firm.name,
        buyer_enterprise=firm,
        seller_name=institute.name,
        seller_institution=institute,
        amount=Decimal("1200000"),
        turnover=Decimal("1200000"),
        registered_on=D(2023, 3, 15),
        direction=ContractDirection.ABSORPTION,
        region=county,
    )
    return {"board": board, "challenge": challenge, "coating": coating, "people": people}


@pytest.fixture
def page():
    yield from new_page()


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def log_in(page, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#user-menu")).to_be_visible()


def log_out(page) -> None:
    from playwright.sync_api import expect

    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("#user-menu")).to_have_count(0)


def wan(display: str) -> Decimal:
    """A displayed amount ("120.00万元", "1.85亿元") in 万元."""
    found = re.fullmatch(r"([\d,]+\.\d{2})(万元|亿元)", display.strip())
    assert found, f"不是金额：{display!r}"
    number = Decimal(found.group(1).replace(",", ""))
    return number * 10_000 if found.group(2) == "亿元" else number


def read_turnover(page, base: str) -> tuple[str, str]:
    """技术市场交易额 as the dashboard shows it: its indicator card and its row among the
    work figures (filled from the figures endpoint)."""
    from playwright.sync_api import expect

    page.goto(f"{base}{DASHBOARD}")
    card = page.locator(".indicator-card[data-code='tech_market_turnover'] .indicator-value")
    row = page.locator("#figures-table tbody tr").filter(has_text="技术市场交易额")
    expect(row.locator("a")).to_have_count(1)
    return card.inner_text(), row.locator("a").inner_text()


def api_turnover(page, base: str) -> Decimal:
    """The figures endpoint the dashboard's work figures are filled from, in yuan."""
    response = page.request.get(
        f"{base}/api/figures/?region=331121&period={PERIOD}&codes=transfer.turnover"
    )
    assert response.ok, response.status
    body = response.json()
    rows = body if isinstance(body, list) else body.get("figures", body.get("results"))
    (row,) = [r for r in rows if r["code"] == "transfer.turnover"]
    return Decimal(row["value"])


def challenge_page(page, base: str, challenge) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/challenges/{challenge.pk}/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()


def take(page, button: str, status: str) -> None:
    """Takes a move on the challenge page's status card."""
    from playwright.sync_api import expect

    page.locator("form.workflow-moves").get_by_role("button", name=button).click()
    expect(page.locator("#challenge-status")).to_have_text(status)


def test_a_challenge_goes_from_publication_to_a_contract_counted_on_the_dashboard(
    world, live_server, page
):
    from playwright.sync_api import expect

    errors = watch_errors(page)
    base = live_server.url
    board, challenge = world["board"], world["challenge"]

    # 1. The turnover before: the March contract.
    log_in(page, base, "staff")
    card_before, figure_before = read_turnover(page, base)
    assert (card_before, figure_before) == ("0.01亿元", "120.00万元")
    yuan_before = api_turnover(page, base)
    assert yuan_before == Decimal("1200000")

    # 2. The bureau publishes the list; its approved challenge goes out for bids.
    page.goto(f"{base}/challenges/lists/")
    row = page.locator("#challengelist-results tbody tr").filter(has_text=board.title)
    expect(row).to_contain_text("未发布")
    row.get_by_role("button", name="发布榜单").click()
    expect(row).to_contain_text(f"已发布 {TODAY}")
    challenge_page(page, base, challenge)
    expect(page.locator("#challenge-status")).to_have_text("揭榜中")
    log_out(page)

    # 3. The institute bids, citing its own achievement.
    log_in(page, base, "institute")
    page.goto(f"{base}/challenges/open/")  # the public page lists it now
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.goto(f"{base}/challenges/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("#challenge-private")).to_have_count(0)  # not the institute's to read
    page.get_by_role("link", name="揭榜投标").click()
    page.get_by_label("技术方案").fill("激光熔覆钴基合金涂层，配合超音速火焰喷涂打底，中试线验证。")
    page.get_by_label("团队").fill("赵教授 教授 项目负责人\n钱工 高级工程师 工艺")
    page.get_by_label("里程碑").fill("2023-12-31 完成中试\n2024-06-30 小批量应用")
    page.get_by_label("报价（万元）").fill("65")
    page.get_by_label("引用成果").select_option(label=str(world["coating"]))
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#bid-status")).to_have_text("已投标")
    expect(page.locator("#bid-price")).to_have_text("65.00万元")
    expect(page.get_by_text("阀门密封面激光熔覆钴基耐磨涂层技术")).to_be_visible()
    log_out(page)

    # 4. The bureau closes bidding, assigns three reviewers and opens the review.
    log_in(page, base, "staff")
    challenge_page(page, base, challenge)
    expect(page.locator("#challenge-bids")).to_contain_text("浙江理工大学青田研究院")
    take(page, "截止揭榜", "已截止")
    for name in ("王科员", "李局长", "陈科员"):
        page.locator("select[name=reviewer]").select_option(label=name)
        page.get_by_role("button", name="指派评审人").click()
        expect(page.locator("#challenge-reviewers")).to_contain_text(name)
    take(page, "开始评审", "评审中")
    log_out(page)

    # 5. Each reviewer scores the bid; until then they see no one else's scores.
    for username, scores in SCORES.items():
        log_in(page, base, username)
        challenge_page(page, base, challenge)
        expect(page.locator("#review-hidden")).to_be_visible()
        page.locator("#review-matrix").get_by_role("link", name="评分", exact=True).click()
        fields = page.locator("form input[name^=score_]")
        expect(fields).to_have_count(len(scores))
        for field, score in zip(fields.all(), scores, strict=True):
            field.fill(score)
        page.get_by_label("评审意见").fill("技术路线可行，中试基础扎实。")
        page.get_by_role("button", name="提交评分").click()
        expect(page.locator("#review-hidden")).to_have_count(0)
        log_out(page)

    # 6. The bureau selects the bid, makes it a project and registers its contract.
    log_in(page, base, "staff")
    challenge_page(page, base, challenge)
    expect(page.locator("#review-matrix .bid-total")).to_have_text(TOTAL)
    expect(page.locator("#review-matrix")).to_contain_text("第1名")
    bid_row = page.locator("#challenge-bids tbody tr").filter(has_text="浙江理工大学青田研究院")
    bid_row.get_by_label("说明").fill("总分第一，技术方案成熟，报价在预算内。")
    bid_row.get_by_role("button", name="选定（揭榜成功）").click()
    expect(page.locator("#challenge-status")).to_have_text("揭榜成功")
    expect(bid_row.locator(".bid-selected")).to_have_text("中选")

    bid_row.get_by_role("link", name="浙江理工大学青田研究院").click()
    expect(page.locator("#bid-status")).to_have_text("中选")
    page.get_by_role("button", name="转为项目").click()
    expect(page.locator(".alert").filter(has_text="已立项")).to_be_visible()
    page.locator("#bid-project a").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("#project-status")).to_have_text("已立项")
    expect(page.get_by_text("2023年县揭榜挂帅")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="登记技术合同").click()
    expect(page.get_by_label("合同金额（万元）")).to_have_value("65")
    page.get_by_label("合同登记编号").fill("2023331121000027")
    page.get_by_label("登记日期").fill(TODAY)
    page.get_by_label("合同金额（万元）").fill("65")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#bid-contract")).to_have_text(f"2023331121000027（65.00万元，{TODAY}）")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#challenge-status")).to_have_text("已签约")

    # 7. The dashboard: 技术市场交易额 grew by exactly the contract's 65万元.
    # The work figures show it in 万元 to the cent; the indicator card, in the indicator's
    # 亿元 to two decimals, shows the new total at that precision.
    card_after, figure_after = read_turnover(page, base)
    assert wan(figure_after) - wan(figure_before) == Decimal(65)
    assert figure_after == "185.00万元"
    yuan_after = api_turnover(page, base)
    assert yuan_after - yuan_before == Decimal("650000")
    assert card_after == "0.02亿元"
    assert (yuan_after / 10**8).quantize(Decimal("0.01")) == Decimal("0.02")
    page.locator("#figures-table").scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert errors == []
