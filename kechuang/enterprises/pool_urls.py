"""URLs of the cultivation pool and the ladder alerts (app namespace "enterprises")."""

from django.urls import path

from kechuang.enterprises.api_pool import PoolFunnelView
from kechuang.enterprises.views import alerts, pool

urlpatterns = [
    path("pool/", pool.poolentry_list, name="poolentry_list"),
    path("pool/new/", pool.poolentry_create, name="poolentry_create"),
    path("pool/funnel/", pool.poolentry_funnel, name="poolentry_funnel"),
    path("pool/funnel/data/", PoolFunnelView.as_view(), name="poolentry_funnel_data"),
    path("pool/<int:pk>/", pool.poolentry_detail, name="poolentry_detail"),
    path("pool/<int:pk>/status/", pool.poolentry_transition, name="poolentry_transition"),
    path("pool/<int:pk>/assign/", pool.poolentry_assign, name="poolentry_assign"),
    path("pool/<int:pk>/visits/new/", pool.visit_create, name="visit_create"),
    path("alerts/deadlines/", alerts.alert_deadlines, name="alert_deadlines"),
    path("alerts/expiring/", alerts.alert_expiring, name="alert_expiring"),
    path("alerts/unrenewed/", alerts.alert_unrenewed, name="alert_unrenewed"),
    path("ladder-settings/", alerts.ladder_settings_edit, name="ladder_settings_edit"),
]
