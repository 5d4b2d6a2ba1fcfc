from django.urls import path

from kechuang.core.attachment_views import attachment_urls
from kechuang.platforms import views
from kechuang.platforms.models import Platform

app_name = "platforms"

urlpatterns = [
    path("", views.platform_list, name="platform_list"),
    path("new/", views.platform_create, name="platform_create"),
    path("<int:pk>/", views.platform_detail, name="platform_detail"),
    path("<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path("<int:pk>/status/", views.platform_transition, name="platform_transition"),
    path("<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation_edit"),
    *attachment_urls(Platform),
]
