from django.urls import path

from kechuang.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("download/", views.report_download, name="download"),
]
