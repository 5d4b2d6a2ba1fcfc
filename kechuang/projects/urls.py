from django.urls import path

from kechuang.core.attachment_views import attachment_urls
from kechuang.projects import views
from kechuang.projects.models import Project

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/status/", views.project_transition, name="project_transition"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("<int:pk>/outputs/new/", views.output_create, name="output_create"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("alerts/", views.milestone_alerts, name="milestone_alerts"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    *attachment_urls(Project),
]
