from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "kechuang.platforms"
    label = "platforms"
    verbose_name = "科创平台"

    def enterprise_sections(self, enterprise, user):
        """The firm's platforms on its record page."""
        from kechuang.platforms.selectors import platform_sections

        return platform_sections(user, enterprise=enterprise)

    def institution_sections(self, institution, user):
        """The institution's platforms on its record page."""
        from kechuang.platforms.selectors import platform_sections

        return platform_sections(user, institution=institution)
