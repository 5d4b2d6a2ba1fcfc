"""Excel specs of technology transfer: demands, achievements and contracts (template, import,
export). Demands and achievements are keyed on 编号, contracts on 登记编号."""

from kechuang.core import concurrency, excel
from kechuang.core.choices import RegionLevel
from kechuang.core.excel import Column, SheetSpec
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.scoping import is_bureau
from kechuang.enterprises.forms.pool import build_lookup
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer import selectors, services
from kechuang.transfer.filters import AchievementFilter, ContractFilter, DemandFilter
from kechuang.transfer.forms import (
    AchievementImportForm,
    ContractImportForm,
    DemandImportForm,
    wan_text,
)
from kechuang.transfer.models import Achievement, ChainNode, Demand, TechContract
from kechuang.transfer.services import may_post_achievement, may_post_demand


def _data(form, names) -> dict:
    return {name: form.cleaned_data.get(name) for name in names if name in form.cleaned_data}


def _upsert(model, key: str, form, data: dict, write):
    """Updates the stored row of the form's key or creates it; a row another import has
    just created under the same key is updated instead of failing on the unique index."""
    if form.instance.pk:
        return write(model.objects.get(pk=form.instance.pk))
    value = (data.get(key) or "").strip()
    return concurrency.upsert(lambda: model.objects.filter(**{key: value}).first(), write)


def _chain_lookup(user) -> dict:
    return build_lookup(selectors.chains_for(user), "code", "name")


def _node_lookup(user) -> dict:
    nodes = list(
        ChainNode.objects.filter(chain__in=selectors.chains_for(user)).select_related("chain")
    )
    lookup = build_lookup(nodes, "name")
    for node in nodes:
        lookup[f"{node.chain.name}·{node.name}"] = node
    return lookup


class DemandSheet(SheetSpec):
    kind = "demands"
    title = "技术需求"
    model = Demand
    form_class = DemandImportForm
    key_field = "code"
    filterset_class = DemandFilter
    list_url = "transfer:demand_list"
    columns = [
        Column("编号", "code", lambda d: d.code, required=True, width=14, note="用于匹配已有需求"),
        Column("名称", "title", lambda d: d.title, required=True, width=30),
        Column("描述", "description", lambda d: d.description, required=True, width=60),
        Column(
            "企业统一社会信用代码",
            "enterprise",
            lambda d: d.enterprise.credit_code,
            required=True,
            width=24,
        ),
        Column("产业链", "chain", lambda d: d.chain.name if d.chain else "", width=14),
        Column("技术领域", "field", lambda d: d.get_field_display(), width=16),
        Column("预算(万元)", "budget", lambda d: wan_text(d.budget), width=12),
        Column(
            "产业链环节",
            "node",
            lambda d: d.node.name if d.node else "",
            width=16,
            note="环节名称；重名时写“产业链·环节”",
        ),
        Column(
            "状态",
            "status",
            lambda d: d.get_status_display(),
            width=10,
            note="新增时为空即“已收集”；已有需求的状态请在页面上变更",
        ),
        Column("来源", "source", lambda d: d.get_source_display(), width=10),
        Column(
            "期望完成日期",
            "deadline",
            lambda d: d.deadline.isoformat() if d.deadline else "",
            width=14,
        ),
    ]

    def queryset(self, user):
        return selectors.demand_list(user)

    def can_import(self, user) -> bool:
        return may_post_demand(user)

    def label(self, data):
        return data.get("title", "")

    def form_kwargs(self, user):
        firms = Enterprise.objects.editable_by(user) if may_post_demand(user) else []
        return {
            "lookups": {
                "enterprise": build_lookup(firms, "credit_code"),
                "chain": _chain_lookup(user),
                "node": _node_lookup(user),
            }
        }

    def existing(self, keys, context):
        found = Demand.objects.filter(code__in=keys).select_related("enterprise", "chain", "node")
        return {d.code: d for d in found}

    def form_data(self, data, instance, positions):
        filled = dict(data)
        if instance is None:
            return filled
        current = {
            "enterprise": instance.enterprise.credit_code,
            "chain": instance.chain.code if instance.chain else "",
            "node": f"{instance.node.chain.name}·{instance.node.name}" if instance.node else "",
            "field": instance.field,
            "budget": wan_text(instance.budget) or "",
            "status": instance.status,
            "source": instance.source,
            "deadline": instance.deadline.isoformat() if instance.deadline else "",
        }
        for name, value in current.items():
            if name not in positions:
                filled[name] = value
        return filled

    def check_permission(self, form, user):
        stored = form.instance
        status = form.cleaned_data.get("status")
        if stored.pk and status != Demand.objects.get(pk=stored.pk).status:
            return "已有需求的状态请在需求页面上变更"
        firm = form.cleaned_data.get("enterprise")
        if (
            firm is not None
            and not Enterprise.objects.editable_by(user).filter(pk=firm.pk).exists()
        ):
            return f"无权为{firm}登记技术需求"
        return None

    def save(self, form, user):
        data = _data(form, services.DEMAND_FIELDS)
        status = form.cleaned_data["status"]

        def write(found):
            if found is not None:
                return services.demand_save(actor=user, demand=found, **data)
            return services.demand_save(actor=user, status=status, **data)

        return _upsert(Demand, "code", form, data, write)


