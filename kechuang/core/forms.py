"""Forms of the core app."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models

from kechuang.core import attachments, concurrency, services
from kechuang.core.models import AuditEvent
from kechuang.core.text import normalize_data


class StyledFormMixin:
    """Gives every widget its Bootstrap class, so templates render fields as they are, and
    NFC-normalises what is submitted (one spelling of each character; see core/text.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = normalize_data(self.data)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError on the form: under the field it names when the form has
    that field, otherwise above the form (the message still names the field)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def save_changes(form: forms.BaseForm, instance: models.Model, save: Callable[..., object]) -> bool:
    """Saves the fields a valid edit form changed: `save(**changed)` runs only while
    `instance` is still at the version the form was opened with (the row locked). A
    ValidationError, a stale version among them, goes onto the form. True when saved."""
    changed = {name: form.cleaned_data[name] for name in form.changed_data}
    try:
        with concurrency.unchanged_since(instance, form.version):
            save(**changed)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


class LoginForm(AuthenticationForm):
    """Sign-in through the service that counts failures and locks accounts."""

    error_messages = {"inactive": "该账号已停用"}

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = services.login_attempt(
                    request=self.request, username=username, password=password
                )
            except services.LoginRefused as exc:
                raise forms.ValidationError(str(exc), code="refused") from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ApiTokenForm(StyledFormMixin, forms.Form):
    """Names a new API token, so its owner can tell it apart when revoking."""

    name = forms.CharField(label="令牌名称", max_length=60, help_text="例如：统计报送系统")


class AuditFilterForm(StyledFormMixin, forms.Form):
    """Filters of the change log."""

    q = forms.CharField(label="记录", required=False)
    model = forms.ChoiceField(label="记录类型", required=False)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部")] + AuditEvent.Action.choices
    )
    user = forms.CharField(label="操作人", required=False)
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, model_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "全部")] + list(model_choices)


class AttachmentForm(StyledFormMixin, forms.Form):
    """One file to attach to a record, and its kind (the record's model lists the kinds)."""

    kind = forms.CharField(label="类别", max_length=40, required=False)
    file = forms.FileField(label="附件")

    def __init__(self, *args, kinds: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"] = forms.ChoiceField(
                label="类别",
                choices=[(k, k) for k in kinds],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        file = self.fields["file"]
        file.widget.attrs["accept"] = attachments.accepted_extensions()
        file.help_text = (
            f"PDF、OFD、Word、Excel、WPS、JPEG、PNG，不超过 {settings.ATTACHMENT_MAX_MB} MB"
        )
