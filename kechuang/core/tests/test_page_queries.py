"""Page cost: every page issues a bounded number of queries whatever the number of rows.

Each page of the site (the URL patterns, walked as the boundary test walks them, so a new
page is covered without new test code) is requested with a small dataset, then again after
every record of it has been copied three more times; the number of queries must not change
and must stay within the page's recorded baseline (NetBox's query counts). A page missing
from BASELINES fails with a message naming it: measure it and record its count. URLs that
only take POST (GET answers 405 or redirects) are recorded as None; a page with an id names
the model of its record in RECORDS.
"""

from __future__ import annotations

import copy
import datetime
import itertools

from django.db import connection, models
from django.db.models.base import ModelState
from django.test.utils import CaptureQueriesContext

from kechuang.core.models import Region
from kechuang.core.tests import boundary
from kechuang.core.tests.cast import CastTestCase
from kechuang.indicators.models import Indicator

# Sign-in pages, and an export that needs the screening's parameters (not a page).
SKIPPED = {
    "core:login",
    "core:logout",
    "core:password_change",
    "core:password_change_done",
    "eligibility:screening_export",
}
COPIES = 3

# URL name -> most queries the page may issue (None: the URL only takes POST).
BASELINES: dict[str, int | None] = {
    "challenges:bid_attachments": 5,
    "challenges:bid_contract": 7,
    "challenges:bid_create": 4,
    "challenges:bid_detail": 8,
    "challenges:bid_edit": 8,
    "challenges:bid_list": 5,
    "challenges:bid_project": None,
    "challenges:bid_transition": None,
    "challenges:challenge_attachments": 5,
    "challenges:challenge_create": 4,
    "challenges:challenge_detail": 15,
    "challenges:challenge_edit": 7,
    "challenges:challenge_list": 4,
    "challenges:challenge_transition": None,
    "challenges:challengelist_create": 3,
    "challenges:challengelist_edit": 5,
    "challenges:challengelist_list": 4,
    "challenges:challengelist_publish": None,
    "challenges:open_detail": 3,
    "challenges:open_list": 4,
    "challenges:review_edit": 10,
    "challenges:reviewer_assign": None,
    "challenges:reviewer_remove": None,
    "core:apitoken_list": 3,
    "core:apitoken_revoke": None,
    "core:attachment_delete": None,
    "core:attachment_download": 3,
    "core:auditevent_list": 4,
    "core:home": 19,  # + requests waiting, applications waiting, a cadre's firms, plan tasks
    "core:record_history": 5,
    "eligibility:screening": 6,
    "eligibility:self_check": 7,
    "eligibility:self_check_enterprise": 6,
    "enterprises:alert_deadlines": 5,
    "enterprises:alert_expiring": 4,
    "enterprises:alert_unrenewed": 3,
    "enterprises:enterprise_attachments": 5,
    "platforms:platform_attachments": 5,
    "projects:project_attachments": 5,
    "enterprises:enterprise_create": 3,
    "enterprises:enterprise_detail": 34,
    "enterprises:enterprise_edit": 5,
    "enterprises:enterprise_list": 5,
    "enterprises:enterpriseyear_create": 4,
    "enterprises:enterpriseyear_edit": 5,
    "enterprises:ladder_settings_edit": 4,
    "enterprises:plaque_deliver": 8,
    "enterprises:plaque_list": 4,
    "enterprises:plaquedelivery_attachments": 5,
    "enterprises:plaquedelivery_list": 5,
    "enterprises:poolentry_assign": None,
    "enterprises:poolentry_create": 5,
    "enterprises:poolentry_detail": 10,
    "enterprises:poolentry_funnel": 4,
    "enterprises:poolentry_funnel_data": 3,
    "enterprises:poolentry_list": 8,
    "enterprises:poolentry_transition": None,
    "enterprises:qualification_counts": 3,
    "enterprises:qualification_create": 6,
    "enterprises:qualification_edit": 7,
    "enterprises:qualification_list": 6,
    "enterprises:tier_create": 3,
    "enterprises:tier_edit": 5,
    "enterprises:tier_list": 4,
    "enterprises:visit_create": None,
    "enterprises:enterprise_visit_create": 4,
    "enterprises:visit_attachments": 5,
    "enterprises:visit_detail": 9,
    "enterprises:visit_list": 5,
    "liaison:cadre_table": 7,
    "liaison:link_create": 4,
    "liaison:link_detail": 7,
    "liaison:link_edit": 8,
    "liaison:link_end": None,
    "liaison:link_list": 6,
    "healthz": 3,
    "jobs:detail": 3,
    "loans:loan_create": 3,
    "loans:loan_detail": 9,
    "loans:loan_edit": 6,
    "loans:loan_list": 8,
    "loans:loan_transition": None,
    "loans:loanrecommendation_attachments": 5,
    "jobs:list": 4,
    "jobs:progress": 3,
    "jobs:undo": None,
    "indicators:api_children": 9,
    "indicators:api_ranking": 7,
    "indicators:api_table": 10,
    "indicators:api_trend": 6,
    "indicators:api_yearly": 6,
    "indicators:dashboard": 16,
    "indicators:firms": 7,
    "indicators:sources": 8,
    "institutions:institution_create": 3,
    "institutions:institution_detail": 9,
    "institutions:institution_edit": 5,
    "institutions:institution_list": 4,
    "projects:call_create": 4,
    "projects:call_detail": 7,
    "projects:call_edit": 5,
    "projects:milestone_alerts": 3,
    "projects:milestone_create": None,
    "projects:milestone_done": None,
    "projects:output_create": None,
    "projects:program_create": 3,
    "projects:program_detail": 6,
    "projects:program_edit": 5,
    "projects:program_list": 5,
    "projects:project_create": 9,
    "projects:project_detail": 13,
    "projects:project_edit": 8,
    "projects:project_list": 5,
    # every figure of the report and the indicators' latest months (bounded, not per row)
    "reports:download": 116,  # about one query per figure of the outline (to batch)
    "reports:report": 138,  # about one query per figure of the outline (to batch)
    "projects:project_transition": None,
    "transfer:achievement_create": 6,
    "transfer:achievement_detail": 12,
    "transfer:achievement_edit": 8,
    "transfer:achievement_list": 5,
    "transfer:chain_detail": 13,
    "transfer:chain_list": 6,
    "transfer:chain_map_data": 8,
    "transfer:contract_create": 10,
    "transfer:contract_detail": 11,
    "transfer:contract_edit": 12,
    "transfer:contract_list": 5,
    "platforms:evaluation_create": 4,
    "platforms:evaluation_edit": 5,
    "platforms:platform_create": 3,
    "platforms:platform_detail": 10,
    "platforms:platform_edit": 6,
    "platforms:platform_list": 5,
    "commissioners:assignment_create": 5,
    "commissioners:commissioner_create": 4,
    "commissioners:commissioner_detail": 6,
    "commissioners:commissioner_edit": 6,
    "commissioners:evaluation_create": 4,
    "commissioners:commissioner_list": 4,
    "commissioners:coverage": 5,
    "commissioners:log_create": 5,
    "commissioners:log_detail": 8,
    "commissioners:log_edit": 6,
    "commissioners:log_list": 5,
    "commissioners:servicelog_attachments": 5,
    "commissioners:request_assign": None,
    "commissioners:request_create": 3,
    "commissioners:request_detail": 10,
    "commissioners:request_list": 5,
    "commissioners:request_transition": None,
    "platforms:platform_transition": None,
    "transfer:demand_create": 4,
    "transfer:demand_detail": 13,
    "transfer:demand_edit": 7,
    "talent:payment_create": None,
    "workplan:due_soon": 5,
    "workplan:late": 5,
    "workplan:milestone_create": None,
    "workplan:milestone_edit": 6,
    "workplan:my_tasks": 5,
    "workplan:plan_attachments": 5,
    "workplan:plan_create": 3,
    "workplan:plan_detail": 9,
    "workplan:plan_edit": 5,
    "workplan:plan_list": 3,
    "workplan:plan_timeline": 6,
    "workplan:progress_create": None,
    "workplan:progressupdate_attachments": 5,
    "workplan:task_create": 8,
    "workplan:task_detail": 10,
    "workplan:task_edit": 10,
    "talent:program_create": 2,
    "talent:program_edit": 4,
    "talent:program_list": 3,
    "talent:project_create": 3,
    "talent:project_detail": 12,
    "talent:project_edit": 6,
    "talent:project_list": 6,
    "talent:project_transition": None,
    "talent:talentproject_attachments": 5,
    "support:disbursement_approve_many": None,
    "support:disbursement_attachments": 5,
    "support:disbursement_create": 4,
    "support:disbursement_detail": 11,
    "support:disbursement_list": 8,
    "support:disbursement_transition": None,
    "support:entitlement_list": 12,
    "support:policy_detail": 5,
    "support:policy_list": 4,
    "support:totals": 3,
    "transfer:demand_list": 6,
    "transfer:demand_transition": None,
    "transfer:event_create": 7,
    "transfer:event_detail": 10,
    "transfer:event_edit": 14,
    "transfer:event_list": 4,
    "transfer:match_accept": None,
    "transfer:match_pipeline": 5,
    "transfer:match_reject": None,
    "transfer:match_transition": None,
}

