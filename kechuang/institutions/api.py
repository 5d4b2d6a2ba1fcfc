"""REST API of the institutions: same filters and scoping as the list page."""

from rest_framework import serializers

from kechuang.core.api import DisplayField, ScopedSlugRelatedField, ServiceViewSet, linkable_regions
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.models import Region
from kechuang.core.scoping import can_see_contacts, is_bureau
from kechuang.institutions import selectors, services
from kechuang.institutions.filters import InstitutionFilter
from kechuang.institutions.models import Institution


class InstitutionSerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(Region, queryset=linkable_regions, slug_field="code")
    kind_display = DisplayField(source="get_kind_display")
    # A plain string in the schema (a blank URLField is documented as two overlapping oneOf
    # branches, which response validators reject); the service's full_clean checks the URL.
    website = serializers.CharField(label="网址", max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "credit_code",
            "region",
            "location",
            "address",
            "contact_person",
            "contact_phone",
            "website",
            "description",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and not can_see_contacts(user) and user.institution_id != instance.pk:
            data["contact_person"] = mask_name(data["contact_person"])
            data["contact_phone"] = mask_phone(data["contact_phone"])
        return data


class InstitutionViewSet(ServiceViewSet):
    """Institutions visible to the caller. Staff create; staff or the institute's user update."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    create_service = services.institution_create
    service = services.institution_update
    record_name = "institution"
    may_create = is_bureau
    create_refusal = "无权登记院所"

    def get_queryset(self):
        return selectors.institution_list(self.request.user)
