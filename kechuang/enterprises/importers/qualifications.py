"""Excel spec of qualifications, shaped like the published lists (公示名单).

Each row is matched to a registered firm by credit code, else by exact name; the record is
the firm's qualification of that tier and year (the row's key), so re-importing a list
changes nothing. Extra columns (序号 …) are ignored.
"""

from collections import defaultdict

from kechuang.core.excel import Column, SheetSpec, register
from kechuang.enterprises.choices import QualificationSource
from kechuang.enterprises.forms.qualifications import (
    ImportLookup,
    QualificationFilter,
    QualificationImportForm,
)
from kechuang.enterprises.models import Enterprise, Qualification
from kechuang.enterprises.selectors import qualifications as selectors
from kechuang.enterprises.services.qualifications import qualification_save


def _date(value):
    return value.isoformat() if value else ""


class QualificationSheet(SheetSpec):
    kind = "qualifications"
    title = "企业资质"
    model = Qualification
    form_class = QualificationImportForm
    key_field = "name"
    filterset_class = QualificationFilter
    list_url = "enterprises:qualification_list"
    columns = [
        Column(
            "企业名称",
            "name",
            lambda q: q.enterprise.name,
            required=True,
            width=36,
            note="未填信用代码时按名称精确匹配已登记企业",
        ),
        Column(
            "统一社会信用代码",
            "credit_code",
            lambda q: q.enterprise.credit_code,
            width=24,
            note="选填；填写时优先按信用代码匹配",
        ),
        Column(
            "资质",
            "tier",
            lambda q: q.tier.name,
            required=True,
            width=16,
            note="资质名称或代码，如 高新技术企业、科技型中小企业",
        ),
        Column("年度", "year", lambda q: q.year, required=True, width=8),
        Column(
            "证书/登记编号",
            "number",
            lambda q: q.number,
            width=22,
            note="有编号时按编号匹配已有记录，否则按企业、资质、年度匹配",
        ),
        Column(
            "发证日期",
            "issued_on",
            lambda q: _date(q.issued_on),
            width=12,
            note="如 2023-12-08；按发证日期计算有效期的资质（高新技术企业）必填",
        ),
        Column("公示批次", "batch", lambda q: q.batch, width=24),
        Column("有效期起", "valid_from", lambda q: _date(q.valid_from), width=12, note="仅导出"),
        Column("有效期止", "valid_until", lambda q: _date(q.valid_until), width=12, note="仅导出"),
        Column(
            "认定类型",
            "renewed",
            lambda q: "重新认定" if q.renewed else "首次认定",
            width=10,
            note="仅导出",
        ),
        Column(
            "所属乡镇（街道）",
            "township",
            lambda q: q.enterprise.township.name,
            width=14,
            note="仅导出",
        ),
    ]

    def queryset(self, user):
        return selectors.with_renewed(selectors.qualification_list(user)).order_by(
            "-year", "tier__rank", "enterprise__name"
        )

    def normalize_key(self, value: str) -> str:
        return value.strip()

    def row_key(self, data, context):
        """(firm, tier, year) when the row names them unambiguously; the form explains why not."""
        lookup = context["lookup"]
        firm = lookup.firm(data.get("credit_code", ""), data.get("name", ""))
        tier = lookup.tier(data.get("tier", ""), firm) if firm else None
        year = data.get("year", "").strip()
        return (firm.pk, tier.pk, int(year)) if firm and tier and year.isdigit() else None

    def existing(self, keys, context) -> dict:
        found = Qualification.objects.filter(
            enterprise_id__in={k[0] for k in keys}, tier_id__in={k[1] for k in keys}
        ).select_related("enterprise", "tier")
        return {(q.enterprise_id, q.tier_id, q.year): q for q in found}

    def duplicate_message(self, key, first_row: int) -> str:
        return f"与第{first_row}行是同一企业、资质和年度"

    def describe_key(self, key) -> str:
        return ""

    def label(self, data):
        return f"{data.get('name', '')} {data.get('tier', '')} {data.get('year', '')}"

    def form_kwargs(self, user):
        # Only firms the user can see are matched: others read as unmatched, revealing nothing.
        firms = list(Enterprise.objects.visible_to(user).select_related("township"))
        by_name = defaultdict(list)
        for firm in firms:
            by_name[firm.name].append(firm)
        lookup = ImportLookup(
            by_code={f.credit_code: f for f in firms},
            by_name=dict(by_name),
            tiers=list(selectors.tiers_managed_by(user)),
        )
        lookup.may_record = set(selectors.recordable_firms(user).values_list("pk", flat=True))
        return {"lookup": lookup}

    def check_permission(self, form, user):
        if form.enterprise.pk not in form.lookup.may_record:
            return "无权登记该企业的资质"
        return None

    def save(self, form, user):
        data = form.cleaned_data
        return qualification_save(
            actor=user,
            enterprise=form.enterprise,
            tier=data["tier"],
            year=data["year"],
            number=data["number"],
            issued_on=data["issued_on"],
            source=QualificationSource.LIST,
            batch=data["batch"],
            qualification=form.instance if form.instance.pk else None,
        )


register(QualificationSheet())
