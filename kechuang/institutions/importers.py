"""Excel spec of the institutions: template, import, export."""

from kechuang.core import concurrency
from kechuang.core.excel import Column, SheetSpec, register
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.institutions import services
from kechuang.institutions.filters import InstitutionFilter
from kechuang.institutions.forms import InstitutionImportForm
from kechuang.institutions.models import Institution


class InstitutionSheet(SheetSpec):
    kind = "institutions"
    title = "院所"
    model = Institution
    form_class = InstitutionImportForm
    key_field = "name"
    filterset_class = InstitutionFilter
    list_url = "institutions:institution_list"
    columns = [
        Column(
            "名称",
            "name",
            lambda i: i.name,
            required=True,
            width=32,
            note="院所全称；用于匹配已有记录",
        ),
        Column("简称", "short_name", lambda i: i.short_name, width=14),
        Column(
            "类型",
            "kind",
            lambda i: i.get_kind_display(),
            required=True,
            width=14,
            note="高等院校 / 科研院所 / 新型研发机构 / 医疗机构 / 科技服务机构 / 其他",
        ),
        Column("统一社会信用代码", "credit_code", lambda i: i.credit_code, width=24),
        Column(
            "登记区域",
            "region",
            lambda i: i.region.code,
            required=True,
            width=12,
            note="区划代码或名称，如 331121 或 青田县",
        ),
        Column("所在地", "location", lambda i: i.location, width=14, note="如 北京市"),
        Column("地址", "address", lambda i: i.address, width=30),
        Column("联系人", "contact_person", lambda i: i.contact_person, width=10),
        Column("联系电话", "contact_phone", lambda i: i.contact_phone, width=16),
        Column("网址", "website", lambda i: i.website, width=24),
        Column("简介", "description", lambda i: i.description, width=40),
    ]

    masked_fields = {"contact_person": mask_name, "contact_phone": mask_phone}

    def may_see_contacts(self, user, obj) -> bool:
        return super().may_see_contacts(user, obj) or user.institution_id == obj.pk

    def queryset(self, user):
        return Institution.objects.visible_to(user).select_related("region")

    def check_permission(self, form, user):
        from kechuang.core.scoping import can_write_region

        region = form.cleaned_data.get("region")
        if not can_write_region(user, region):
            return f"无权在{region}登记院所"
        return None

    def save(self, form, user):
        data = {name: form.cleaned_data[name] for name in form.fields}

        def write(found):
            if found is not None:
                return services.institution_update(actor=user, institution=found, **data)
            return services.institution_create(actor=user, **data)

        if form.instance.pk:
            return write(form.instance)
        # Another import may register the same institution meanwhile: then update that row.
        return concurrency.upsert(
            lambda: Institution.objects.filter(name=data["name"]).first(), write
        )


register(InstitutionSheet())
