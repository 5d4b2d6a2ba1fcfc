"""Matching: segmentation of domain terms, the BM25 index, ranking on a small labelled set,
reasons, feedback, and the persisted index being reused or rebuilt."""

import tempfile
from unittest import mock

import numpy as np
from django.test import SimpleTestCase, override_settings

from kechuang.core.tests.cast import CastTestCase
from kechuang.transfer.choices import ChainStage, DemandStatus, MatchStatus, Maturity
from kechuang.transfer.matching import engine, store
from kechuang.transfer.matching.index import BM25Index, Vocabulary
from kechuang.transfer.matching.text import (
    Segmenter,
    corpus_words,
    domain_words,
    title_phrases,
)
from kechuang.transfer.models import (
    Achievement,
    ChainNode,
    Demand,
    IndustryChain,
    Match,
    MatchFeedback,
)

M = Maturity
# (code, title, abstract, field, maturity, chain, node): chain/node are keys of the fixture.
ACHIEVEMENTS = [
    (
        "A01",
        "软磁不锈钢棒材成分设计与固溶处理工艺",
        "面向电磁阀铁芯，优化铬钼含量与固溶处理制度，磁导率提高，矫顽力降低，已中试生产。",
        "新材料",
        M.PILOT,
        "steel",
        "material",
    ),
    (
        "A02",
        "奥氏体不锈钢无缝钢管冷轧工艺",
        "通过冷轧与退火工艺优化，提高奥氏体不锈钢管尺寸精度与表面质量。",
        "新材料",
        M.INDUSTRIAL,
        "steel",
        "tube",
    ),
    (
        "A03",
        "不锈钢表面酸洗钝化清洁生产技术",
        "以无硝酸酸洗钝化替代传统工艺，减少废水排放，提高不锈钢耐腐蚀性能。",
        "资源与环境",
        M.INDUSTRIAL,
        "steel",
        None,
    ),
    (
        "A04",
        "软磁复合材料粉末冶金制备",
        "采用粉末冶金方法制备软磁复合材料，用于电机铁芯，降低铁损。",
        "新材料",
        M.LAB,
        None,
        None,
    ),
    (
        "A05",
        "双相不锈钢阀体精密铸造技术",
        "针对双相不锈钢阀体铸件缩松、裂纹缺陷，优化浇注系统与凝固模拟，提高铸件合格率。",
        "新材料",
        M.PILOT,
        "steel",
        "valve",
    ),
    (
        "A06",
        "超级双相不锈钢耐点蚀成分设计",
        "研究氮含量对超级双相不锈钢点蚀与晶间腐蚀的影响，提出成分设计方案。",
        "新材料",
        M.LAB,
        "steel",
        "material",
    ),
    (
        "A07",
        "阀门电动执行器小型化设计",
        "开发小型化阀门电动执行器，扭矩密度提高，适用于中小口径球阀。",
        "先进制造与自动化",
        M.INDUSTRIAL,
        "valve",
        None,
    ),
    (
        "A08",
        "高压球阀阀座密封结构优化",
        "通过有限元分析优化球阀阀座结构，提高密封性能，降低操作扭矩。",
        "先进制造与自动化",
        M.PILOT,
        "valve",
        None,
    ),
    (
        "A09",
        "蝶阀流量特性数值模拟",
        "建立蝶阀流场数值模拟模型，预测流量系数与流阻。",
        "先进制造与自动化",
        M.LAB,
        "valve",
        None,
    ),
    (
        "A10",
        "基于物联网的智能阀门在线监测与故障诊断系统",
        "在球阀、蝶阀上加装传感器，实现阀门泄漏、卡涩的在线监测、远程监控与故障诊断。",
        "电子信息",
        M.PILOT,
        "valve",
        None,
    ),
    (
        "A11",
        "阀门铸件消失模铸造工艺",
        "采用消失模铸造生产阀门铸件，提高尺寸精度，降低加工余量。",
        "先进制造与自动化",
        M.INDUSTRIAL,
        "valve",
        None,
    ),
    (
        "A12",
        "阀门密封面激光熔覆耐磨涂层技术",
        "在阀门密封面激光熔覆钴基合金涂层，替代传统堆焊，耐磨损、耐腐蚀，泄漏率显著降低。",
        "先进制造与自动化",
        M.PILOT,
        "valve",
        None,
    ),
    (
        "A13",
        "闸阀阀杆表面渗氮处理",
        "对闸阀阀杆进行离子渗氮，提高表面硬度与耐磨性。",
        "先进制造与自动化",
        M.INDUSTRIAL,
        "valve",
        None,
    ),
    (
        "A14",
        "鞋面透气面料开发",
        "采用新型纺织工艺开发透气鞋面面料，提升穿着舒适性。",
        "新材料",
        M.INDUSTRIAL,
        "shoe",
        None,
    ),
    (
        "A15",
        "轻量化高防滑EVA发泡鞋底材料",
        "通过改性EVA发泡配方与防滑纹路设计，实现鞋底材料轻量化，防滑、耐磨性能提高。",
        "新材料",
        M.PILOT,
        "shoe",
        "sole",
    ),
    (
        "A16",
        "鞋业元宇宙展示与个性化定制平台",
        "利用三维扫描与元宇宙技术为鞋服企业搭建线上展示和个性化定制平台。",
        "电子信息",
        M.SMALL_PILOT,
        "shoe",
        None,
    ),
    (
        "A17",
        "热塑性弹性体鞋底注塑成型工艺",
        "采用TPR热塑性弹性体注塑成型鞋底，缩短成型周期，降低能耗。",
        "新材料",
        M.INDUSTRIAL,
        "shoe",
        "sole",
    ),
    (
        "A18",
        "水性胶粘剂在制鞋中的应用",
        "以水性胶替代溶剂型胶粘剂，降低VOC排放，粘接强度满足要求。",
        "资源与环境",
        M.INDUSTRIAL,
        "shoe",
        None,
    ),
    (
        "A19",
        "不锈钢焊管激光焊接技术",
        "采用激光焊接生产不锈钢焊管，焊缝窄、热影响区小，提高焊接速度。",
        "先进制造与自动化",
        M.INDUSTRIAL,
        "steel",
        "tube",
    ),
    (
        "A20",
        "高氮奥氏体不锈钢冶炼技术",
        "采用加压电渣重熔冶炼高氮奥氏体不锈钢，提高强度与耐腐蚀性能。",
        "新材料",
        M.SMALL_PILOT,
        "steel",
        "material",
    ),
    (
        "A21",
        "工业机器人打磨阀门铸件",
        "采用工业机器人与机器视觉自动打磨阀门铸件浇冒口，替代人工。",
        "先进制造与自动化",
        M.PILOT,
        "valve",
        None,
    ),
    (
        "A22",
        "污水处理生物膜技术",
        "针对工业园区废水开发生物膜处理工艺，出水稳定达标。",
        "资源与环境",
        M.INDUSTRIAL,
        None,
        None,
    ),
    (
        "A23",
        "锂电池正极材料制备",
        "开发高镍三元正极材料，提高电池能量密度。",
        "新能源与节能",
        M.PILOT,
        None,
        None,
    ),
    (
        "A24",
        "软磁不锈钢电磁铁芯冷镦成形",
        "研究软磁不锈钢冷镦成形性能，开发电磁铁芯冷镦工艺。",
        "新材料",
        M.LAB,
        "steel",
        "material",
    ),
    (
        "A25",
        "纳米晶软磁合金带材",
        "制备纳米晶软磁合金带材，饱和磁感应强度高，用于高频变压器。",
        "新材料",
        M.LAB,
        None,
        None,
    ),
    (
        "A26",
        "阀门壳体耐压试验自动化检测线",
        "开发阀门壳体耐压试验与密封试验自动化检测线，提高检测效率。",
        "先进制造与自动化",
        M.INDUSTRIAL,
        "valve",
        None,
    ),
    (
        "A27",
        "数控机床精密加工阀体",
        "利用数控机床对阀体进行精密加工，提高加工一致性。",
        "先进制造与自动化",
        M.INDUSTRIAL,
        "valve",
        None,
    ),
    (
        "A28",
        "童鞋抗菌鞋垫材料",
        "采用银离子抗菌剂制备童鞋抗菌鞋垫。",
        "新材料",
        M.INDUSTRIAL,
        "shoe",
        None,
    ),
    (
        "A29",
        "中药提取物质量控制",
        "建立中药提取物指纹图谱质量控制方法。",
        "生物与新医药",
        M.PILOT,
        None,
        None,
    ),
    (
        "A30",
        "大数据驱动的企业能耗管理",
        "采集企业用电数据，建立能耗分析模型，节能降耗。",
        "新能源与节能",
        M.INDUSTRIAL,
        None,
        None,
    ),
]
# (code, title, description, field, chain, node, the relevant achievement)
DEMANDS = [
    (
        "D01",
        "高品质软磁不锈钢开发",
        "我司生产电磁阀，需要磁导率高、矫顽力低的软磁不锈钢棒材，希望优化固溶处理工艺。",
        "新材料",
        "steel",
        "material",
        "A01",
    ),
    (
        "D02",
        "双相不锈钢阀体铸造缺陷控制",
        "双相不锈钢阀体铸件存在缩松与裂纹，合格率低，寻求铸造工艺改进。",
        "新材料",
        "valve",
        None,
        "A05",
    ),
    (
        "D03",
        "智能阀门远程监测",
        "希望为出口球阀、蝶阀加装在线监测功能，实现远程监控和故障诊断。",
        "电子信息",
        "valve",
        None,
        "A10",
    ),
    (
        "D04",
        "鞋底材料轻量化与防滑",
        "运动鞋EVA发泡鞋底偏重，湿地防滑差，需要轻量化、防滑的鞋底材料。",
        "新材料",
        "shoe",
        "sole",
        "A15",
    ),
    (
        "D05",
        "阀门密封面耐磨处理",
        "阀门密封面磨损后泄漏，目前采用堆焊，希望引入激光熔覆等耐磨涂层技术。",
        "先进制造与自动化",
        "valve",
        None,
        "A12",
    ),
]