# URL name of a page with an id -> the model whose record it shows.
RECORDS: dict[str, str] = {
    "core:apitoken_revoke": "enterprises.Enterprise",
    "core:attachment_delete": "core.Attachment",
    "core:attachment_download": "core.Attachment",
    "core:record_history": "enterprises.Enterprise",
    "eligibility:self_check_enterprise": "enterprises.Enterprise",
    "enterprises:enterprise_attachments": "enterprises.Enterprise",
    "platforms:platform_attachments": "platforms.Platform",
    "commissioners:commissioner_detail": "commissioners.Commissioner",
    "commissioners:commissioner_edit": "commissioners.Commissioner",
    "commissioners:assignment_create": "commissioners.Commissioner",
    "commissioners:evaluation_create": "commissioners.Commissioner",
    "commissioners:log_detail": "commissioners.ServiceLog",
    "commissioners:log_edit": "commissioners.ServiceLog",
    "commissioners:servicelog_attachments": "commissioners.ServiceLog",
    "commissioners:request_detail": "commissioners.ServiceRequest",
    "commissioners:request_assign": "commissioners.ServiceRequest",
    "commissioners:request_transition": "commissioners.ServiceRequest",
    "projects:project_attachments": "projects.Project",
    "enterprises:enterprise_detail": "enterprises.Enterprise",
    "enterprises:enterprise_edit": "enterprises.Enterprise",
    "enterprises:qualification_create": "enterprises.Enterprise",
    "enterprises:qualification_edit": "enterprises.Qualification",
    "enterprises:tier_edit": "enterprises.Tier",
    "enterprises:enterpriseyear_create": "enterprises.Enterprise",
    "enterprises:enterpriseyear_edit": "enterprises.EnterpriseYear",
    "enterprises:poolentry_detail": "enterprises.PoolEntry",
    "enterprises:poolentry_transition": "enterprises.PoolEntry",
    "enterprises:poolentry_assign": "enterprises.PoolEntry",
    "enterprises:visit_create": "enterprises.PoolEntry",
    "enterprises:enterprise_visit_create": "enterprises.Enterprise",
    "enterprises:visit_detail": "enterprises.Visit",
    "enterprises:visit_attachments": "enterprises.Visit",
    "liaison:link_detail": "liaison.CadreLink",
    "liaison:link_edit": "liaison.CadreLink",
    "liaison:link_end": "liaison.CadreLink",
    "institutions:institution_detail": "institutions.Institution",
    "institutions:institution_edit": "institutions.Institution",
    "platforms:platform_detail": "platforms.Platform",
    "platforms:platform_edit": "platforms.Platform",
    "platforms:platform_transition": "platforms.Platform",
    "platforms:evaluation_create": "platforms.Platform",
    "platforms:evaluation_edit": "platforms.PlatformEvaluation",
    "transfer:demand_detail": "transfer.Demand",
    "transfer:demand_edit": "transfer.Demand",
    "transfer:demand_transition": "transfer.Demand",
    "transfer:match_accept": "transfer.Demand",
    "transfer:match_reject": "transfer.Demand",
    "transfer:achievement_detail": "transfer.Achievement",
    "transfer:achievement_edit": "transfer.Achievement",
    "transfer:match_transition": "transfer.Match",
    "transfer:contract_detail": "transfer.TechContract",
    "transfer:contract_edit": "transfer.TechContract",
    "transfer:chain_detail": "transfer.IndustryChain",
    "transfer:chain_map_data": "transfer.IndustryChain",
    "transfer:event_detail": "transfer.MatchmakingEvent",
    "transfer:event_edit": "transfer.MatchmakingEvent",
    "jobs:detail": "core.Job",
    "jobs:progress": "core.Job",
    "projects:call_create": "projects.Program",
    "projects:call_detail": "projects.Call",
    "projects:call_edit": "projects.Call",
    "projects:milestone_create": "projects.Project",
    "projects:milestone_done": "projects.Milestone",
    "projects:output_create": "projects.Project",
    "projects:program_detail": "projects.Program",
    "projects:program_edit": "projects.Program",
    "projects:project_detail": "projects.Project",
    "projects:project_edit": "projects.Project",
    "projects:project_transition": "projects.Project",
    "jobs:undo": "core.Job",
    "challenges:open_detail": "challenges.Challenge",
    "challenges:challenge_detail": "challenges.Challenge",
    "challenges:challenge_edit": "challenges.Challenge",
    "challenges:challenge_transition": "challenges.Challenge",
    "challenges:challenge_attachments": "challenges.Challenge",
    "challenges:bid_create": "challenges.Challenge",
    "challenges:reviewer_assign": "challenges.Challenge",
    "challenges:reviewer_remove": "challenges.ChallengeReviewer",
    "challenges:challengelist_edit": "challenges.ChallengeList",
    "challenges:challengelist_publish": "challenges.ChallengeList",
    "challenges:bid_detail": "challenges.Bid",
    "challenges:bid_edit": "challenges.Bid",
    "challenges:bid_transition": "challenges.Bid",
    "challenges:bid_attachments": "challenges.Bid",
    "challenges:review_edit": "challenges.Bid",
    "challenges:bid_contract": "challenges.Bid",
    "challenges:bid_project": "challenges.Bid",
    "talent:project_detail": "talent.TalentProject",
    "talent:project_edit": "talent.TalentProject",
    "talent:project_transition": "talent.TalentProject",
    "talent:payment_create": "talent.TalentProject",
    "workplan:plan_detail": "workplan.Plan",
    "workplan:plan_edit": "workplan.Plan",
    "workplan:plan_timeline": "workplan.Plan",
    "workplan:plan_attachments": "workplan.Plan",
    "workplan:task_create": "workplan.Plan",
    "workplan:task_detail": "workplan.Task",
    "workplan:task_edit": "workplan.Task",
    "workplan:milestone_create": "workplan.Task",
    "workplan:progress_create": "workplan.Task",
    "workplan:milestone_edit": "workplan.Milestone",
    "workplan:progressupdate_attachments": "workplan.ProgressUpdate",
    "talent:talentproject_attachments": "talent.TalentProject",
    "loans:loan_detail": "loans.LoanRecommendation",
    "loans:loan_edit": "loans.LoanRecommendation",
    "loans:loan_transition": "loans.LoanRecommendation",
    "loans:loanrecommendation_attachments": "loans.LoanRecommendation",
    "enterprises:plaque_deliver": "enterprises.Qualification",
    "enterprises:plaquedelivery_attachments": "enterprises.PlaqueDelivery",
    "talent:program_edit": "talent.TalentProgram",
    "support:disbursement_detail": "support.Disbursement",
    "support:disbursement_transition": "support.Disbursement",
    "support:disbursement_attachments": "support.Disbursement",
    "support:policy_detail": "support.Policy",
}

