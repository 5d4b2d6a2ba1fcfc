"""REST API of the cadre liaison (read-only): the links the caller may see."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core.api import RelatedTextField
from kechuang.liaison import selectors
from kechuang.liaison.models import CadreLink


class CadreLinkSerializer(serializers.ModelSerializer):
    cadre_name = RelatedTextField(source="cadre.display_name")
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    townships = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    firms = serializers.SlugRelatedField(slug_field="credit_code", many=True, read_only=True)

    class Meta:
        model = CadreLink
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "county",
            "townships",
            "firms",
            "valid_from",
            "valid_until",
            "note",
        ]
        read_only_fields = fields


class CadreLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The bureau reads its county's cadre links (townships by code, firms by credit code)."""

    serializer_class = CadreLinkSerializer

    def get_queryset(self):
        return selectors.link_list(self.request.user).order_by("pk")