def make_corpus(case) -> None:
    """The labelled set: three chains, 30 achievements, 5 demands (on a CastTestCase)."""
    case.chains = {
        code: IndustryChain.objects.create(code=code, name=name, region=case.county)
        for code, name in (("steel", "不锈钢新材料"), ("valve", "阀门"), ("shoe", "鞋服"))
    }
    node_specs = {
        "material": ("steel", "特种不锈钢材料", ChainStage.UPSTREAM, "软磁不锈钢 双相不锈钢、冶炼"),
        "tube": ("steel", "不锈钢管材", ChainStage.MIDSTREAM, "无缝钢管 焊管"),
        "valve": ("steel", "阀门用不锈钢铸件", ChainStage.DOWNSTREAM, "阀体铸造 阀门铸件"),
        "sole": ("shoe", "鞋底材料", ChainStage.UPSTREAM, "鞋底材料、注塑、发泡"),
    }
    case.nodes = {
        key: ChainNode.objects.create(
            chain=case.chains[chain], name=name, stage=stage, keywords=keywords
        )
        for key, (chain, name, stage, keywords) in node_specs.items()
    }
    case.achievements = {}
    for code, title, abstract, field, maturity, chain, node in ACHIEVEMENTS:
        case.achievements[code] = Achievement.objects.create(
            code=code,
            title=title,
            abstract=abstract,
            field=field,
            maturity=maturity,
            owner_institution=case.institution,
            region=case.county,
            chain=case.chains.get(chain),
            node=case.nodes.get(node),
        )
    case.demands = {}
    for code, title, description, field, chain, node, _ in DEMANDS:
        case.demands[code] = Demand.objects.create(
            code=code,
            title=title,
            description=description,
            enterprise=case.ent_b if chain == "shoe" else case.ent_a,
            field=field,
            chain=case.chains.get(chain),
            node=case.nodes.get(node),
            status=DemandStatus.PUBLISHED,
        )


class SegmentationTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seg = Segmenter(
            domain_words(["不锈钢新材料", "阀门"], ["特种不锈钢材料 软磁不锈钢、双相不锈钢"])
        )

    def test_domain_terms_stay_whole(self):
        cases = {
            "高品质软磁不锈钢开发": "软磁不锈钢",
            "双相不锈钢阀体铸造缺陷控制": "双相不锈钢",
            "阀体铸造工艺改进": "阀体铸造",
            "奥氏体不锈钢固溶处理": "固溶处理",
            "智能阀门远程运维": "智能阀门",
            "运动鞋鞋底材料注塑": "鞋底材料",
            "鞋服元宇宙展示": "元宇宙",
        }
        for text, term in cases.items():
            with self.subTest(text=text):
                self.assertIn(term, self.seg.tokens(text))

    def test_compounds_also_yield_their_parts_and_stop_words_go(self):
        tokens = self.seg.tokens("本公司希望开发高品质软磁不锈钢的技术")
        self.assertIn("软磁不锈钢", tokens)
        self.assertIn("不锈钢", tokens)
        for stop in ("公司", "希望", "开发", "技术", "的", "本"):
            self.assertNotIn(stop, tokens)

    def test_ascii_is_lowercased_and_numbers_dropped(self):
        tokens = self.seg.tokens("EVA发泡 316L 2023 年")
        self.assertIn("eva", tokens)
        self.assertIn("316l", tokens)
        self.assertNotIn("2023", tokens)

    def test_segmenters_do_not_share_words_or_touch_jieba_default(self):
        import jieba

        word = "青田稀有测试专用词"
        own = Segmenter([word])
        other = Segmenter([])
        self.assertIn(word, own.tokens(f"这是{word}吗"))
        self.assertNotIn(word, other.tokens(f"这是{word}吗"))
        self.assertNotIn(word, jieba.dt.FREQ)

    def test_rare_jieba_words_of_the_corpus_are_added_back(self):
        texts = ["闸阀阀杆离子渗氮处理"]
        rare = corpus_words(texts)
        self.assertIn("渗氮", rare)  # frequency 3 in jieba: not in the trimmed dictionary
        self.assertIn("渗氮", Segmenter(rare).tokens(texts[0]))

    def test_title_phrases_need_two_titles(self):
        phrases = title_phrases(["软磁不锈钢棒材开发", "软磁不锈钢棒材的制备", "阀门执行器研究"])
        self.assertEqual(phrases, ["软磁不锈钢棒材"])