class AchievementSheet(SheetSpec):
    kind = "achievements"
    title = "科技成果"
    model = Achievement
    form_class = AchievementImportForm
    key_field = "code"
    filterset_class = AchievementFilter
    list_url = "transfer:achievement_list"
    columns = [
        Column("编号", "code", lambda a: a.code, required=True, width=14, note="用于匹配已有成果"),
        Column("名称", "title", lambda a: a.title, required=True, width=30),
        Column("描述", "abstract", lambda a: a.abstract, required=True, width=60),
        Column(
            "完成单位",
            "owner",
            lambda a: a.owner.name if a.owner else "",
            required=True,
            width=28,
            note="已登记院所的全称或简称，或企业全称、统一社会信用代码",
        ),
        Column("技术领域", "field", lambda a: a.get_field_display(), width=16),
        Column(
            "成熟度",
            "maturity",
            lambda a: a.get_maturity_display(),
            required=True,
            width=10,
            note="实验室 / 小试 / 中试 / 产业化",
        ),
        Column("TRL", "trl", lambda a: a.trl, width=6, note="技术就绪度 1–9"),
        Column("相关专利", "patents", lambda a: a.patents, width=24),
        Column(
            "转化方式",
            "transfer_mode",
            lambda a: a.get_transfer_mode_display(),
            width=10,
            note="转让 / 许可 / 合作开发 / 技术服务",
        ),
        Column("联系人", "contact_person", lambda a: a.contact_person, width=10),
        Column("联系电话", "contact_phone", lambda a: a.contact_phone, width=16),
        Column(
            "登记区域",
            "region",
            lambda a: a.region.code,
            width=10,
            note="区划代码或名称；为空时取导入人所在县或完成单位所在区域",
        ),
        Column("产业链", "chain", lambda a: a.chain.name if a.chain else "", width=14),
    ]
    masked_fields = {"contact_person": mask_name, "contact_phone": mask_phone}

    def queryset(self, user):
        return selectors.achievement_list(user)

    def may_see_contacts(self, user, obj) -> bool:
        return (
            super().may_see_contacts(user, obj)
            or (user.institution_id and user.institution_id == obj.owner_institution_id)
            or (user.enterprise_id and user.enterprise_id == obj.owner_enterprise_id)
        )

    def can_import(self, user) -> bool:
        return may_post_achievement(user)

    def label(self, data):
        return data.get("title", "")

    def form_kwargs(self, user):
        institutions, firms = [], []
        if is_bureau(user):
            institutions = list(Institution.objects.visible_to(user))
            firms = list(Enterprise.objects.visible_to(user))
        elif user.institution_id:
            institutions = [user.institution]
        elif user.enterprise_id:
            firms = [user.enterprise]
        lookup = build_lookup(firms, "name", "credit_code")
        for text, owner in build_lookup(institutions, "name", "short_name", "credit_code").items():
            lookup[text] = "ambiguous" if lookup.get(text, owner) is not owner else owner
        region = user.region if user.region and user.region.level == RegionLevel.COUNTY else None
        return {
            "lookups": {"owner": lookup, "chain": _chain_lookup(user)},
            "default_region": region,
        }

    def existing(self, keys, context):
        found = Achievement.objects.filter(code__in=keys).select_related(
            "owner_institution", "owner_enterprise", "region", "chain"
        )
        return {a.code: a for a in found}

    def form_data(self, data, instance, positions):
        filled = dict(data)
        if instance is None:
            return filled
        current = {
            "owner": instance.owner.name if instance.owner else "",
            "field": instance.field,
            "maturity": instance.maturity,
            "trl": instance.trl if instance.trl is not None else "",
            "patents": instance.patents,
            "transfer_mode": instance.transfer_mode,
            "contact_person": instance.contact_person,
            "contact_phone": instance.contact_phone,
            "region": instance.region.code,
            "chain": instance.chain.code if instance.chain else "",
        }
        for name, value in current.items():
            if name not in positions:
                filled[name] = value
        return filled

    def check_permission(self, form, user):
        from kechuang.core.scoping import can_write_region

        if is_bureau(user) and not user.is_superuser:
            region = form.cleaned_data.get("region")
            if not can_write_region(user, region):
                return f"无权在{region}登记科技成果"
        return None

    def save(self, form, user):
        names = [n for n in services.ACHIEVEMENT_FIELDS if n not in ("node",)]
        data = _data(form, names)

        def write(found):
            return services.achievement_save(actor=user, achievement=found, **data)

        return _upsert(Achievement, "code", form, data, write)


