"""REST API of talent projects (read): same filters and scoping as the list page."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core.api import DisplayField, RelatedTextField
from kechuang.talent import selectors
from kechuang.talent.filters import TalentProjectFilter
from kechuang.talent.models import TalentPayment, TalentProject


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalentPayment
        fields = ["id", "stage", "amount", "paid_on", "note"]


class TalentProjectSerializer(serializers.ModelSerializer):
    program_name = RelatedTextField(source="program.name", label="人才计划名称")
    kind_display = DisplayField(source="get_kind_display")
    status_display = DisplayField(source="get_status_display")
    host_enterprise_name = RelatedTextField(source="host_enterprise.name", label="承接企业名称")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = TalentProject
        fields = [
            "id",
            "program",
            "program_name",
            "talent_class",
            "kind",
            "kind_display",
            "applicant_kind",
            "applicant",
            "title",
            "host_enterprise",
            "host_enterprise_name",
            "region",
            "status",
            "status_display",
            "contacted_on",
            "intended_on",
            "signed_on",
            "landed_on",
            "evaluated_on",
            "dropped_on",
            "funding_committed",
            "investment",
            "evaluation_result",
            "payments",
            "updated_at",
        ]
        read_only_fields = fields


class TalentProjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Talent projects visible to the caller, with their payments; filters as on the list."""

    serializer_class = TalentProjectSerializer
    filterset_class = TalentProjectFilter

    def get_queryset(self):
        return selectors.project_list(self.request.user).prefetch_related("payments")