class IndexTests(SimpleTestCase):
    def test_bm25_matches_the_formula_and_weighs_titles(self):
        vocab = Vocabulary()
        titles = [vocab.ids(["阀门"]), vocab.ids(["鞋底"]), vocab.ids([])]
        bodies = [vocab.ids(["密封"]), vocab.ids(["阀门", "注塑"]), vocab.ids(["注塑"])]
        index = BM25Index.build(titles, bodies, len(vocab))
        scores = index.scores(vocab.known(["阀门"]))
        self.assertGreater(scores[0], scores[1])  # in the title (× 3) beats in the text
        self.assertEqual(scores[2], 0)
        n, df = 3, 2
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        lengths = np.array([4.0, 5.0, 1.0])
        tf, dl = 3.0, lengths[0]
        expected = idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / lengths.mean()))
        self.assertAlmostEqual(float(scores[0]), float(expected), places=5)
        weights = index.term_weights(vocab.known(["阀门", "注塑"]), np.array([0, 1, 2]))
        self.assertEqual((weights > 0).tolist(), [[True, True, False], [False, True, True]])
        self.assertEqual(
            index.doc_term_ids(1).tolist(), sorted(vocab.known(["鞋底", "阀门", "注塑"]))
        )

    def test_round_trip_through_arrays(self):
        vocab = Vocabulary()
        index = BM25Index.build([vocab.ids(["a", "b"])], [vocab.ids(["b"])], len(vocab))
        again = BM25Index.from_arrays(index.arrays())
        q = vocab.known(["b"])
        self.assertEqual(index.scores(q).tolist(), again.scores(q).tolist())


