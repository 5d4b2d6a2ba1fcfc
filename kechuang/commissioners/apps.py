from django.apps import AppConfig


class CommissionersConfig(AppConfig):
    name = "kechuang.commissioners"
    label = "commissioners"
    verbose_name = "科技特派员"

    def home_widgets(self, user):
        from kechuang.commissioners.selectors import home_widgets

        return home_widgets(user)
