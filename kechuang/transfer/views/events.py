"""Matchmaking-event (院企对接活动) pages: list, record page, create and edit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from kechuang.core import concurrency
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin, add_service_errors
from kechuang.core.models import Region
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer import chains
from kechuang.transfer.models import Demand, Match, MatchmakingEvent

PAGE_SIZE = 30


class EventForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    held_on = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写活动日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )

    class Meta:
        model = MatchmakingEvent
        fields = (*chains.EVENT_FIELDS, *chains.EVENT_M2M)
        widgets = {
            "note": forms.Textarea(attrs={"rows": 4}),
            "enterprises": forms.SelectMultiple(attrs={"size": 8}),
            "institutions": forms.SelectMultiple(attrs={"size": 6}),
            "demands": forms.SelectMultiple(attrs={"size": 8}),
            "matches": forms.SelectMultiple(attrs={"size": 6}),
        }
        error_messages = {
            "title": {"required": "请填写活动名称"},
            "place": {"required": "请填写活动地点"},
            "region": {"required": "请选择区域", "invalid_choice": "所选区域不在您的管辖范围内"},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.all()
        if not user.is_superuser:
            regions = regions.filter(code__startswith=user.region.prefix if user.region else "-")
        self.fields["region"].queryset = regions
        if user.region_id and not self.instance.pk:
            self.fields["region"].initial = user.region_id
        scoped = {
            "enterprises": Enterprise.objects.visible_to(user).order_by("name"),
            "institutions": Institution.objects.visible_to(user).order_by("name"),
            "demands": Demand.objects.visible_to(user).select_related("enterprise"),
            "matches": Match.objects.visible_to(user).select_related("demand", "achievement"),
        }
        for name, queryset in scoped.items():
            field = self.fields[name]
            field.queryset = queryset
            field.required = False
            field.error_messages["invalid_choice"] = f"{field.label}（%(value)s）不在可选范围内"
            field.help_text = "按住 Ctrl 可多选"


def event_list(request):
    """Every signed-in user: the events of their region, newest first."""
    page = Paginator(chains.event_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "transfer/event_list.html",
        {"page": page, "may_create": chains.may_write(request.user)},
    )


def event_detail(request, pk: int):
    """Whoever may see the event: date, place, participants, demands, matches, contracts."""
    event = get_visible_or_404(MatchmakingEvent, request.user, pk=pk)
    editable = chains.may_write(request.user, event.region) and (
        MatchmakingEvent.objects.editable_by(request.user).filter(pk=pk).exists()
    )
    context = {"event": event, "editable": editable, **chains.event_outcomes(event, request.user)}
    return render(request, "transfer/event_detail.html", context)


def _save(request, form: EventForm, event: MatchmakingEvent | None):
    try:
        with concurrency.unchanged_since(form.instance, form.version):
            saved = chains.event_save(actor=request.user, event=event, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, f"对接活动“{saved.title}”已保存")
    return redirect("transfer:event_detail", pk=saved.pk)


def event_create(request):
    """Bureau staff and leaders: record an event."""
    if not chains.may_write(request.user):
        raise PermissionDenied("无权登记对接活动")
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, None)
        if done is not None:
            return done
    return render(request, "transfer/event_edit.html", {"form": form, "creating": True})


def event_edit(request, pk: int):
    """Bureau staff and leaders of the event's region: change it."""
    event = get_editable_or_403(MatchmakingEvent, request.user, pk=pk)
    if not chains.may_write(request.user, event.region):
        raise PermissionDenied("无权修改该对接活动")
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, MatchmakingEvent.objects.get(pk=pk))
        if done is not None:
            return done
    return render(
        request, "transfer/event_edit.html", {"form": form, "event": event, "creating": False}
    )