class RankingTests(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_corpus(cls)

    def setUp(self):
        self.var = tempfile.TemporaryDirectory()
        self.addCleanup(self.var.cleanup)
        override = override_settings(VAR_DIR=self.var.name)
        override.enable()
        self.addCleanup(override.disable)
        store.forget()
        self.addCleanup(store.forget)

    def codes(self, suggestions):
        return [s["code"] for s in suggestions]

    def test_relevant_achievement_in_top_three_for_each_demand(self):
        for code, *_, relevant in DEMANDS:
            with self.subTest(demand=code):
                top = self.codes(store.suggest_for_demand(self.demands[code], top=3))
                self.assertIn(relevant, top)

    def test_relevant_achievement_first_for_the_text_of_each_demand(self):
        for _, title, description, *_, relevant in DEMANDS:
            with self.subTest(title=title):
                top = self.codes(store.suggest_for_text(f"{title}。{description}", top=3))
                self.assertIn(relevant, top)

    def test_reverse_direction_finds_the_demand(self):
        for code, *_, relevant in DEMANDS:
            with self.subTest(achievement=relevant):
                top = store.suggest_for_achievement(self.achievements[relevant], top=3)
                self.assertIn(code, self.codes(top))

    def test_reasons_are_shown_in_chinese(self):
        first = store.suggest_for_demand(self.demands["D01"], top=1)[0]
        self.assertEqual(first["code"], "A01")
        self.assertIn("软磁不锈钢", first["terms"])
        self.assertNotIn("不锈钢", first["terms"])  # inside a longer matched term
        reasons = first["reasons"]
        self.assertTrue(reasons[0].startswith("关键词匹配："))
        self.assertIn("软磁不锈钢", reasons[0])
        self.assertIn("同属不锈钢新材料产业链", reasons)
        self.assertIn("同一产业链环节：特种不锈钢材料", reasons)
        self.assertIn("技术领域一致：新材料", reasons)
        self.assertIn("成熟度：中试，可直接对接", reasons)
        self.assertEqual(
            set(first),
            {"id", "code", "title", "score", "relevance", "terms", "reasons", "match_status"},
        )
        self.assertEqual(first["id"], self.achievements["A01"].pk)

    def test_maturity_ranks_usable_results_above_lab_results(self):
        twin = dict(
            abstract="一种软磁不锈钢铁芯材料。",
            field="新材料",
            owner_institution=self.institution,
            region=self.county,
        )
        Achievement.objects.create(code="T-LAB", title="软磁不锈钢铁芯", maturity=M.LAB, **twin)
        Achievement.objects.create(
            code="T-IND", title="软磁不锈钢铁芯", maturity=M.INDUSTRIAL, **twin
        )
        codes = self.codes(store.suggest_for_text("软磁不锈钢铁芯", top=10))
        self.assertLess(codes.index("T-IND"), codes.index("T-LAB"))
        lab = next(s for s in store.suggest_for_text("软磁不锈钢铁芯") if s["code"] == "T-LAB")
        self.assertIn("成熟度：实验室，转化周期较长", lab["reasons"])

    def test_rejection_removes_the_suggestion_and_the_next_moves_up(self):
        demand = self.demands["D01"]
        before = self.codes(store.suggest_for_demand(demand, top=5))
        self.assertEqual(before[0], "A01")
        MatchFeedback.objects.create(
            demand=demand, achievement=self.achievements["A01"], reason="not_relevant"
        )
        after = self.codes(store.suggest_for_demand(demand, top=5))
        self.assertNotIn("A01", after)
        self.assertEqual(after[0], before[1])
        # Other demands are not affected.
        self.assertIn("A01", self.codes(store.suggest_for_text("软磁不锈钢固溶处理", top=3)))

    def test_rejection_sinks_near_duplicates_and_too_early_sinks_immature(self):
        demand = self.demands["D01"]
        Achievement.objects.create(
            code="A01B",
            title="软磁不锈钢棒材成分设计与固溶处理工艺改进",
            abstract="面向电磁阀铁芯，优化固溶处理制度。",
            field="新材料",
            maturity=M.PILOT,
            owner_institution=self.institution,
            region=self.county,
        )
        before = {s["code"]: s for s in store.suggest_for_demand(demand, top=10)}
        MatchFeedback.objects.create(
            demand=demand, achievement=self.achievements["A01"], reason="too_early"
        )
        after = {s["code"]: s for s in store.suggest_for_demand(demand, top=10)}
        self.assertLess(after["A01B"]["score"], before["A01B"]["score"])
        self.assertTrue(any("与已否决的 A01" in r for r in after["A01B"]["reasons"]))
        # too early: the lab result A24 sinks as well (no more mature than the rejected pilot).
        self.assertLess(after["A24"]["score"], before["A24"]["score"])
        self.assertTrue(any("成果尚不成熟" in r for r in after["A24"]["reasons"]))

    def test_matched_pairs_are_marked_and_closed_demands_left_out(self):
        demand = self.demands["D02"]
        Match.objects.create(
            demand=demand,
            achievement=self.achievements["A05"],
            status=MatchStatus.CONTACTED,
            recommended_on="2023-03-01",
        )
        first = store.suggest_for_demand(demand, top=1)[0]
        self.assertEqual(first["code"], "A05")
        self.assertEqual(first["match_status"], MatchStatus.CONTACTED)
        self.assertIn("已在对接中（已对接）", first["reasons"])
        Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.CLOSED)
        reverse = self.codes(store.suggest_for_achievement(self.achievements["A05"], top=10))
        self.assertNotIn("D02", reverse)

    def test_allowed_restricts_candidates(self):
        allowed = {self.achievements["A02"].pk, self.achievements["A19"].pk}
        got = store.suggest_for_demand(self.demands["D01"], top=10, allowed=allowed)
        self.assertTrue(set(self.codes(got)) <= {"A02", "A19"})

    def test_index_is_reused_when_unchanged_and_rebuilt_when_changed(self):
        with mock.patch.object(store, "build", wraps=store.build) as build:
            first = store.current()
            self.assertIs(store.current(), first)
            store.forget()  # a new process: loads from disk, does not build
            second = store.current()
            self.assertIsNot(second, first)
            self.assertEqual(second.version, first.version)
            self.assertEqual(build.call_count, 1)
            self.assertEqual(
                self.codes(store.suggest_for_demand(self.demands["D03"])),
                self.codes(
                    engine.rank(
                        first.achievements,
                        engine.Query(
                            term_ids=first.demands.index.doc_term_ids(
                                first.demands.row_of(self.demands["D03"].pk)
                            ),
                            field="电子信息",
                            chain_id=self.chains["valve"].pk,
                        ),
                        first.catalog,
                    )
                ),
            )
            # Feedback and status do not change the index.
            MatchFeedback.objects.create(
                demand=self.demands["D03"], achievement=self.achievements["A10"], reason="cost"
            )
            self.assertIs(store.current(), second)
            self.assertEqual(build.call_count, 1)
            # Changed data does.
            a = self.achievements["A30"]
            a.title = "阀门智能工厂能耗管理"
            a.save()
            third = store.current()
            self.assertNotEqual(third.version, first.version)
            self.assertEqual(build.call_count, 2)
            self.assertIn("A30", self.codes(store.suggest_for_text("阀门能耗管理", top=3)))

    def test_new_chain_keywords_enter_the_dictionary(self):
        ChainNode.objects.create(
            chain=self.chains["valve"],
            name="阀门涂装",
            stage=ChainStage.DOWNSTREAM,
            keywords="粉末静电喷涂",
        )
        self.assertIn("粉末静电喷涂", store.text_terms("阀门外壳粉末静电喷涂"))


