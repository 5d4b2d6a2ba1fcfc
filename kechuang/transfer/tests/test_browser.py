"""Technology transfer in a real browser: the industry-chain map draws and drills into a link;
a suggested achievement is accepted on a demand's page and moves along the match pipeline.

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
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.services import institution_create
from kechuang.transfer import chains
from kechuang.transfer.choices import ChainStage, MatchStatus, Maturity
from kechuang.transfer.models import Achievement, Demand, Match

PASSWORD = "Kc-transfer-2023!"
SCREENSHOT = "/tmp/kechuang-chain-map.png"

# No skip when Chromium is missing: `make test` installs it, and a silent skip would hide it.
# Marked transactional so pytest-django runs them after the ordinary tests: their flush
# empties the migrated reference data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def credit_code(serial: str) -> str:
    first17 = "91331121" + serial
    return first17 + uscc_check_char(first17)


@pytest.fixture
def world(transactional_db):
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
    staff = user_create(
        actor=admin, username="staff", password=PASSWORD, role=Role.STAFF, region=county
    )
    firms = {}
    for key, serial, name, township in [
        ("valve", "MA2B3C4D5", "瓯江阀门制造有限公司", hecheng),
        ("steel", "MA2B3C4D6", "青山特钢材料有限公司", wenxi),
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
    institute = institution_create(
        actor=admin,
        name="北京科技大学青田新材料研究院",
        kind=InstitutionKind.NEW_RND_INSTITUTE,
        region=county,
        location="青田县",
    )
    chain = chains.chain_save(actor=staff, code="stainless", name="不锈钢新材料", region=county)
    smelting = chains.chain_node_save(
        actor=staff, chain=chain, name="冶炼", stage=ChainStage.UPSTREAM, keywords="冶炼 双相钢"
    )
    casting = chains.chain_node_save(
        actor=staff, chain=chain, name="精密铸造", stage=ChainStage.MIDSTREAM
    )
    valves = chains.chain_node_save(
        actor=staff, chain=chain, name="阀门制造", stage=ChainStage.DOWNSTREAM, keywords="阀门"
    )
    chains.chain_node_set_enterprises(actor=staff, node=valves, enterprises=[firms["valve"]])
    chains.chain_node_set_enterprises(actor=staff, node=smelting, enterprises=[firms["steel"]])
    demand = Demand.objects.create(
        code="XQ-2023-001",
        title="阀门密封面激光熔覆耐磨涂层",
        description="高温高压阀门密封面磨损快，需要激光熔覆耐磨涂层工艺，提高密封面硬度和耐腐蚀性。",
        enterprise=firms["valve"],
        chain=chain,
        node=valves,
    )
    Demand.objects.create(
        code="XQ-2023-002",
        title="超级双相不锈钢冶炼夹杂物控制",
        description="双相不锈钢电炉冶炼中氧化物夹杂偏多，需要精炼工艺优化。",
        enterprise=firms["steel"],
        chain=chain,
        node=smelting,
    )
    fitting = Achievement.objects.create(
        code="CG-2023-001",
        title="阀门密封面激光熔覆耐磨涂层技术",
        abstract="采用激光熔覆在阀门密封面制备钴基耐磨涂层，硬度高、耐腐蚀，已中试验证。",
        owner_institution=institute,
        region=county,
        chain=chain,
        node=valves,
        maturity=Maturity.PILOT,
    )
    for code, title, abstract in [
        ("CG-2023-002", "鞋底发泡材料配方", "一种轻量高回弹鞋底发泡材料及其制备方法。"),
        ("CG-2023-003", "软磁合金薄带退火工艺", "铁基软磁合金薄带的连续退火工艺。"),
    ]:
        Achievement.objects.create(
            code=code, title=title, abstract=abstract, owner_institution=institute, region=county
        )
    return {
        "chain": chain,
        "valves": valves,
        "casting": casting,
        "demand": demand,
        "fitting": fitting,
        "firms": firms,
    }


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


# Where ECharts drew a tree item, in page pixels (the chart's own layout, after roam/zoom).
ITEM_POSITION = """(name) => {
  const box = document.getElementById('chain-map');
  const chart = echarts.getInstanceByDom(box);
  const data = chart.getModel().getSeriesByIndex(0).getData();
  const rect = box.getBoundingClientRect();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) !== name) continue;
    const el = data.getItemGraphicEl(i);
    if (!el) return null;
    const [x, y] = el.transformCoordToGlobal(0, 0);
    return {x: rect.left + x, y: rect.top + y};
  }
  return null;
}"""

IS_EXPANDED = """(name) => {
  const chart = echarts.getInstanceByDom(document.getElementById('chain-map'));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) === name) return data.tree.getNodeByDataIndex(i).isExpand;
  }
  return null;
}"""


def click_item(page, name: str) -> None:
    point = page.evaluate(ITEM_POSITION, name)
    assert point is not None, f"图谱中没有“{name}”"
    page.mouse.click(point["x"], point["y"])


def test_the_chain_map_draws_and_drills_into_a_link(world, live_server, page):
    from playwright.sync_api import expect

    errors = watch_errors(page)
    base = live_server.url
    log_in(page, base, "staff")
    page.goto(f"{base}/transfer/chains/")
    expect(page.locator("#chain-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="不锈钢新材料").click()
    expect(page.get_by_role("heading", name="不锈钢新材料产业链")).to_be_visible()

    chart = page.locator("#chain-map")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    # The panel opens on the chain's totals.
    expect(page.locator("#node-panel-title")).to_have_text("不锈钢新材料")
    expect(page.locator("#node-panel-body")).to_contain_text("技术需求 2 项")
    page.wait_for_timeout(700)  # let the tree's entry animation finish before clicking it
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Drilling into 阀门制造 shows its firm, demand and achievement.
    click_item(page, "阀门制造")
    expect(page.locator("#node-panel-title")).to_have_text("下游 · 阀门制造")
    expect(page.locator("#node-enterprises")).to_contain_text("瓯江阀门制造有限公司")
    expect(page.locator("#node-demands")).to_contain_text("XQ-2023-001")
    expect(page.locator("#node-achievements")).to_contain_text("CG-2023-001")
    expect(page.locator("#node-achievements")).to_contain_text("北京科技大学青田新材料研究院")
    expect(page.locator("#node-demands")).not_to_contain_text("XQ-2023-002")

    # Firms start collapsed under their link and open on a click.
    assert page.evaluate(IS_EXPANDED, "企业 1 家") is False
    page.wait_for_timeout(500)
    click_item(page, "企业 1 家")
    page.wait_for_function(f"({IS_EXPANDED})('企业 1 家') === true")

    # Another link: its own details replace the first.
    page.wait_for_timeout(500)
    click_item(page, "冶炼")
    expect(page.locator("#node-panel-title")).to_have_text("上游 · 冶炼")
    expect(page.locator("#node-demands")).to_contain_text("XQ-2023-002")
    expect(page.locator("#node-enterprises")).to_contain_text("青山特钢材料有限公司")

    # The panel links on to the link's forms; the firm is preselected there.
    page.get_by_role("link", name="编辑环节 / 分配企业").click()
    expect(page.locator("#id_node-name")).to_have_value("冶炼")
    page.wait_for_load_state("networkidle")
    assert errors == []


def test_staff_accept_a_suggestion_and_move_it_along_the_pipeline(world, live_server, page):
    from playwright.sync_api import expect

    errors = watch_errors(page)
    base = live_server.url
    demand, fitting = world["demand"], world["fitting"]
    log_in(page, base, "staff")

    page.goto(f"{base}/transfer/demands/{demand.pk}/")
    expect(page.get_by_role("heading", name=demand.title)).to_be_visible()
    row = page.locator(f"#suggestion-{fitting.pk}")
    expect(row).to_be_visible()
    expect(row.locator(".match-term").first).to_be_visible()  # the matched terms are shown
    # The relevant achievement is the best suggestion.
    expect(page.locator("#demand-suggestions tbody tr.suggestion").first).to_have_id(
        f"suggestion-{fitting.pk}"
    )
    row.get_by_role("button", name="采纳", exact=True).click()
    expect(page.locator(f"#suggestion-{fitting.pk}")).to_contain_text("已采纳")
    match = Match.objects.get(demand=demand, achievement=fitting)
    assert match.status == MatchStatus.RECOMMENDED
    assert match.accepted_by.username == "staff"
    assert match.terms  # the reasons travel with the match

    page.goto(f"{base}/transfer/matches/")
    card = page.locator(f"#column-recommended #match-{match.pk}")
    expect(card).to_contain_text(demand.title)
    card.get_by_role("button", name=MatchStatus.CONTACTED.label).click()
    expect(page.locator(f"#column-contacted #match-{match.pk}")).to_be_visible()
    expect(page.locator(f"#column-recommended #match-{match.pk}")).to_have_count(0)
    match.refresh_from_db()
    assert match.status == MatchStatus.CONTACTED
    assert match.contacted_on is not None

    # The demand's page now lists the match in its progress table.
    page.goto(f"{base}/transfer/demands/{demand.pk}/")
    expect(page.locator("#demand-matches")).to_contain_text(fitting.title)
    expect(page.locator("#demand-matches")).to_contain_text(MatchStatus.CONTACTED.label)
    page.wait_for_load_state("networkidle")
    assert errors == []
