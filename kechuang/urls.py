from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kechuang.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("kechuang.api_urls")),
    path("enterprises/", include("kechuang.enterprises.urls")),
    path("institutions/", include("kechuang.institutions.urls")),
    path("eligibility/", include("kechuang.eligibility.urls")),
    path("indicators/", include("kechuang.indicators.urls")),
    path("transfer/", include("kechuang.transfer.urls")),
    path("platforms/", include("kechuang.platforms.urls")),
    path("talent/", include("kechuang.talent.urls")),
    path("loans/", include("kechuang.loans.urls")),
    path("support/", include("kechuang.support.urls")),
    path("commissioners/", include("kechuang.commissioners.urls")),
    path("liaison/", include("kechuang.liaison.urls")),
    path("projects/", include("kechuang.projects.urls")),
    path("challenges/", include("kechuang.challenges.urls")),
    path("workplan/", include("kechuang.workplan.urls")),
    path("reports/", include("kechuang.reports.urls")),
    path("imports/", include("kechuang.core.import_urls")),
    path("jobs/", include("kechuang.core.job_urls")),
    path("", include("kechuang.core.urls")),
]

# Under /api/ errors answer JSON, as the schema describes; elsewhere the Chinese pages.
handler400 = "kechuang.core.views.bad_request"
handler403 = "kechuang.core.views.permission_denied"
handler404 = "kechuang.core.views.page_not_found"
handler500 = "kechuang.core.views.server_error"
