from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "kechuang.loans"
    label = "loans"
    verbose_name = "科技贷款"

    def enterprise_sections(self, enterprise, user):
        """The firm's loan recommendations on its record page."""
        from kechuang.loans.selectors import loan_sections

        return loan_sections(user, enterprise)
