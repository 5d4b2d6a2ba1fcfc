from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "kechuang.challenges"
    label = "challenges"
    verbose_name = "揭榜挂帅"

    def enterprise_sections(self, enterprise, user):
        from kechuang.challenges.selectors import enterprise_sections

        return enterprise_sections(enterprise, user)

    def institution_sections(self, institution, user):
        from kechuang.challenges.selectors import institution_sections

        return institution_sections(institution, user)

    def home_widgets(self, user):
        from kechuang.challenges.selectors import home_widgets

        return home_widgets(user)
