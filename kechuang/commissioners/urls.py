from django.urls import include, path

from kechuang.commissioners import views
from kechuang.commissioners.models import ServiceLog
from kechuang.core.attachment_views import attachment_urls

app_name = "commissioners"

urlpatterns = [
    path("", views.commissioner_list, name="commissioner_list"),
    path("new/", views.commissioner_create, name="commissioner_create"),
    path("<int:pk>/", views.commissioner_detail, name="commissioner_detail"),
    path("<int:pk>/edit/", views.commissioner_edit, name="commissioner_edit"),
    path("<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("coverage/", views.coverage, name="coverage"),
    path("logs/", views.log_list, name="log_list"),
    path("logs/new/", views.log_create, name="log_create"),
    path("logs/<int:pk>/", views.log_detail, name="log_detail"),
    path("logs/<int:pk>/edit/", views.log_edit, name="log_edit"),
    path("logs/", include(attachment_urls(ServiceLog))),
]

urlpatterns += [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/transition/", views.request_transition, name="request_transition"),
]
