"""Commissioner forms: the service log (one column, phone-sized; a photo from the camera)."""

from django import forms

from kechuang.commissioners.models import Commissioner, ServiceLog
from kechuang.commissioners.services import LOG_FIELDS
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.models import Enterprise


class LogForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    class Meta:
        model = ServiceLog
        fields = ("commissioner", *LOG_FIELDS)
        widgets = {
            "served_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_visible_to(user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["enterprise"].required = False
        if own is not None or self.instance.pk:
            del self.fields["commissioner"]  # a commissioner logs its own; a log keeps its own
        else:
            self.fields["commissioner"].queryset = Commissioner.objects.visible_to(user)
        if self.instance.pk:
            del self.fields["photo"]  # later photos: the record page's attachment panel
