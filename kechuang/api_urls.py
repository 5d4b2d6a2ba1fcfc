"""The REST API: each app registers its viewsets here."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from kechuang.enterprises.api import EnterpriseViewSet
from kechuang.enterprises.api_pool import PoolFunnelView
from kechuang.institutions.api import InstitutionViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("institutions", InstitutionViewSet, basename="institution")

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("pool/funnel/", PoolFunnelView.as_view(), name="pool-funnel"),
    path("", include(router.urls)),
]
