"""REST API of loan recommendations (read): same filters and scoping as the list page."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core.api import DisplayField, RelatedTextField
from kechuang.loans import selectors
from kechuang.loans.filters import LoanFilter
from kechuang.loans.models import LoanRecommendation


class LoanSerializer(serializers.ModelSerializer):
    enterprise_name = RelatedTextField(source="enterprise.name", label="企业名称")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = DisplayField(source="get_status_display")

    class Meta:
        model = LoanRecommendation
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region",
            "bank",
            "amount_recommended",
            "amount_granted",
            "recommended_on",
            "granted_on",
            "status",
            "status_display",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Loan recommendations visible to the caller; filters as on the list."""

    serializer_class = LoanSerializer
    filterset_class = LoanFilter

    def get_queryset(self):
        return selectors.loan_list(self.request.user)
