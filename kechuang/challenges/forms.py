"""Forms of the challenge board. Money is stored in yuan and typed in 万元."""

from __future__ import annotations

import datetime

from django import forms

from kechuang.challenges import engine
from kechuang.challenges.models import Bid, Challenge, ChallengeList
from kechuang.challenges.services import BID_FIELDS, LIST_FIELDS
from kechuang.core.choices import BUREAU_ROLES, RegionLevel
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau
from kechuang.enterprises.forms.pool import EnterpriseLookupField
from kechuang.enterprises.models import Enterprise
from kechuang.transfer.forms import WanField
from kechuang.transfer.models import Achievement, Demand

DATE = {"type": "date"}


def _date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ChallengeListForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    criteria = forms.ChoiceField(label="评审标准")

    class Meta:
        model = ChallengeList
        fields = LIST_FIELDS
        widgets = {
            "opens_on": _date_widget(),
            "closes_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(s.code, s.name) for s in engine.sheets().values()]
        prefix = user.region.prefix if user.region else ""
        self.fields["region"].queryset = Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=prefix
        )
        if user.region and user.region.level == RegionLevel.COUNTY:
            self.initial.setdefault("region", user.region.pk)


class ChallengeForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    enterprise = EnterpriseLookupField(label="出题企业（统一社会信用代码或全称）")
    budget = WanField(label="揭榜金额（万元）", required=False)
    budget_ceiling = WanField(
        label="企业可承受最高金额（万元）", required=False, help_text="不公开，评审报价时参考"
    )

    class Meta:
        model = Challenge
        fields = (
            "enterprise",
            "demand",
            "title",
            "problem",
            "goal",
            "budget",
            "deadline",
            "contact_person",
            "contact_phone",
            "budget_ceiling",
            "challenge_list",
            "internal_note",
        )
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
            "deadline": _date_widget(),
        }
        help_texts = {"demand": "从企业已登记的技术需求出题时选择；名称、问题、金额未填时取自需求"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        firms = Enterprise.objects.editable_by(user)
        self.fields["enterprise"].queryset = firms
        self.fields["demand"].queryset = Demand.objects.editable_by(user).filter(
            enterprise__in=firms
        )
        self.fields["title"].required = self.fields["problem"].required = False
        if self.instance.pk:
            self.initial["enterprise"] = self.instance.enterprise.credit_code
        if user.enterprise_id and user.role not in BUREAU_ROLES:
            self.initial["enterprise"] = user.enterprise.credit_code
            self.fields["enterprise"].disabled = True
        if is_bureau(user):
            self.fields["challenge_list"].queryset = ChallengeList.objects.editable_by(user)
        else:
            del self.fields["challenge_list"], self.fields["internal_note"]

    def clean(self):
        data = super().clean()
        demand = data.get("demand")
        if demand is None:
            for name in ("title", "problem"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "未选择来源需求时必须填写")
        return data


def milestones_text(rows: list) -> str:
    return "\n".join(f"{r.get('due_on', '')} {r.get('title', '')}" for r in rows or [])


class MilestonesField(forms.CharField):
    """One milestone a line: "YYYY-MM-DD 名称"."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return milestones_text(value) if isinstance(value, list) else value

    def to_python(self, value):
        rows = []
        for n, line in enumerate(str(value or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _, title = line.partition(" ")
            try:
                due = datetime.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    f"第{n}行应以日期开头，如 2023-12-31 完成中试"
                ) from None
            if not title.strip():
                raise forms.ValidationError(f"第{n}行缺少里程碑名称")
            rows.append({"title": title.strip(), "due_on": due.isoformat()})
        if not rows and self.required:
            raise forms.ValidationError("请至少填写一个里程碑")
        return rows

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except forms.ValidationError:
            return True


class BidForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    price = WanField(label="报价（万元）")
    milestones = MilestonesField(
        label="里程碑", help_text="每行一个：完成日期 名称，如 2023-12-31 完成中试"
    )
    achievements = forms.ModelMultipleChoiceField(
        label="引用成果",
        queryset=Achievement.objects.none(),
        required=False,
        help_text="本单位的成果或已发布的成果",
    )

    class Meta:
        model = Bid
        fields = (*BID_FIELDS, "achievements")
        widgets = {
            "approach": forms.Textarea(attrs={"rows": 6}),
            "team": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, institution, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Achievement.objects.visible_to(user)
        own = visible.filter(owner_institution=institution) if institution else visible.none()
        self.fields["achievements"].queryset = (own | visible.filter(published=True)).distinct()


class ReviewForm(StyledFormMixin, forms.Form):
    """One field per criterion of the sheet, and a comment."""

    comment = forms.CharField(label="评审意见", required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, sheet: engine.Sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for criterion in sheet.criteria:
            self.fields[f"score_{criterion.key}"] = forms.DecimalField(
                label=f"{criterion.name}（权重 {criterion.weight}%）",
                min_value=sheet.min_score,
                max_value=sheet.max_score,
                decimal_places=1,
                help_text=criterion.guide,
            )
        self.order_fields([f"score_{c.key}" for c in sheet.criteria] + ["comment"])

    def scores(self) -> dict:
        return {c.key: self.cleaned_data[f"score_{c.key}"] for c in self.sheet.criteria}


class ContractForm(StyledFormMixin, forms.Form):
    number = forms.CharField(label="合同登记编号", max_length=40)
    signed_on = forms.DateField(label="登记日期", widget=_date_widget())
    amount = WanField(label="合同金额（万元）", help_text="默认为中选报价")


class ReviewerForm(StyledFormMixin, forms.Form):
    reviewer = forms.ModelChoiceField(label="评审人", queryset=User.objects.none())

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        region = challenge.challenge_list.region if challenge.challenge_list_id else None
        users = User.objects.filter(is_active=True, role__in=BUREAU_ROLES)
        self.fields["reviewer"].queryset = (
            users.filter(region__code__startswith=region.prefix) if region else users.none()
        ).exclude(challenge_reviews__challenge=challenge)
