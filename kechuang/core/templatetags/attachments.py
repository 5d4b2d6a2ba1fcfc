"""{% attachment_panel record form as panel %}: what core/_attachments.html shows."""

from django import template

from kechuang.core import attachments
from kechuang.core.forms import AttachmentForm
from kechuang.core.links import record_url

register = template.Library()


@register.simple_tag(takes_context=True)
def attachment_panel(context, record, form=None) -> dict:
    """The record's attachments and, for whoever may change the record, the upload form.
    Two queries whatever the number of files."""
    user = context["request"].user
    meta = type(record)._meta
    editable = attachments.may_attach(user, record)
    rows = [
        {"attachment": a, "delete_url": record_url("core:attachment_delete", a.pk)}
        for a in attachments.attachments_of(record)
    ]
    if editable and not form:  # an including page has none: a blank one
        form = AttachmentForm(kinds=attachments.kinds_of(type(record)))
    return {
        "id": f"attachments-{meta.app_label}-{meta.model_name}-{record.pk}",
        "rows": rows,
        "editable": editable,
        "form": form if editable else None,
        "upload_url": record_url(f"{meta.app_label}:{meta.model_name}_attachments", record.pk),
    }
