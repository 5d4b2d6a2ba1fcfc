from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "kechuang.liaison"
    label = "liaison"
    verbose_name = "科技干部联系乡镇"

    def home_widgets(self, user):
        from kechuang.liaison.selectors import home_widgets

        return home_widgets(user)
