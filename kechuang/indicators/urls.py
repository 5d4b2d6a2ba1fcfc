from django.urls import path

from kechuang.indicators import api, views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sources/", views.sources, name="sources"),
    path("firms/", views.firms, name="firms"),
    path("api/table/", api.IndicatorTableView.as_view(), name="api_table"),
    path("api/trend/", api.TrendView.as_view(), name="api_trend"),
    path("api/yearly/", api.YearlyView.as_view(), name="api_yearly"),
    path("api/ranking/", api.RankingView.as_view(), name="api_ranking"),
    path("api/children/", api.ChildrenView.as_view(), name="api_children"),
]
