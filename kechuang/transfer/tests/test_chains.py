"""Industry chains: the map's JSON (shape, counts, scoping), links and firms kept by staff
with an audit trail, and the refusals of everyone else."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.core.models import AuditEvent, Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.transfer import chains
from kechuang.transfer.choices import ChainStage, Maturity
from kechuang.transfer.models import Achievement, ChainNode, Demand, IndustryChain


def build_chain(cls) -> None:
    """不锈钢新材料 in 青田县: 上游 冶炼 ⊃ 特种合金; 中游 精密铸造; 下游 阀门制造 (empty 下游
    sibling 泵业). ent_a (township A) sits at 阀门制造, ent_b (township B) at 精密铸造."""
    cls.chain = chains.chain_save(
        actor=cls.staff, code="stainless", name="不锈钢新材料", region=cls.county
    )
    node = lambda name, stage, parent=None, **kw: chains.chain_node_save(  # noqa: E731
        actor=cls.staff, chain=cls.chain, name=name, stage=stage, parent=parent, **kw
    )
    cls.smelting = node("冶炼", ChainStage.UPSTREAM, keywords="冶炼 电炉")
    cls.alloy = node("特种合金", ChainStage.UPSTREAM, parent=cls.smelting)
    cls.casting = node("精密铸造", ChainStage.MIDSTREAM)
    cls.valves = node("阀门制造", ChainStage.DOWNSTREAM, keywords="阀门 密封")
    cls.pumps = node("泵业", ChainStage.DOWNSTREAM, sort_order=5)
    chains.chain_node_set_enterprises(actor=cls.staff, node=cls.valves, enterprises=[cls.ent_a])
    chains.chain_node_set_enterprises(actor=cls.staff, node=cls.casting, enterprises=[cls.ent_b])

    def demand(code, firm, node=None, **kw):
        return Demand.objects.create(
            code=code,
            title=f"需求{code}",
            description="耐腐蚀不锈钢阀体",
            enterprise=firm,
            chain=cls.chain,
            node=node,
            **kw,
        )

    cls.d_valve = demand("XQ-001", cls.ent_a, cls.valves)
    cls.d_valve_2 = demand("XQ-002", cls.ent_a, cls.valves)
    cls.d_cast = demand("XQ-003", cls.ent_b, cls.casting)
    cls.d_loose = demand("XQ-004", cls.ent_a)  # on the chain, no link yet

    def achievement(code, node, **kw):
        return Achievement.objects.create(
            code=code,
            title=f"成果{code}",
            abstract="超级双相不锈钢",
            owner_institution=cls.institution,
            region=cls.county,
            chain=cls.chain,
            node=node,
            maturity=Maturity.PILOT,
            **kw,
        )

    cls.a_valve = achievement("CG-001", cls.valves)
    cls.a_alloy = achievement("CG-002", cls.alloy)


def find(tree: dict, **match) -> dict:
    """The first tree item whose keys equal `match` (depth first)."""
    if all(tree.get(k) == v for k, v in match.items()):
        return tree
    for child in tree.get("children", []):
        found = find(child, **match)
        if found:
            return found
    return {}


class ChainTreeTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_chain(cls)

    def test_the_tree_runs_chain_stages_links_and_collapsed_firms(self):
        data = chains.chain_tree(self.chain, self.staff)
        tree = data["tree"]
        self.assertEqual((tree["name"], tree["kind"]), ("不锈钢新材料", "chain"))
        self.assertEqual([s["name"] for s in tree["children"]], ["上游", "中游", "下游"])
        upstream, midstream, downstream = tree["children"]
        self.assertEqual([n["name"] for n in upstream["children"]], ["冶炼"])
        self.assertEqual([n["name"] for n in upstream["children"][0]["children"]], ["特种合金"])
        self.assertEqual([n["name"] for n in downstream["children"]], ["阀门制造", "泵业"])

        valves = downstream["children"][0]
        self.assertEqual(valves["node"], self.valves.pk)
        self.assertEqual(valves["counts"], {"enterprises": 1, "demands": 2, "achievements": 1})
        firms = valves["children"][-1]
        self.assertEqual(firms["kind"], "firms")
        self.assertTrue(firms["collapsed"])
        self.assertEqual(firms["name"], "企业 1 家")
        self.assertEqual([f["name"] for f in firms["children"]], [self.ent_a.name])
        # A link without firms has no firm group.
        self.assertEqual(downstream["children"][1]["children"], [])

        self.assertEqual(
            upstream["counts"], {"nodes": 2, "enterprises": 0, "demands": 0, "achievements": 1}
        )
        self.assertEqual(
            downstream["counts"], {"nodes": 2, "enterprises": 1, "demands": 2, "achievements": 1}
        )
        self.assertEqual(
            data["chain"]["counts"],
            {"nodes": 5, "enterprises": 2, "demands": 4, "achievements": 2},
        )

    def test_each_link_carries_its_firms_demands_and_achievements(self):
        data = chains.chain_tree(self.chain, self.staff)
        valves = data["nodes"][str(self.valves.pk)]
        self.assertEqual(valves["stage_label"], "下游")
        self.assertEqual(valves["keywords"], "阀门 密封")
        self.assertEqual([d["code"] for d in valves["demands"]], ["XQ-001", "XQ-002"])
        self.assertEqual(valves["demands"][0]["enterprise"], self.ent_a.name)
        self.assertEqual(valves["demands"][0]["status"], "已收集")
        self.assertEqual([a["code"] for a in valves["achievements"]], ["CG-001"])
        self.assertEqual(valves["achievements"][0]["owner"], self.institution.name)
        self.assertEqual(valves["achievements"][0]["maturity"], "中试")
        self.assertEqual(valves["enterprises"][0]["township"], "鹤城街道")
        self.assertEqual(data["nodes"][str(self.alloy.pk)]["parent"], self.smelting.pk)
        self.assertEqual([d["code"] for d in data["unplaced"]["demands"]], ["XQ-004"])

    def test_only_what_the_user_may_see_is_counted(self):
        # A township liaison sees only the firms and demands of the township.
        data = chains.chain_tree(self.chain, self.liaison_a)
        self.assertEqual(data["chain"]["counts"]["enterprises"], 1)
        self.assertEqual(data["nodes"][str(self.casting.pk)]["enterprises"], [])
        self.assertEqual(data["nodes"][str(self.casting.pk)]["demands"], [])
        self.assertEqual(data["chain"]["counts"]["demands"], 3)

    def test_the_json_endpoint_serves_the_tree(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("transfer:chain_map_data", args=[self.chain.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        data = response.json()
        self.assertEqual(set(data), {"chain", "tree", "nodes", "unplaced"})
        self.assertEqual(data["tree"]["children"][2]["children"][0]["name"], "阀门制造")
        self.assertIn("不锈钢新材料", response.content.decode())  # not \u-escaped


class ChainPagesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_chain(cls)
        cls.other_county = Region.objects.get(code="331102")
        cls.other_staff = cls.make_user("lishui", Role.STAFF, cls.other_county)
        cls.other_chain = chains.chain_save(
            actor=cls.other_staff, code="lishui-eco", name="生态合成革", region=cls.other_county
        )

    def get(self, user, name, *args, **params):
        self.client.force_login(user)
        return self.client.get(reverse(f"transfer:{name}", args=args), params)

    def test_staff_list_the_chains_of_the_county_with_counts(self):
        response = self.get(self.staff, "chain_list")
        self.assertEqual([c.name for c in response.context["chains"]], ["不锈钢新材料"])
        row = response.context["chains"][0]
        self.assertEqual((row.node_count, row.enterprise_count), (5, 2))
        self.assertEqual((row.demand_count, row.achievement_count), (4, 2))

    def test_another_county_sees_neither_the_list_entry_nor_the_map(self):
        response = self.get(self.other_staff, "chain_list")
        self.assertEqual([c.name for c in response.context["chains"]], ["生态合成革"])
        self.assertEqual(self.get(self.other_staff, "chain_detail", self.chain.pk).status_code, 404)
        self.assertEqual(
            self.get(self.other_staff, "chain_map_data", self.chain.pk).status_code, 404
        )

    def test_the_city_viewer_reads_both_counties_but_has_no_forms(self):
        response = self.get(self.viewer, "chain_list")
        self.assertEqual(len(response.context["chains"]), 2)
        self.assertIsNone(response.context["form"])
        page = self.get(self.viewer, "chain_detail", self.chain.pk)
        self.assertEqual(page.status_code, 200)
        self.assertFalse(page.context["editable"])
        self.assertNotContains(page, 'id="node-form"')
        self.client.force_login(self.viewer)
        response = self.client.post(
            reverse("transfer:chain_detail", args=[self.chain.pk]),
            {"action": "node", "node-name": "抛光", "node-stage": "midstream"},
        )
        self.assertEqual(response.status_code, 403)

    def test_liaisons_read_their_countys_chains_and_change_none(self):
        # A county chain belongs to the county; its townships' liaisons read it.
        self.assertEqual(list(IndustryChain.objects.visible_to(self.liaison_a)), [self.chain])
        self.assertFalse(IndustryChain.objects.editable_by(self.liaison_a).exists())
        self.assertEqual(
            list(self.get(self.liaison_a, "chain_list").context["chains"]), [self.chain]
        )
        page = self.get(self.liaison_a, "chain_detail", self.chain.pk)
        self.assertEqual(page.status_code, 200)
        self.assertFalse(page.context["editable"])

    def test_a_firm_user_reads_but_never_edits_a_chain(self):
        self.assertEqual(
            list(self.get(self.ent_user_a, "chain_list").context["chains"]), [self.chain]
        )
        self.assertEqual(self.get(self.ent_user_a, "chain_detail", self.chain.pk).status_code, 200)
        self.client.force_login(self.ent_user_a)
        response = self.client.post(
            reverse("transfer:chain_detail", args=[self.chain.pk]),
            {"action": "enterprises", "firms-node": self.valves.pk, "firms-enterprises": []},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.post(reverse("transfer:chain_list"), {}).status_code, 403)
        with self.assertRaises(PermissionDenied):
            chains.chain_node_save(
                actor=self.ent_user_a, chain=self.chain, name="抛光", stage="midstream"
            )
        with self.assertRaises(PermissionDenied):
            chains.chain_node_set_enterprises(
                actor=self.ent_user_a, node=self.valves, enterprises=[]
            )
        self.assertEqual(list(self.valves.enterprises.all()), [self.ent_a])

    def test_the_page_renders_the_map_container_and_the_link_table(self):
        response = self.get(self.staff, "chain_detail", self.chain.pk)
        self.assertContains(response, 'id="chain-map"')
        self.assertContains(response, reverse("transfer:chain_map_data", args=[self.chain.pk]))
        self.assertContains(response, "transfer/chain_map.js")
        self.assertEqual(
            [label for label, _ in response.context["stages"]], ["上游", "中游", "下游"]
        )
        self.assertContains(response, "阀门制造")
        self.assertTrue(response.context["editable"])

    def test_staff_create_a_chain(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:chain_list"),
            {"code": "valve", "name": "阀门", "region": self.county.pk, "sort_order": 2},
        )
        chain = IndustryChain.objects.get(code="valve")
        self.assertRedirects(response, reverse("transfer:chain_detail", args=[chain.pk]))
        self.assertEqual(chain.history.latest().history_user, self.staff)

    def test_staff_cannot_create_a_chain_in_another_county(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:chain_list"),
            {"code": "x", "name": "外县", "region": self.other_county.pk, "sort_order": 0},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("region", response.context["form"].errors)
        self.assertFalse(IndustryChain.objects.filter(code="x").exists())


class ChainMaintenanceTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_chain(cls)

    def post(self, data, **params):
        self.client.force_login(self.staff)
        url = reverse("transfer:chain_detail", args=[self.chain.pk])
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        return self.client.post(url, data)

    def test_staff_add_a_link_and_it_is_audited(self):
        response = self.post(
            {
                "action": "node",
                "node-name": "抛光",
                "node-stage": "midstream",
                "node-parent": self.casting.pk,
                "node-keywords": "抛光 表面处理",
            }
        )
        node = ChainNode.objects.get(name="抛光")
        self.assertRedirects(
            response,
            reverse("transfer:chain_detail", args=[self.chain.pk]) + f"?node={node.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(node.parent, self.casting)
        event = AuditEvent.objects.filter(object_id=str(node.pk), action="create").get(
            content_type__model="chainnode"
        )
        self.assertEqual(event.user, self.staff)
        self.assertEqual(event.after["name"], "抛光")

    def test_staff_edit_a_link(self):
        self.post(
            {
                "action": "node",
                "node-name": "阀门及管件制造",
                "node-stage": "downstream",
                "node-keywords": "阀门 管件",
                "node-sort_order": 1,
            },
            node=self.valves.pk,
        )
        self.valves.refresh_from_db()
        self.assertEqual(self.valves.name, "阀门及管件制造")
        record = self.valves.history.first()
        self.assertEqual(record.history_user, self.staff)
        self.assertEqual(record.prev_record.name, "阀门制造")

    def test_link_errors_are_in_chinese(self):
        response = self.post({"action": "node", "node-name": "", "node-stage": "downstream"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("该字段是必填项。", response.context["node_form"].errors["name"])
        response = self.post(
            {
                "action": "node",
                "node-name": "合金冶炼",
                "node-stage": "downstream",
                "node-parent": self.smelting.pk,
            }
        )
        self.assertEqual(response.context["node_form"].errors["stage"], ["位置须与上级环节一致"])
        self.assertFalse(ChainNode.objects.filter(name="合金冶炼").exists())

    def test_a_link_cannot_sit_under_its_own_branch(self):
        with self.assertRaises(ValidationError) as caught:
            chains.chain_node_save(
                actor=self.staff, node=self.smelting, parent=self.alloy, stage="upstream"
            )
        self.assertIn("上级环节不能是该环节自身或其下级环节", caught.exception.messages)

    def test_a_link_of_another_chain_is_no_parent(self):
        other = chains.chain_save(actor=self.staff, code="shoes", name="鞋服", region=self.county)
        with self.assertRaises(ValidationError) as caught:
            chains.chain_node_save(
                actor=self.staff, chain=other, name="鞋底", stage="upstream", parent=self.alloy
            )
        self.assertIn("上级环节必须属于同一产业链", caught.exception.messages)

    def test_staff_place_firms_and_the_change_is_audited(self):
        before = AuditEvent.objects.count()
        response = self.post(
            {
                "action": "enterprises",
                "firms-node": self.valves.pk,
                "firms-enterprises": [self.ent_a.pk, self.ent_b.pk],
            }
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(self.valves.enterprises.all()), {self.ent_a, self.ent_b})
        record = self.valves.history.first()
        self.assertEqual(record.history_user, self.staff)
        self.assertEqual(
            {row.enterprise_id for row in record.enterprises.all()}, {self.ent_a.pk, self.ent_b.pk}
        )
        self.assertGreater(AuditEvent.objects.count(), before)
        event = AuditEvent.objects.filter(content_type__model="chainnode").latest("at")
        self.assertEqual(event.user, self.staff)
        self.assertEqual(event.before["enterprises"], [self.ent_a.name])
        self.assertEqual(set(event.after["enterprises"]), {self.ent_a.name, self.ent_b.name})

        # Taking a firm off the link is recorded too.
        self.post({"action": "enterprises", "firms-node": self.valves.pk})
        self.assertEqual(list(self.valves.enterprises.all()), [])
        latest = self.valves.history.first()
        self.assertEqual(list(latest.enterprises.all()), [])
        self.assertEqual(latest.history_user, self.staff)

    def test_firms_outside_the_chain_region_are_refused(self):
        # A chain kept for township A takes no firm of township B.
        local = chains.chain_save(
            actor=self.staff, code="hecheng", name="鹤城鞋服", region=self.township_a
        )
        node = chains.chain_node_save(actor=self.staff, chain=local, name="制鞋", stage="midstream")
        with self.assertRaises(ValidationError) as caught:
            chains.chain_node_set_enterprises(
                actor=self.staff, node=node, enterprises=[self.ent_a, self.ent_b]
            )
        self.assertIn(self.ent_b.name, caught.exception.message_dict["enterprises"][0])
        self.assertEqual(list(node.enterprises.all()), [])
        # The form never offers it either.
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:chain_detail", args=[local.pk]),
            {"action": "enterprises", "firms-node": node.pk, "firms-enterprises": self.ent_b.pk},
        )
        self.assertIn("不在可选范围内", response.context["firm_form"].errors["enterprises"][0])

    def test_the_edit_link_preselects_the_link_and_its_firms(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            reverse("transfer:chain_detail", args=[self.chain.pk]), {"node": self.valves.pk}
        )
        self.assertEqual(response.context["editing"], self.valves)
        self.assertEqual(response.context["node_form"].initial["name"], "阀门制造")
        self.assertEqual(response.context["firm_form"].initial["enterprises"], [self.ent_a.pk])
