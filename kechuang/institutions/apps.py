from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "kechuang.institutions"
    label = "institutions"
    verbose_name = "院所"

    def home_widgets(self, user):
        from kechuang.institutions.selectors import home_widgets

        return home_widgets(user)
