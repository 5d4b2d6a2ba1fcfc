"""REST API of the commissioners (read-only): the same scoping and filters as the pages."""

from rest_framework import mixins, serializers, viewsets

from kechuang.commissioners import selectors
from kechuang.commissioners.filters import LogFilter, RequestFilter
from kechuang.commissioners.models import Commissioner, ServiceLog, ServiceRequest
from kechuang.core.api import DisplayField


class CommissionerSerializer(serializers.ModelSerializer):
    kind_display = DisplayField(source="get_kind_display")
    service_model_display = DisplayField(source="get_service_model_display")

    class Meta:
        model = Commissioner
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "service_model",
            "service_model_display",
            "institution",
            "fields",
        ]
        read_only_fields = fields


class ServiceLogSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceLog
        fields = [
            "id",
            "commissioner",
            "served_on",
            "township",
            "place",
            "enterprise",
            "cooperative",
            "content",
        ]
        read_only_fields = fields


class _ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class CommissionerViewSet(_ReadOnlyViewSet):
    """Commissioners the caller may see (the county's, read by its townships)."""

    serializer_class = CommissionerSerializer

    def get_queryset(self):
        return selectors.commissioner_list(self.request.user)


class ServiceLogViewSet(_ReadOnlyViewSet):
    """Service logs the caller may see (a commissioner: its own); the list page's filters."""

    serializer_class = ServiceLogSerializer
    filterset_class = LogFilter

    def get_queryset(self):
        return selectors.log_list(self.request.user)


class ServiceRequestSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requester_name = serializers.CharField(read_only=True)
    status_display = DisplayField(source="get_status_display")

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "requester_kind",
            "enterprise",
            "requester_name",
            "township",
            "title",
            "content",
            "fields",
            "status",
            "status_display",
            "commissioner",
            "service_log",
            "submitted_on",
            "served_on",
        ]
        read_only_fields = fields


class ServiceRequestViewSet(_ReadOnlyViewSet):
    """Service requests the caller may see (a firm: its own; a commissioner: those assigned
    to it; a liaison: its township); the list page's filters."""

    serializer_class = ServiceRequestSerializer
    filterset_class = RequestFilter

    def get_queryset(self):
        return selectors.request_list(self.request.user)
