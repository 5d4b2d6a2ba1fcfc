from django.urls import path

from kechuang.core.attachment_views import attachment_urls
from kechuang.support import views
from kechuang.support.models import Disbursement

app_name = "support"

urlpatterns = [
    path("", views.disbursement_list, name="disbursement_list"),
    path("new/", views.disbursement_create, name="disbursement_create"),
    path("approve/", views.disbursement_approve_many, name="disbursement_approve_many"),
    path("<int:pk>/", views.disbursement_detail, name="disbursement_detail"),
    path("<int:pk>/status/", views.disbursement_transition, name="disbursement_transition"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("entitlements/", views.entitlement_list, name="entitlement_list"),
    path("totals/", views.totals, name="totals"),
    *attachment_urls(Disbursement),
]
