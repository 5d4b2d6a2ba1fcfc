"""REST API of the challenge board: challenges and bids, read-only, scoped as the pages are.
A challenge's private fields (contact, budget ceiling, internal note, source demand) are
given only to those who may change it; others get them empty."""

from rest_framework import mixins, serializers, viewsets

from kechuang.challenges import selectors
from kechuang.challenges.filters import BidFilter, ChallengeFilter
from kechuang.challenges.models import Bid, Challenge
from kechuang.core.api import DisplayField

PRIVATE_FIELDS = ("demand", "contact_person", "contact_phone", "budget_ceiling", "internal_note")


class ChallengeSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    list_title = serializers.CharField(
        source="challenge_list.title", read_only=True, allow_null=True, default=None
    )
    status_display = DisplayField(source="get_status_display")

    class Meta:
        model = Challenge
        fields = [
            "id",
            "title",
            "enterprise",
            "enterprise_name",
            "challenge_list",
            "list_title",
            "problem",
            "goal",
            "budget",
            "deadline",
            "status",
            "status_display",
            "published_on",
            "closed_on",
            "decided_on",
            *PRIVATE_FIELDS,
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not getattr(instance, "editable", False):
            for name in PRIVATE_FIELDS:
                data[name] = None if name in ("demand", "budget_ceiling") else ""
        return data


class BidSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    challenge_title = serializers.CharField(source="challenge.title", read_only=True)
    status_display = DisplayField(source="get_status_display")

    class Meta:
        model = Bid
        fields = [
            "id",
            "challenge",
            "challenge_title",
            "institution",
            "institution_name",
            "approach",
            "team",
            "milestones",
            "price",
            "achievements",
            "status",
            "status_display",
            "submitted_on",
            "decided_on",
            "contract",
            "project_id",
        ]
        read_only_fields = fields


class ChallengeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every signed-in user reads the challenges they may see: their own firm's, their
    region's, and every published one (public fields only)."""

    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilter

    def get_queryset(self):
        return selectors.challenge_list(self.request.user).order_by("-created_at", "-id")


class BidViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The bureau reads its county's bids; an institution its own; nobody else's price."""

    serializer_class = BidSerializer
    filterset_class = BidFilter

    def get_queryset(self):
        return selectors.bid_list(self.request.user).order_by("-submitted_on", "-id")
