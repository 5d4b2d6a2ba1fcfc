from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "kechuang.transfer"
    label = "transfer"
    verbose_name = "成果转化"

    def enterprise_sections(self, enterprise, user):
        """The firm's technology demands on its record page."""
        from kechuang.transfer.selectors import enterprise_sections

        return enterprise_sections(enterprise, user)

    def institution_sections(self, institution, user):
        """The institution's achievements on its record page."""
        from kechuang.transfer.selectors import institution_sections

        return institution_sections(institution, user)

    def home_widgets(self, user):
        from kechuang.transfer.selectors import home_widgets

        return home_widgets(user)
