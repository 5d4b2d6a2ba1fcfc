from django.contrib.auth import views as auth_views
from django.urls import path

from kechuang.core import attachment_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("tokens/", views.apitoken_list, name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.apitoken_revoke, name="apitoken_revoke"),
    path("changes/", views.auditevent_list, name="auditevent_list"),
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/",
        views.record_history,
        name="record_history",
    ),
    path("files/<int:pk>/", attachment_views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/delete/", attachment_views.attachment_delete, name="attachment_delete"),
]
