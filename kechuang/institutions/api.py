"""REST API of the institutions: same filters and scoping as the list page."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from kechuang.core.api import call_service
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.models import Region
from kechuang.core.scoping import can_see_contacts, is_bureau
from kechuang.institutions import selectors, services
from kechuang.institutions.filters import InstitutionFilter
from kechuang.institutions.models import Institution


class InstitutionSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        error_messages={"does_not_exist": "未知的区划代码：{value}"},
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

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


class InstitutionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Institutions visible to the caller. Staff create; staff or the institute's user update."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return selectors.institution_list(self.request.user)

    def perform_create(self, serializer):
        if not is_bureau(self.request.user):
            raise PermissionDenied("无权登记院所")
        serializer.instance = call_service(
            services.institution_create, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.institution_update,
            actor=self.request.user,
            institution=serializer.instance,
            **serializer.validated_data,
        )
