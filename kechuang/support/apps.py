from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "kechuang.support"
    label = "support"
    verbose_name = "政策兑现"

    def home_widgets(self, user):
        from kechuang.support.selectors import home_widgets

        return home_widgets(user)

    def enterprise_sections(self, enterprise, user):
        """The firm's payments and entitlements on its record page."""
        from kechuang.support.selectors import enterprise_sections

        return enterprise_sections(user, enterprise)
