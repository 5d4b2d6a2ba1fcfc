from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "kechuang.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def home_widgets(self, user):
        from kechuang.enterprises.selectors import home_widgets

        return home_widgets(user)
