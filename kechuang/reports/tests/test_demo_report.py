"""The report on the demo (the seed's 2023 H1): its text, its layout, a township and another
county. One demo load for the class."""

import io
from pathlib import Path

import docx
from django.core.management import call_command
from django.test import TestCase

from kechuang.core import figures
from kechuang.core.models import Region
from kechuang.demo.services import demo_load
from kechuang.reports import builder, word
from kechuang.reports.layout import BODY_FONT
from kechuang.reports.models import Narrative

# Every figure of the seed report the platform has a figure for, as the seed writes it.
SEED_FIGURES = [  # (figure, the words around it in the report, as the seed writes them)
    ("indicators.tech_dev_expense", "技术开发费3.38亿元"),
    ("indicators.tech_dev_expense.yoy", "同比增长40.01%"),
    ("indicators.tech_dev_ratio", "主营业务收入比重3.38%"),
    ("indicators.mfg_rnd_share", "有研发活动企业占比70.31%"),
    ("indicators.hitech_value_added.yoy", "累计增长11.4%"),
    ("indicators.hitech_va_share", "占规上工业增加值27.21%"),
    ("indicators.hitech_inv_share", "占固定资产投资的2.16%"),
    ("ladder.hnte_candidates", "高新企业培育对象24家"),
    ("ladder.tsme_candidates", "省科技型企业培育对象40家"),
    ("platforms.applied.enterprise_institute", "省级企业研究院申报单位1家"),
    ("platforms.applied.hnte_rnd_centre", "研发中心申报单位3家"),
    ("projects.provincial_demands", "研发攻关需求7项"),
    ("transfer.turnover", "技术市场交易额1.08亿元"),
    ("transfer.demands", "技术需求34项"),
    ("transfer.matched", "匹配成果4项"),
    ("transfer.transferred", "成果转化3项"),
    ("talent.projects.signed.C", "C类项目签约1项"),
    ("talent.projects.intent_unsigned", "意向协议3项"),
    ("support.funds.paid", "兑现科技经费2119.85万元"),
    ("loans.firms", "为6家科技型企业推荐科技贷款"),
    ("loans.recommended", "授信额度共2400.00万元"),
    ("enterprises.plaques.firms", "为18家新认定高新技术企业发放牌匾"),
]
MM = 36000  # EMU per millimetre


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


class DemoReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_load()
        cls.county = Region.objects.get(code="331121")

    def test_the_cli_writes_every_seed_figure_the_platform_has_as_the_seed_writes_it(self):
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "r.docx"
        call_command(
            "report", region="331121", period="2023-06", kind="half-year", output=str(path)
        )
        text = docx_text(path.read_bytes())
        registered = {f.code for f in figures.all_figures()}
        have = [(code, seed) for code, seed in SEED_FIGURES if code in registered]
        self.assertEqual(len(have), len(SEED_FIGURES))  # every app is installed
        for code, seed in have:
            with self.subTest(code=code):
                self.assertIn(seed, text)
        self.assertIn("1-4月，实现规上企业技术开发费3.38亿元，同比增长40.01%", text)

    def test_the_layout_is_gbt_9704(self):
        report = builder.build(self.county, "2023-06", "half-year")
        document = docx.Document(io.BytesIO(word.render(report)))
        section = document.sections[0]
        self.assertEqual(round(section.page_width / MM), 210)
        self.assertEqual(round(section.page_height / MM), 297)
        self.assertEqual(round(section.top_margin / MM), 37)
        self.assertEqual(round(section.left_margin / MM), 28)
        self.assertEqual(round(section.right_margin / MM), 26)
        self.assertEqual(round(section.bottom_margin / MM), 35)
        grid = section._sectPr.find(docx.oxml.ns.qn("w:docGrid"))
        self.assertEqual(grid.get(docx.oxml.ns.qn("w:type")), "lines")
        pitch = int(grid.get(docx.oxml.ns.qn("w:linePitch"))) / 20
        self.assertTrue(28.8 <= pitch <= 29.0, pitch)
        self.assertEqual(int(225 / 25.4 * 72 // pitch), 22)
        for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
            rpr = document.styles[name].element.rPr
            spacing = int(rpr.find(docx.oxml.ns.qn("w:spacing")).get(docx.oxml.ns.qn("w:val")))
            char = 16 + spacing / 20  # condensed in twips
            with self.subTest(style=name):
                self.assertEqual(int(156 / 25.4 * 72 // char), 28)
        expected = {
            "Normal": (BODY_FONT, 16, False),
            "Title": ("方正小标宋简体", 22, False),
            "Heading 1": ("黑体", 16, False),
            "Heading 2": ("楷体_GB2312", 16, False),
            "Heading 3": (BODY_FONT, 16, True),
            "Heading 4": (BODY_FONT, 16, False),
            "Footer": ("宋体", 14, False),
        }
        for name, (font, size, bold) in expected.items():
            with self.subTest(style=name):
                style = document.styles[name]
                fonts = style.element.rPr.find(docx.oxml.ns.qn("w:rFonts"))
                self.assertEqual(fonts.get(docx.oxml.ns.qn("w:eastAsia")), font)
                self.assertEqual(style.font.name, font)
                self.assertEqual(style.font.size.pt, size)
                self.assertEqual(bool(style.font.bold), bold)
        self.assertEqual(document.styles["Title"].paragraph_format.alignment, 1)  # centre
        self.assertTrue(document.settings.odd_and_even_pages_header_footer)
        odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
        self.assertEqual(odd.text, "— 1 —")
        self.assertEqual((odd.alignment, even.alignment), (2, 0))  # right, left
        self.assertEqual(odd.paragraph_format.right_indent.pt, 14)
        self.assertEqual(even.paragraph_format.left_indent.pt, 14)
        self.assertIn("PAGE", odd._p.xml)
        # the number sits 7 mm below the text block: footer line bottom at 35 − 7 − 5 mm
        self.assertEqual(round(section.footer_distance / MM), 23)
        self.assertEqual(document.paragraphs[0].style.name, "Title")

    def test_a_township_and_another_county_get_their_own_figures(self):
        township = Region.objects.get(code="331121001")
        town = builder.build(township, "2023-06", "half-year")
        county = builder.build(self.county, "2023-06", "half-year")
        self.assertTrue(town.title.startswith(township.name))
        code = "commissioners.service_logs"
        expected = figures.get(code).compute(township, figures.Period.parse("2023-06"))
        self.assertIn(figures.get(code).display(expected), docx_text(word.render(town)))
        self.assertNotEqual(
            town.uses[(code, town.period)].value, county.uses[(code, county.period)].value
        )
        other = (
            Region.objects.filter(level="county", code__startswith="3311")
            .exclude(code="331121")
            .order_by("code")
            .first()
        )
        report = builder.build(other, "2023-06", "half-year")
        self.assertTrue(report.title.startswith(f"{other.name}科技局"))
        indicators = next(b for b in report.blocks if "规上企业技术开发费" in b.text)
        own = next(p.figure for p in indicators.pieces if p.figure)
        self.assertEqual(own.value, figures.value(own.code, other, own.period))
        text = docx_text(word.render(report))
        self.assertIn(builder.MISSING, text)  # no funds paid there: left for staff
        hnte = report.uses[("ladder.hnte_candidates", report.period)]
        self.assertEqual(hnte.value, figures.value(hnte.code, other, "2023-06"))
        self.assertNotEqual(hnte.display, "24家")

    def test_the_demo_narrative_of_2023_h1_is_written_and_the_loader_is_idempotent(self):
        count = Narrative.objects.filter(region=self.county, period="2023-06").count()
        self.assertGreater(count, 5)
        from kechuang.core.models import User
        from kechuang.demo.reports import reports_load

        reports_load(User.objects.get(username="admin"))
        self.assertEqual(
            Narrative.objects.filter(region=self.county, period="2023-06").count(), count
        )
        text = builder.build(self.county, "2023-06", "half-year").text
        self.assertIn("产业结构不优", text)
