from django.urls import path

from kechuang.core.attachment_views import attachment_urls
from kechuang.talent import views
from kechuang.talent.models import TalentProject

app_name = "talent"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/status/", views.project_transition, name="project_transition"),
    path("<int:pk>/payments/", views.payment_create, name="payment_create"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    *attachment_urls(TalentProject),
]
