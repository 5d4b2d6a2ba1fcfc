from django.urls import include, path

from kechuang.core.attachment_views import attachment_urls
from kechuang.workplan import views
from kechuang.workplan.models import Plan, ProgressUpdate

app_name = "workplan"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("due/", views.due_soon, name="due_soon"),
    path("late/", views.late, name="late"),
    path("mine/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/timeline/", views.plan_timeline, name="plan_timeline"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
    path("tasks/<int:pk>/progress/", views.progress_create, name="progress_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    *attachment_urls(Plan),
    path("updates/", include(attachment_urls(ProgressUpdate))),
]