# Pages that show nothing without a query: the one they are requested with.
QUERIES = {
    "indicators:dashboard": "?region=330102&period=2023-04",
    "indicators:sources": "?region=330102&period=2023-04",
    "indicators:firms": "?region=330102&period=2023-04",
    "indicators:api_table": "?region=330102&period=2023-04",
    "indicators:api_children": "?region=330100&period=2023-04",
    "indicators:api_trend": "?region=330102&indicator={indicator}&years=2022,2023",
    "indicators:api_yearly": "?region=330102&indicator={indicator}",
    "indicators:api_ranking": "?parent=330100&indicator={indicator}&period=2023-04",
    "reports:report": "?region=331121&period=2023-06&kind=half-year",
    "reports:download": "?region=331121&period=2023-06&kind=half-year",
}

# Pages the superuser does not see: requested as this member of the cast instead.
USERS = {
    "eligibility:self_check": "ent_user_a",
    "enterprises:ladder_settings_edit": "staff",
    # Only the challenge's assigned reviewers score its bids.
    "challenges:review_edit": "staff",
}


_serial = itertools.count(1)


def _vary(obj, n: int, copy_index: int, copies_of: dict) -> None:
    """Makes a copy unique again: one field of each unique set gets a new value (a set of
    relations only points at the matching copy of its first related record instead)."""
    meta = obj._meta
    sets = [(f.name,) for f in meta.concrete_fields if f.unique and not f.primary_key]
    sets += [tuple(u) for u in meta.unique_together]
    sets += [c.fields for c in meta.constraints if isinstance(c, models.UniqueConstraint)]
    for names in sets:
        fields = [meta.get_field(name) for name in names]
        field = next((f for f in fields if not f.is_relation), None)
        if field is None:
            for relation in fields:
                key = (relation.related_model, getattr(obj, relation.attname))
                if copies_of.get(key):
                    setattr(obj, relation.attname, copies_of[key][copy_index].pk)
                    break
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.CharField | models.TextField):
            suffix = f"~{n}"
            value = (value or "")[: (field.max_length or 100) - len(suffix)] + suffix
        elif isinstance(field, models.DateTimeField):
            value = value - datetime.timedelta(seconds=n)
        elif isinstance(field, models.DateField):
            value = value - datetime.timedelta(days=n)
        elif isinstance(field, models.IntegerField | models.DecimalField):
            value = value - n
        setattr(obj, field.attname, value)


