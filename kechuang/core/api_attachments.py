"""GET /api/attachments/: the files attached to the records the caller sees (their details;
the file itself is downloaded from `download_url` with a signed-in session). Read-only:
files are uploaded and removed on the record pages, through the same services."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers, viewsets

from kechuang.core import attachments
from kechuang.core.api import record_examples
from kechuang.core.filters import MAX_ID
from kechuang.core.models import Attachment

RECORD = r"^(?P<label>[a-z_]+\.[a-z_]+):(?P<id>[1-9][0-9]{0,18})$"


class AttachmentFilter(django_filters.FilterSet):
    record = django_filters.CharFilter(
        label="所属记录（模型:编号，如 enterprises.enterprise:12）",
        method="filter_record",
        validators=[RegexValidator(RECORD, "应为“应用.模型:编号”，如 enterprises.enterprise:12")],
    )
    kind = django_filters.CharFilter(label="类别")

    class Meta:
        model = Attachment
        fields = ["record", "kind"]

    def filter_record(self, queryset, name, value):
        label, _, pk = value.partition(":")
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return queryset.none()
        if not attachments.attachable(model) or int(pk) > MAX_ID:
            return queryset.none()
        content_type = ContentType.objects.get_for_model(model)
        return queryset.filter(content_type=content_type, object_id=int(pk))


class AttachmentSerializer(serializers.ModelSerializer):
    record = serializers.SerializerMethodField(label="所属记录")
    uploaded_by = serializers.StringRelatedField(label="上传人")
    download_url = serializers.CharField(label="下载地址", source="get_absolute_url")

    class Meta:
        model = Attachment
        fields = [
            "id",
            "record",
            "kind",
            "name",
            "size",
            "mime_type",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_record(self, attachment) -> str:
        content_type = ContentType.objects.get_for_id(attachment.content_type_id)
        return f"{content_type.app_label}.{content_type.model}:{attachment.object_id}"


EXAMPLE = {
    "id": 7,
    "record": "enterprises.enterprise:12",
    "kind": "认定文件",
    "name": "高新技术企业证书.pdf",
    "size": 183204,
    "mime_type": "application/pdf",
    "sha256": "9f2c…",
    "uploaded_by": "王科员",
    "uploaded_at": "2023-05-06T10:12:00+08:00",
    "download_url": "/files/7/",
}


@extend_schema_view(**record_examples("附件", EXAMPLE))
class AttachmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Attachments of the records the caller sees, newest first; `record` narrows to one."""

    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter

    def get_queryset(self):
        return Attachment.objects.visible_to(self.request.user).select_related("uploaded_by")
