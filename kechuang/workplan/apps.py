from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "kechuang.workplan"
    label = "workplan"
    verbose_name = "工作计划"

    def home_widgets(self, user):
        from kechuang.workplan.selectors import home_widgets

        return home_widgets(user)

    def report_next_steps(self, region, period):
        from kechuang.workplan.selectors import next_steps

        return next_steps(region, period)
