from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "kechuang.talent"
    label = "talent"
    verbose_name = "人才项目"

    def enterprise_sections(self, enterprise, user):
        """The firm's talent projects on its record page."""
        from kechuang.talent.selectors import project_sections

        return project_sections(user, enterprise)
