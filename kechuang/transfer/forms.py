"""Forms of technology transfer: the page forms and the Excel row forms share their fields.

Money is stored in yuan and typed in 万元 (the bureau's unit) on pages and in sheets.
"""

from decimal import Decimal, InvalidOperation

from django import forms

from kechuang.core.choices import BUREAU_ROLES, RegionLevel
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.excel import LabelChoiceField, RegionField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region
from kechuang.enterprises.choices import TechField
from kechuang.enterprises.forms.pool import EnterpriseLookupField, LookupField
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer.choices import (
    ContractDirection,
    ContractType,
    DemandSource,
    DemandStatus,
    Maturity,
    RejectReason,
    TransferMode,
)
from kechuang.transfer.models import Achievement, ChainNode, Demand, TechContract
from kechuang.transfer.selectors import chains_for
from kechuang.transfer.services import ACHIEVEMENT_FIELDS, CONTRACT_FIELDS, DEMAND_FIELDS

DATE = {"type": "date"}
TEN_THOUSAND = Decimal(10_000)


def wan_text(amount: Decimal | None):
    """Yuan as a number of 万元 without trailing zeros (an export re-imports exactly)."""
    if amount is None:
        return None
    value = (Decimal(amount) / TEN_THOUSAND).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


class WanField(forms.DecimalField):
    """An amount typed in 万元, cleaned to yuan."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, decimal_places=6, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        return (value * TEN_THOUSAND).quantize(Decimal("0.01"))

    def validate(self, value):
        forms.Field.validate(self, value)
        if value is not None and value < 0:
            raise forms.ValidationError("金额不能为负数")

    def run_validators(self, value):
        pass

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return wan_text(value)
        return value

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except (forms.ValidationError, InvalidOperation):
            return True
        old = None if initial in (None, "") else Decimal(initial)
        return old != new


def _chain_fields(form, user) -> None:
    chains = chains_for(user) if user is not None else None
    if chains is not None:
        form.fields["chain"].queryset = chains
        form.fields["node"].queryset = ChainNode.objects.filter(chain__in=chains).select_related(
            "chain"
        )


# --- page forms --------------------------------------------------------------------------


class DemandForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    enterprise = EnterpriseLookupField(label="提出企业（统一社会信用代码或全称）")
    budget = WanField(label="预算（万元）", required=False)

    class Meta:
        model = Demand
        fields = DEMAND_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "deadline": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.editable_by(user)
        if self.instance.pk:
            self.initial["enterprise"] = self.instance.enterprise.credit_code
        if user.enterprise_id and user.role not in BUREAU_ROLES:
            self.initial["enterprise"] = user.enterprise.credit_code
            self.fields["enterprise"].disabled = True
        _chain_fields(self, user)


class AchievementForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    owner_enterprise = EnterpriseLookupField(
        label="完成单位（企业，统一社会信用代码或全称）", required=False
    )

    class Meta:
        model = Achievement
        fields = ACHIEVEMENT_FIELDS
        widgets = {"abstract": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_enterprise"].queryset = Enterprise.objects.visible_to(user)
        if self.instance.pk and self.instance.owner_enterprise_id:
            self.initial["owner_enterprise"] = self.instance.owner_enterprise.credit_code
        self.fields["owner_institution"].queryset = Institution.objects.visible_to(user)
        self.fields["region"].queryset = Region.objects.filter(
            level=RegionLevel.COUNTY,
            code__startswith=user.region.prefix if user.region else "",
        )
        if not (user.is_superuser or user.role in BUREAU_ROLES):
            # Institute and firm users post as themselves (the service sets owner and region).
            for name in ("owner_institution", "owner_enterprise", "region"):
                del self.fields[name]
        elif user.region and user.region.level == RegionLevel.COUNTY:
            self.initial.setdefault("region", user.region.pk)
        _chain_fields(self, user)


class ContractForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    amount = WanField(label="合同金额（万元）")
    turnover = WanField(
        label="技术交易额（万元）", help_text="合同金额减去设备、材料等非技术性费用"
    )

    class Meta:
        model = TechContract
        fields = CONTRACT_FIELDS
        widgets = {"registered_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        from kechuang.transfer.models import Match, MatchmakingEvent

        super().__init__(*args, **kwargs)
        prefix = user.region.prefix if user.region else ""
        self.fields["region"].queryset = Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=prefix
        )
        if user.region and user.region.level == RegionLevel.COUNTY:
            self.initial.setdefault("region", user.region.pk)
        self.fields["buyer_enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["seller_enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["seller_institution"].queryset = Institution.objects.visible_to(user)
        self.fields["demand"].queryset = Demand.objects.visible_to(user)
        self.fields["achievement"].queryset = Achievement.objects.visible_to(user)
        self.fields["match"].queryset = Match.objects.visible_to(user).select_related(
            "demand", "achievement"
        )
        self.fields["event"].queryset = MatchmakingEvent.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        amount, turnover = data.get("amount"), data.get("turnover")
        if amount is not None and turnover is not None and turnover > amount:
            self.add_error("turnover", "技术交易额不能超过合同金额")
        return data


class SuggestionForm(forms.Form):
    """A suggestion the staff accepts or rejects: which achievement, and for a rejection why.
    What the engine said of the pair is recomputed on the server, never posted back."""

    achievement = forms.IntegerField()
    reason = forms.ChoiceField(required=False, choices=RejectReason.choices)
    note = forms.CharField(required=False, max_length=200)


# --- Excel row forms ---------------------------------------------------------------------


class DemandImportForm(forms.ModelForm):
    """One row of the demand sheet: firm by credit code, chain and node by name or code."""

    enterprise = LookupField(label="企业统一社会信用代码", what="企业")
    chain = LookupField(label="产业链", what="产业链", required=False)
    node = LookupField(label="产业链环节", what="产业链环节", required=False)
    field = LabelChoiceField(label="技术领域", choices=TechField.choices, required=False)
    budget = WanField(label="预算(万元)", required=False)
    status = LabelChoiceField(label="状态", choices=DemandStatus.choices, required=False)
    source = LabelChoiceField(label="来源", choices=DemandSource.choices, required=False)

    class Meta:
        model = Demand
        fields = [*DEMAND_FIELDS, "status"]

    def __init__(self, *args, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("enterprise", "chain", "node"):
            self.fields[name].lookup = lookups[name]

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if not status:
            return self.instance.status if self.instance.pk else DemandStatus.COLLECTED
        return status

    def clean_source(self):
        return self.cleaned_data.get("source") or (
            self.instance.source if self.instance.pk else DemandSource.VISIT
        )

    def clean(self):
        data = super().clean()
        chain, node = data.get("chain"), data.get("node")
        if node is not None and chain is not None and node.chain_id != chain.pk:
            self.add_error("node", f"“{node.name}”不是“{chain.name}”的环节")
        return data

    def validate_unique(self):
        if self.instance.pk is None:
            super().validate_unique()


class OwnerField(forms.Field):
    """完成单位: an institution by name or short name, or a firm by name or credit code."""

    def __init__(self, *args, **kwargs):
        self.lookup: dict = {}
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        found = self.lookup.get(text) or self.lookup.get(text.upper())
        if found is None:
            raise forms.ValidationError(f"未知的完成单位：{text}（应为已登记的院所或企业）")
        if found == "ambiguous":
            raise forms.ValidationError(f"{text} 对应多个单位，请改填全称或信用代码")
        return found

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        return _owner_key(initial) != _owner_key(new)


def _owner_key(owner):
    return None if owner is None else (type(owner).__name__, owner.pk)


class AchievementImportForm(forms.ModelForm):
    """One row of the achievement sheet: the owner is an institution or a firm."""

    owner = OwnerField(label="完成单位")
    field = LabelChoiceField(label="技术领域", choices=TechField.choices, required=False)
    maturity = LabelChoiceField(label="成熟度", choices=Maturity.choices)
    transfer_mode = LabelChoiceField(label="转化方式", choices=TransferMode.choices, required=False)
    region = RegionField(label="登记区域", queryset=Region.objects.all(), required=False)
    chain = LookupField(label="产业链", what="产业链", required=False)

    class Meta:
        model = Achievement
        fields = [
            "code",
            "title",
            "abstract",
            "owner",
            "field",
            "maturity",
            "trl",
            "patents",
            "transfer_mode",
            "contact_person",
            "contact_phone",
            "region",
            "chain",
        ]

    def __init__(self, *args, lookups, default_region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].lookup = lookups["owner"]
        self.fields["chain"].lookup = lookups["chain"]
        self.default_region = default_region
        if self.instance.pk:
            self.initial["owner"] = self.instance.owner

    def clean_transfer_mode(self):
        return self.cleaned_data.get("transfer_mode") or (
            self.instance.transfer_mode if self.instance.pk else TransferMode.TRANSFER
        )

    def clean_region(self):
        region = self.cleaned_data.get("region")
        if region is None:
            region = self.instance.region if self.instance.pk else self.default_region
        if region is None:
            owner = self.cleaned_data.get("owner")
            region = getattr(owner, "region", None)
        return region

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        self.instance.owner_institution = owner if isinstance(owner, Institution) else None
        self.instance.owner_enterprise = owner if isinstance(owner, Enterprise) else None
        data["owner_institution"] = self.instance.owner_institution
        data["owner_enterprise"] = self.instance.owner_enterprise
        if data.get("region") is None and "region" not in self.errors:
            self.add_error("region", "请填写登记区域")
        return data

    def validate_unique(self):
        if self.instance.pk is None:
            super().validate_unique()


class ContractImportForm(forms.ModelForm):
    """One row of the contract sheet; source demand and achievement by their 编号."""

    kind = LabelChoiceField(label="类型", choices=ContractType.choices)
    direction = LabelChoiceField(label="方向", choices=ContractDirection.choices)
    amount = WanField(label="合同金额(万元)")
    turnover = WanField(label="技术交易额(万元)")
    region = RegionField(label="计入区域", queryset=Region.objects.all(), level=RegionLevel.COUNTY)
    demand = LookupField(label="来源需求编号", what="需求", required=False)
    achievement = LookupField(label="来源成果编号", what="成果", required=False)

    class Meta:
        model = TechContract
        fields = [
            "number",
            "title",
            "kind",
            "buyer_name",
            "seller_name",
            "amount",
            "turnover",
            "registered_on",
            "direction",
            "region",
            "demand",
            "achievement",
        ]

    def __init__(self, *args, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand"].lookup = lookups["demand"]
        self.fields["achievement"].lookup = lookups["achievement"]

    def validate_unique(self):
        if self.instance.pk is None:
            super().validate_unique()
