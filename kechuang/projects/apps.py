from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "kechuang.projects"
    label = "projects"
    verbose_name = "科技项目"

    def home_widgets(self, user):
        from kechuang.projects.selectors import home_widgets

        return home_widgets(user)

    def enterprise_sections(self, enterprise, user):
        from kechuang.projects.selectors import enterprise_sections

        return enterprise_sections(enterprise, user)

    def institution_sections(self, institution, user):
        from kechuang.projects.selectors import institution_sections

        return institution_sections(institution, user)