class ContractSheet(SheetSpec):
    kind = "contracts"
    title = "技术合同"
    model = TechContract
    form_class = ContractImportForm
    key_field = "number"
    filterset_class = ContractFilter
    list_url = "transfer:contract_list"
    columns = [
        Column("登记编号", "number", lambda c: c.number, required=True, width=20),
        Column("合同名称", "title", lambda c: c.title, required=True, width=30),
        Column(
            "类型",
            "kind",
            lambda c: c.get_kind_display(),
            required=True,
            width=10,
            note="技术开发 / 技术转让 / 技术许可 / 技术咨询 / 技术服务",
        ),
        Column("买方", "buyer_name", lambda c: c.buyer_name, required=True, width=24),
        Column("卖方", "seller_name", lambda c: c.seller_name, required=True, width=24),
        Column("合同金额(万元)", "amount", lambda c: wan_text(c.amount), required=True, width=12),
        Column(
            "技术交易额(万元)",
            "turnover",
            lambda c: wan_text(c.turnover),
            required=True,
            width=12,
            note="合同金额减去设备、材料等非技术性费用，不超过合同金额",
        ),
        Column(
            "登记日期",
            "registered_on",
            lambda c: c.registered_on.isoformat(),
            required=True,
            width=12,
        ),
        Column(
            "方向",
            "direction",
            lambda c: c.get_direction_display(),
            required=True,
            width=8,
            note="输出 / 吸纳",
        ),
        Column(
            "计入区域",
            "region",
            lambda c: c.region.code,
            required=True,
            width=10,
            note="县（市、区）代码或名称，如 331121",
        ),
        Column("来源需求编号", "demand", lambda c: c.demand.code if c.demand else "", width=14),
        Column(
            "来源成果编号",
            "achievement",
            lambda c: c.achievement.code if c.achievement else "",
            width=14,
        ),
    ]

    def queryset(self, user):
        return selectors.contract_list(user).select_related("demand", "achievement")

    def can_import(self, user) -> bool:
        return services.may_register_contracts(user)

    def label(self, data):
        return data.get("title", "")

    def form_kwargs(self, user):
        return {
            "lookups": {
                "demand": build_lookup(Demand.objects.visible_to(user).only("code"), "code"),
                "achievement": build_lookup(
                    Achievement.objects.visible_to(user).only("code"), "code"
                ),
            }
        }

    def existing(self, keys, context):
        found = TechContract.objects.filter(number__in=keys).select_related(
            "region", "demand", "achievement"
        )
        return {c.number: c for c in found}

    def form_data(self, data, instance, positions):
        filled = dict(data)
        if instance is None:
            return filled
        current = {
            "demand": instance.demand.code if instance.demand else "",
            "achievement": instance.achievement.code if instance.achievement else "",
        }
        for name, value in current.items():
            if name not in positions:
                filled[name] = value
        return filled

    def check_permission(self, form, user):
        from kechuang.core.scoping import can_write_region

        region = form.cleaned_data.get("region")
        if not can_write_region(user, region):
            return f"无权登记计入{region}的技术合同"
        return None

    def save(self, form, user):
        names = [n for n in ContractImportForm.Meta.fields]
        data = _data(form, names)

        def write(found):
            return services.contract_save(actor=user, contract=found, **data)

        return _upsert(TechContract, "number", form, data, write)


DEMAND_SHEET = excel.register(DemandSheet())
ACHIEVEMENT_SHEET = excel.register(AchievementSheet())
CONTRACT_SHEET = excel.register(ContractSheet())
