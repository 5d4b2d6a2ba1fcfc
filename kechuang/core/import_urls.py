from django.urls import path

from kechuang.core import import_views

app_name = "imports"

urlpatterns = [
    path("<str:kind>/", import_views.import_upload, name="upload"),
    path("<str:kind>/confirm/", import_views.import_confirm, name="confirm"),
    path("<str:kind>/template/", import_views.template_download, name="template"),
    path("<str:kind>/export/", import_views.export, name="export"),
]
