from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "kechuang.eligibility"
    label = "eligibility"
    verbose_name = "资格评估"