class RankTextsTests(SimpleTestCase):
    """`engine.rank_texts`: any app's documents against a query, with the same segmenter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tokens = Segmenter(domain_words([], [])).tokens

    def test_documents_sharing_terms_ranked_with_their_terms(self):
        documents = {
            "tea": "茶叶 茶园病虫害绿色防控 茶叶加工",
            "fish": "稻鱼共生 田鱼养殖",
            "valve": "阀门密封面渗漏检测",
        }
        ranked = engine.rank_texts(self.tokens, "茶园病虫害防治，春茶加工", documents)
        self.assertEqual([r["key"] for r in ranked], ["tea"])
        self.assertIn("病虫害", ranked[0]["terms"])
        self.assertIn("茶园", ranked[0]["terms"])
        self.assertGreater(ranked[0]["score"], 0)

    def test_more_shared_weight_ranks_higher_and_top_cuts(self):
        documents = {1: "杨梅", 2: "杨梅 保鲜 冷链", 3: "蔬菜"}
        ranked = engine.rank_texts(self.tokens, "杨梅采后保鲜", documents)
        self.assertEqual([r["key"] for r in ranked], [2, 1])
        self.assertEqual(len(engine.rank_texts(self.tokens, "杨梅采后保鲜", documents, top=1)), 1)
        self.assertEqual(engine.rank_texts(self.tokens, "", documents), [])
        self.assertEqual(engine.rank_texts(self.tokens, "杨梅", {}), [])

    def test_a_term_most_documents_share_is_ignored(self):
        documents = {
            n: f"{field} 技术指导" for n, field in enumerate(("茶叶", "杨梅", "蔬菜", "油茶"))
        }
        ranked = engine.rank_texts(self.tokens, "阀门渗漏检测指导", documents)
        self.assertEqual(ranked, [])
        ranked = engine.rank_texts(self.tokens, "杨梅种植指导", documents)
        self.assertEqual([(r["key"], r["terms"]) for r in ranked], [(1, ["杨梅"])])
        # Too few documents to call a term common: it still matches.
        few = {0: "茶叶 技术指导", 1: "杨梅 技术指导"}
        self.assertEqual(len(engine.rank_texts(self.tokens, "指导", few)), 2)
