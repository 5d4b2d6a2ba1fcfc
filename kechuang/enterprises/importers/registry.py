"""Excel spec of the enterprise registry: template, import, export."""

from kechuang.core import concurrency
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.excel import Column, SheetSpec, region_lookup, register, yes_no
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.scoping import can_write_region, is_bureau
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises import services
from kechuang.enterprises.filters import EnterpriseFilter
from kechuang.enterprises.forms import EnterpriseImportForm
from kechuang.enterprises.models import Enterprise


def _date(value):
    return value.isoformat() if value else ""


class EnterpriseSheet(SheetSpec):
    kind = "enterprises"
    title = "企业库"
    model = Enterprise
    form_class = EnterpriseImportForm
    key_field = "credit_code"
    filterset_class = EnterpriseFilter
    list_url = "enterprises:enterprise_list"
    columns = [
        Column(
            "统一社会信用代码",
            "credit_code",
            lambda e: e.credit_code,
            required=True,
            width=24,
            note="18位，按 GB 32100-2015 校验；用于匹配已有企业",
        ),
        Column("企业名称", "name", lambda e: e.name, required=True, width=36),
        Column(
            "所属乡镇（街道）",
            "township",
            lambda e: e.township.name,
            required=True,
            width=14,
            note="乡镇（街道）名称或9位统计用区划代码",
        ),
        Column(
            "行业代码",
            "industry_division",
            lambda e: e.industry_division,
            required=True,
            width=10,
            note="GB/T 4754-2017 两位大类代码，如 33；门类与是否制造业自动确定",
        ),
        Column("规模以上", "above_scale", lambda e: yes_no(e.above_scale), width=10, note="是/否"),
        Column("有研发活动", "rnd_active", lambda e: yes_no(e.rnd_active), width=10, note="是/否"),
        Column(
            "成立日期", "founded_on", lambda e: _date(e.founded_on), width=12, note="如 2019-03-15"
        ),
        Column(
            "投产日期", "production_started_on", lambda e: _date(e.production_started_on), width=12
        ),
        Column("地址", "address", lambda e: e.address, width=36),
        Column("联系人", "contact_person", lambda e: e.contact_person, width=10),
        Column("联系电话", "contact_phone", lambda e: e.contact_phone, width=16),
        Column(
            "状态",
            "status",
            lambda e: e.get_status_display(),
            required=True,
            width=8,
            note="在营 / 迁出 / 注销",
        ),
    ]

    masked_fields = {"contact_person": mask_name, "contact_phone": mask_phone}
    bulk = True

    def queryset(self, user):
        return Enterprise.objects.visible_to(user).select_related("township")

    def existing(self, keys, context):
        # Townships from the file's look-up table, not joined again for every firm.
        townships = {r.pk: r for r in context["townships"].values()}
        found = {}
        for enterprise in Enterprise.objects.filter(credit_code__in=keys):
            if enterprise.township_id in townships:
                Enterprise.township.field.set_cached_value(
                    enterprise, townships[enterprise.township_id]
                )
            found[enterprise.credit_code] = enterprise
        return found

    def normalize_key(self, value: str) -> str:
        return normalize_credit_code(value)

    def label(self, data):
        return data.get("name", "")

    def form_kwargs(self, user):
        return {"townships": region_lookup(RegionLevel.TOWNSHIP)}

    def can_import(self, user) -> bool:
        return is_bureau(user) or user.role == Role.LIAISON

    def check_permission(self, form, user):
        township = form.cleaned_data.get("township")
        if not can_write_region(user, township):
            return f"无权在{township}登记企业"
        return None

    def save(self, form, user):
        data = {name: form.cleaned_data[name] for name in form.fields}

        def write(found):
            if found is not None:
                return services.enterprise_update(actor=user, enterprise=found, **data)
            return services.enterprise_create(actor=user, **data)

        if form.instance.pk:
            return write(form.instance)
        # Another import may register the same credit code meanwhile: then update that row.
        code = data["credit_code"].strip().upper()
        return concurrency.upsert(
            lambda: Enterprise.objects.filter(credit_code=code).first(), write
        )

    def save_bulk(self, outcomes, user, batch):
        services.enterprises_import(actor=user, outcomes=outcomes, batch=batch)


register(EnterpriseSheet())
