"""The REST API: each app registers its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from kechuang.challenges.api import BidViewSet, ChallengeViewSet
from kechuang.commissioners.api import (
    CommissionerViewSet,
    ServiceLogViewSet,
    ServiceRequestViewSet,
)
from kechuang.core.api import ImportView
from kechuang.core.api_attachments import AttachmentViewSet
from kechuang.core.api_figures import FiguresView
from kechuang.core.api_token import TokenObtainView
from kechuang.enterprises.api import EnterpriseViewSet
from kechuang.enterprises.api_annual import EnterpriseYearViewSet
from kechuang.enterprises.api_ladder import QualificationViewSet, TierViewSet
from kechuang.enterprises.api_pool import PoolEntryViewSet, PoolFunnelView, VisitViewSet
from kechuang.indicators import api as indicator_api
from kechuang.indicators.api import DataValueViewSet, EnterpriseMonthViewSet, TargetViewSet
from kechuang.institutions.api import InstitutionViewSet
from kechuang.liaison.api import CadreLinkViewSet
from kechuang.loans.api import LoanViewSet
from kechuang.platforms.api import PlatformViewSet
from kechuang.projects.api import CallViewSet, ProgramViewSet, ProjectViewSet
from kechuang.support.api import DisbursementViewSet
from kechuang.talent.api import TalentProjectViewSet
from kechuang.transfer.api import AchievementViewSet, ContractViewSet, DemandViewSet
from kechuang.transfer.api_chains import ChainNodeViewSet, ChainViewSet, EventViewSet
from kechuang.transfer.api_matching import MatchFeedbackViewSet, MatchViewSet
from kechuang.workplan.api import PlanViewSet, TaskViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("enterprise-years", EnterpriseYearViewSet, basename="enterprise-year")
router.register("enterprise-months", EnterpriseMonthViewSet, basename="enterprise-month")
router.register("tiers", TierViewSet, basename="tier")
router.register("qualifications", QualificationViewSet, basename="qualification")
router.register("pool-entries", PoolEntryViewSet, basename="pool-entry")
router.register("visits", VisitViewSet, basename="visit")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("demands", DemandViewSet, basename="demand")
router.register("achievements", AchievementViewSet, basename="achievement")
router.register("contracts", ContractViewSet, basename="contract")
router.register("matches", MatchViewSet, basename="match")
router.register("match-feedback", MatchFeedbackViewSet, basename="match-feedback")
router.register("chains", ChainViewSet, basename="chain")
router.register("chain-nodes", ChainNodeViewSet, basename="chain-node")
router.register("events", EventViewSet, basename="event")
router.register("platforms", PlatformViewSet, basename="platform")
router.register("talent-projects", TalentProjectViewSet, basename="talentproject")
router.register("loans", LoanViewSet, basename="loan")
router.register("disbursements", DisbursementViewSet, basename="disbursement")
router.register("programs", ProgramViewSet, basename="program")
router.register("calls", CallViewSet, basename="call")
router.register("projects", ProjectViewSet, basename="project")
router.register("data-values", DataValueViewSet, basename="data-value")
router.register("targets", TargetViewSet, basename="target")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register("bids", BidViewSet, basename="bid")
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("commissioners", CommissionerViewSet, basename="commissioner")
router.register("service-logs", ServiceLogViewSet, basename="service-log")
router.register("cadre-links", CadreLinkViewSet, basename="cadre-link")
router.register("plans", PlanViewSet, basename="plan")
router.register("tasks", TaskViewSet, basename="task")

urlpatterns = [
    path("token/", TokenObtainView.as_view(), name="api-token"),
    path("pool/funnel/", PoolFunnelView.as_view(), name="pool-funnel"),
    path("figures/", FiguresView.as_view(), name="figures"),
    # The dashboard's chart data, for other systems with a token (the pages read the same
    # views under /indicators/api/ with their session).
    path("indicators/table/", indicator_api.IndicatorTableView.as_view(), name="indicator-table"),
    path("indicators/trend/", indicator_api.TrendView.as_view(), name="indicator-trend"),
    path("indicators/yearly/", indicator_api.YearlyView.as_view(), name="indicator-yearly"),
    path("indicators/ranking/", indicator_api.RankingView.as_view(), name="indicator-ranking"),
    path("indicators/children/", indicator_api.ChildrenView.as_view(), name="indicator-children"),
    path("imports/<str:kind>/", ImportView.as_view(), name="import"),
    path("", include(router.urls)),
]
