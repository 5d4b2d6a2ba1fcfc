"""The REST API: each app registers its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from kechuang.core.api import TokenObtainView
from kechuang.enterprises.api import EnterpriseViewSet
from kechuang.enterprises.api_pool import PoolFunnelView
from kechuang.institutions.api import InstitutionViewSet
from kechuang.transfer.api import AchievementViewSet, ContractViewSet, DemandViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("demands", DemandViewSet, basename="demand")
router.register("achievements", AchievementViewSet, basename="achievement")
router.register("contracts", ContractViewSet, basename="contract")

urlpatterns = [
    path("token/", TokenObtainView.as_view(), name="api-token"),
    path("pool/funnel/", PoolFunnelView.as_view(), name="pool-funnel"),
    path("", include(router.urls)),
]