def grow(records, copies: int) -> None:
    """`copies` more of every record (regions aside), attached to the same parents."""
    copies_of: dict = {}
    for record in records:
        if isinstance(record, Region):
            continue
        made = copies_of.setdefault((type(record), record.pk), [])
        for index in range(copies):
            clone = copy.copy(record)
            clone._state = ModelState()
            clone.pk = None
            _vary(clone, next(_serial), index, copies_of)
            clone.save(force_insert=True)
            made.append(clone)


class PageQueriesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outside = boundary.build_outside(cls)
        cls.indicator = Indicator.objects.order_by("pk").first().code

    def pages(self):
        for endpoint in boundary.endpoints():
            if endpoint.name in SKIPPED:
                continue
            if endpoint.kwargs in ([], ["pk"], ["app_label", "model_name", "pk"]):
                yield endpoint

    def path(self, endpoint) -> str:
        if not endpoint.kwargs:
            query = QUERIES.get(endpoint.name, "")
            return boundary.fill(endpoint.route, {}) + query.format(indicator=self.indicator)
        label = RECORDS.get(endpoint.name)
        self.assertIsNotNone(label, f"{endpoint.name}：在 RECORDS 中写明该页面显示哪个模型的记录")
        record = next(o for o in self.outside if o._meta.label == label)
        values = {"pk": record.pk, "app_label": record._meta.app_label}
        values["model_name"] = record._meta.model_name
        return boundary.fill(endpoint.route, values)

    def count(self, endpoint, path: str) -> int | None:
        user = getattr(self, USERS.get(endpoint.name, "admin"))
        self.client.force_login(user)
        self.client.get(path)  # warm caches a first request fills
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        if response.status_code in (302, 405):  # a form's POST target, not a page
            return None
        self.assertEqual(response.status_code, 200, f"{endpoint.name} {path}")
        return len(queries)

    def test_every_page_issues_a_bounded_number_of_queries(self):
        pages = [(e, self.path(e)) for e in self.pages()]
        before = {e.name: self.count(e, path) for e, path in pages}
        grow(self.outside, COPIES)
        after = {e.name: self.count(e, path) for e, path in pages}
        missing = sorted(name for name in before if name not in BASELINES)
        if missing:
            self.fail(
                "这些页面没有查询数基线，请测量后写入 BASELINES："
                + "，".join(f"{n}={before[n]}" for n in missing)
            )
        for name, count in before.items():
            with self.subTest(page=name):
                self.assertEqual(after[name], count, f"{name}：查询数随行数增长")
                if count is not None:
                    self.assertLessEqual(count, BASELINES[name], f"{name}：查询数超过基线")
