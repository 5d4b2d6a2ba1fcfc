from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "kechuang.eligibility"
    label = "eligibility"
    verbose_name = "资格评估"

    def enterprise_sections(self, enterprise, user):
        """The record page's 资格自评 section: today's verdicts, linking to the details."""
        from kechuang.core import clock
        from kechuang.eligibility.screening import self_check
        from kechuang.eligibility.views import SELF_CHECK_POLICIES
        from kechuang.enterprises.models import Enterprise, Tier

        results = self_check(
            Enterprise.objects.filter(pk=enterprise.pk),
            SELF_CHECK_POLICIES,
            as_of=clock.today(),
        )
        names = dict(
            Tier.objects.filter(policy__in=SELF_CHECK_POLICIES).values_list("policy", "name")
        )
        return [
            {
                "title": "资格自评",
                "template": "eligibility/_section_self_check.html",
                "context": {
                    "enterprise": enterprise,
                    "results": [(names.get(r.policy, r.policy), r) for r in results],
                },
            }
        ]
