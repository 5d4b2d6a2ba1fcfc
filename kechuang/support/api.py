"""REST API of disbursements (read): same filters and scoping as the list page."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core.api import DisplayField, RelatedTextField
from kechuang.support import selectors
from kechuang.support.filters import DisbursementFilter
from kechuang.support.models import Disbursement


class DisbursementSerializer(serializers.ModelSerializer):
    enterprise_name = RelatedTextField(source="enterprise.name", label="企业名称")
    clause_name = RelatedTextField(source="clause.name", label="条款名称")
    policy = serializers.IntegerField(source="clause.policy_id", read_only=True, label="政策")
    policy_name = RelatedTextField(source="clause.policy.name", label="政策名称")
    status_display = DisplayField(source="get_status_display")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "policy",
            "policy_name",
            "clause",
            "clause_name",
            "year",
            "region",
            "quantity",
            "entitled",
            "amount",
            "status",
            "status_display",
            "applied_on",
            "reviewed_on",
            "approved_on",
            "paid_on",
            "rejected_on",
            "updated_at",
        ]
        read_only_fields = fields


class DisbursementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Disbursements (政策兑现) visible to the caller; filters as on the list."""

    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilter

    def get_queryset(self):
        return selectors.disbursement_list(self.request.user).order_by("-applied_on", "-pk")
