"""Service requests (服务需求): matching commissioners by field and text (transfer's
matching), the workflow table, who sees which requests, serving a request through a log, the
pages and the figures."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from kechuang.commissioners import selectors, services
from kechuang.commissioners.choices import RequesterKind, RequestStatus
from kechuang.commissioners.models import ServiceLog, ServiceRequest
from kechuang.commissioners.tests.helpers import D, log, make_commissioners
from kechuang.core import figures, workflow
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.figure_pages import listed
from kechuang.core.tests.workflow_table import WorkflowTable

TODAY = "2023-05-10"


def village_request(cls, township, actor=None, **extra):
    fields = {
        "requester_kind": RequesterKind.VILLAGE,
        "requester": "章村",
        "township": township,
        "title": "稻田养鱼技术指导",
        "content": "稻鱼共生田鱼养殖，田鱼病害多",
        "fields": "稻鱼共生",
        **extra,
    }
    return services.request_create(actor=actor or cls.staff, **fields)


def tea_request(cls, actor=None, **extra):
    fields = {
        "title": "茶园病虫害防治",
        "content": "春茶采摘前茶园病虫害绿色防控，茶叶品质下降",
        "fields": "茶叶",
        **extra,
    }
    return services.request_create(actor=actor or cls.ent_user_a, **fields)


@override_settings(KECHUANG_TODAY=TODAY)
class MatchingTest(CastTestCase):
    """Commissioners ranked for a request: shared fields, shared terms of their profile
    (fields, institution, services), and an assignment to the request's township."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)  # own: 茶叶、中药材; other: 稻鱼共生、果蔬
        cls.valves = services.commissioner_create(
            actor=cls.staff,
            name="阀门产业特派员",
            kind="industrial",
            institution="浙江理工大学",
            fields="阀门、铸造",
            region=cls.county,
        )
        log(cls, cls.own, cls.township_b, D(2023, 3, 1), content="茶园病虫害绿色防控指导")
        with override_settings(KECHUANG_TODAY=TODAY):
            cls.tea = tea_request(cls)

    def ranked(self, request, user=None):
        return selectors.suggestions(user or self.staff, request)

    def test_a_tea_request_ranks_the_tea_commissioner_first_with_reasons(self):
        found = self.ranked(self.tea)
        self.assertEqual(found[0].commissioner, self.own)
        reasons = found[0].reasons
        self.assertEqual(reasons[0], "领域：茶叶")
        shared = next(r for r in reasons if r.startswith("共同词："))
        self.assertIn("病虫害", shared)
        self.assertIn("茶园", shared)

    def test_a_commissioner_sharing_no_field_or_term_is_not_suggested(self):
        self.assertNotIn(self.valves, [s.commissioner for s in self.ranked(self.tea)])
        fish = village_request(self, self.township_a)
        found = [s.commissioner for s in self.ranked(fish)]
        self.assertEqual(found[0], self.other)
        self.assertNotIn(self.valves, found)

    def test_same_township_assignment_is_preferred_between_equals(self):
        twin = services.commissioner_create(
            actor=self.staff,
            name="茶叶特派员乙",  # sorts after 叶特派 by name
            kind="individual",
            institution=self.own.institution,
            fields=self.own.fields,
            region=self.county,
        )
        log(self, twin, self.township_b, D(2023, 3, 1), content="茶园病虫害绿色防控指导")
        services.assignment_create(
            actor=self.staff, commissioner=twin, township=self.township_a, start=D(2023, 1, 1)
        )
        found = self.ranked(self.tea)
        self.assertEqual([s.commissioner for s in found[:2]], [twin, self.own])
        self.assertIn("同乡镇派驻", found[0].reasons)
        self.assertNotIn("同乡镇派驻", found[1].reasons)
        # An ended assignment no longer counts.
        twin.assignments.update(end=D(2023, 4, 30))
        self.assertNotIn("同乡镇派驻", self.ranked(self.tea)[0].reasons)

    def test_a_township_commissioner_without_overlap_comes_last(self):
        services.assignment_create(
            actor=self.staff,
            commissioner=self.valves,
            township=self.township_a,
            start=D(2023, 1, 1),
        )
        found = self.ranked(self.tea)
        self.assertEqual(found[0].commissioner, self.own)
        self.assertEqual(found[-1].commissioner, self.valves)
        self.assertEqual(found[-1].reasons, ["同乡镇派驻"])

    def test_the_text_alone_matches_when_no_field_is_given(self):
        request = tea_request(self, fields="")
        found = self.ranked(request)
        self.assertEqual(found[0].commissioner, self.own)
        self.assertTrue(found[0].reasons[0].startswith("共同词："))


@override_settings(KECHUANG_TODAY=TODAY)
class RequestWorkflowTest(WorkflowTable, CastTestCase):
    model = ServiceRequest

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)

    def record_in(self, state):
        # Every request names the cast's commissioner: 分派 takes it, as the assign service
        # sets it before taking the move.
        return ServiceRequest.objects.create(
            requester_kind=RequesterKind.ENTERPRISE,
            enterprise=self.ent_a,
            township=self.township_a,
            title="茶园病虫害防治",
            content="茶园病虫害绿色防控",
            status=state,
            commissioner=self.own,
            submitted_on=D(2023, 5, 1),
        )

    def after_move(self, record, transition):
        if transition.target == RequestStatus.SUBMITTED:
            self.assertIsNone(ServiceRequest.objects.get(pk=record.pk).commissioner)

    def test_no_one_moves_a_request_to_served_by_hand(self):
        record = self.record_in(RequestStatus.ASSIGNED)
        with self.assertRaises(PermissionDenied):
            workflow.take(self.staff, record, RequestStatus.SERVED)

    def test_assigning_without_a_commissioner_names_the_field(self):
        record = self.record_in(RequestStatus.SUBMITTED)
        ServiceRequest.objects.filter(pk=record.pk).update(commissioner=None)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, record, RequestStatus.ASSIGNED)
        self.assertIn("commissioner", caught.exception.message_dict)


@override_settings(KECHUANG_TODAY=TODAY)
class RequestServiceTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)
        with override_settings(KECHUANG_TODAY=TODAY):
            cls.own_firm = tea_request(cls)
            cls.village_a = village_request(cls, cls.township_a, actor=cls.liaison_a)
            cls.village_b = village_request(cls, cls.township_b)
            cls.firm_b = tea_request(
                cls, actor=cls.staff, requester_kind="enterprise", enterprise=cls.ent_b
            )

    def visible(self, user):
        return set(ServiceRequest.objects.visible_to(user))

    def test_a_firm_enters_its_own_request_in_its_township(self):
        self.assertEqual(self.own_firm.enterprise, self.ent_a)
        self.assertEqual(self.own_firm.township, self.ent_a.township)
        self.assertEqual(self.own_firm.status, RequestStatus.SUBMITTED)
        self.assertEqual(str(self.own_firm.submitted_on), TODAY)
        # Whatever it names, a firm's user enters its own firm's request.
        other = tea_request(self, enterprise=self.ent_b, requester_kind="village")
        self.assertEqual(other.enterprise, self.ent_a)

    def test_scoping(self):
        all_four = {self.own_firm, self.village_a, self.village_b, self.firm_b}
        self.assertEqual(self.visible(self.staff), all_four)
        self.assertEqual(self.visible(self.liaison_a), {self.own_firm, self.village_a})
        self.assertEqual(self.visible(self.liaison_b), {self.village_b, self.firm_b})
        self.assertEqual(self.visible(self.ent_user_a), {self.own_firm})
        self.assertEqual(self.visible(self.commissioner), set())
        self.assertEqual(self.visible(self.inst_user), set())
        services.request_assign(self.staff, self.village_b, self.own)
        services.request_assign(self.liaison_a, self.village_a, self.other)
        self.assertEqual(self.visible(self.commissioner), {self.village_b})
        self.assertEqual(
            set(ServiceRequest.objects.editable_by(self.commissioner)), {self.village_b}
        )

    def test_liaison_enters_only_its_township_and_firms_cannot_dispatch(self):
        with self.assertRaises(ValidationError) as caught:
            village_request(self, self.township_b, actor=self.liaison_a)
        self.assertIn("township", caught.exception.error_dict)
        with self.assertRaises(PermissionDenied):
            services.request_create(actor=self.commissioner, title="x")
        with self.assertRaises(PermissionDenied):
            services.request_assign(self.ent_user_a, self.own_firm, self.own)
        with self.assertRaises(ValidationError):  # another township's request: not editable
            services.request_assign(self.liaison_a, self.village_b, self.own)
        self.assertEqual(ServiceRequest.objects.filter(commissioner__isnull=False).count(), 0)

    def test_only_the_bureau_and_liaisons_date_a_request_received_earlier(self):
        early = village_request(self, self.township_a, submitted_on=D(2023, 4, 1))
        self.assertEqual(early.submitted_on, D(2023, 4, 1))
        firm = tea_request(self, submitted_on=D(2023, 4, 1))
        self.assertEqual(str(firm.submitted_on), TODAY)
        with self.assertRaises(ValidationError) as caught:
            village_request(self, self.township_a, submitted_on=D(2023, 5, 11))
        self.assertIn("submitted_on", caught.exception.error_dict)

    def test_a_village_request_needs_its_name(self):
        with self.assertRaises(ValidationError) as caught:
            village_request(self, self.township_a, requester="")
        self.assertIn("requester", caught.exception.error_dict)

    def test_assign_then_serve_through_the_log(self):
        assigned = services.request_assign(self.liaison_a, self.own_firm, self.own, "就近")
        self.assertEqual((assigned.status, assigned.commissioner), ("assigned", self.own))
        created = services.log_create(
            actor=self.commissioner,
            commissioner=self.own,
            service_request=assigned,
            served_on=D(2023, 5, 12),
            township=self.township_a,
            place="茶园",
            enterprise=self.ent_a,
            content="病虫害绿色防控指导",
        )
        stored = ServiceRequest.objects.get(pk=assigned.pk)
        self.assertEqual(stored.status, RequestStatus.SERVED)
        self.assertEqual((stored.service_log, stored.served_on), (created, D(2023, 5, 12)))
        moves = [(t.to_state, t.automatic) for t in workflow.history_of(stored)]
        self.assertEqual(moves, [("assigned", False), ("served", True)])
        closed = workflow.take(self.ent_user_a, stored, RequestStatus.CLOSED)
        self.assertEqual(closed.status, RequestStatus.CLOSED)

    def test_a_log_cannot_serve_a_request_of_another_commissioner(self):
        services.request_assign(self.staff, self.own_firm, self.other)
        with self.assertRaises(ValidationError) as caught:
            services.log_create(
                actor=self.staff,
                commissioner=self.own,
                service_request=self.own_firm,
                served_on=D(2023, 5, 12),
                township=self.township_a,
                place="茶园",
                cooperative="茶农",
                content="指导",
            )
        self.assertIn("service_request", caught.exception.error_dict)
        self.assertFalse(ServiceLog.objects.exists())
        self.assertEqual(ServiceRequest.objects.get(pk=self.own_firm.pk).status, "assigned")

    def test_commissioner_returns_a_request_it_cannot_serve(self):
        services.request_assign(self.staff, self.village_a, self.own)
        workflow.take(self.commissioner, self.village_a, RequestStatus.SUBMITTED, comment="不在行")
        stored = ServiceRequest.objects.get(pk=self.village_a.pk)
        self.assertEqual((stored.status, stored.commissioner), ("submitted", None))
        self.assertIn("不在行", stored.note)
        self.assertNotIn(stored, ServiceRequest.objects.visible_to(self.commissioner))


@override_settings(KECHUANG_TODAY=TODAY)
class RequestPagesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)
        with override_settings(KECHUANG_TODAY=TODAY):
            cls.record = tea_request(cls)

    def test_firm_submits_on_the_form(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.post(
            reverse("commissioners:request_create"),
            {"title": "茶叶加工", "content": "绿茶加工工艺改进", "fields": "茶叶"},
        )
        created = ServiceRequest.objects.get(title="茶叶加工")
        self.assertRedirects(response, created.get_absolute_url())
        self.assertEqual(created.enterprise, self.ent_a)

    def test_liaison_enters_a_firm_by_name_and_a_bad_form_names_the_field(self):
        self.client.force_login(self.liaison_a)
        url = reverse("commissioners:request_create")
        data = {"requester_kind": "enterprise", "title": "茶叶加工", "content": "加工"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("enterprise", response.context["form"].errors)
        self.client.post(url, {**data, "enterprise": self.ent_a.name})
        created = ServiceRequest.objects.get(title="茶叶加工")
        self.assertEqual((created.enterprise, created.township), (self.ent_a, self.township_a))

    def test_detail_suggests_and_assigns(self):
        self.client.force_login(self.staff)
        url = self.record.get_absolute_url()
        response = self.client.get(url)
        self.assertContains(response, "领域：茶叶")
        self.assertEqual(response.context["suggestions"][0].commissioner, self.own)
        response = self.client.post(
            reverse("commissioners:request_assign", args=[self.record.pk]),
            {"commissioner": self.own.pk, "comment": ""},
        )
        self.assertRedirects(response, url)
        self.assertEqual(ServiceRequest.objects.get(pk=self.record.pk).commissioner, self.own)

    def test_firm_sees_no_suggestions_and_cannot_assign(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.get(self.record.get_absolute_url())
        self.assertNotIn("suggestions", response.context)
        response = self.client.post(
            reverse("commissioners:request_assign", args=[self.record.pk]),
            {"commissioner": self.own.pk},
        )
        self.assertEqual(response.status_code, 403)

    def test_commissioner_sees_its_requests_at_home_and_logs_from_one(self):
        services.request_assign(self.staff, self.record, self.own)
        self.client.force_login(self.commissioner)
        home = self.client.get(reverse("core:home"))
        widget = next(w for w in home.context["widgets"] if w["title"] == "分派给我的服务需求")
        self.assertEqual(widget["value"], 1)
        listed_page = self.client.get(widget["url"])
        self.assertEqual(list(listed_page.context["page"].object_list), [self.record])
        detail = self.client.get(self.record.get_absolute_url())
        log_url = f"{reverse('commissioners:log_create')}?request={self.record.pk}"
        self.assertContains(detail, log_url)
        form = self.client.get(log_url).context["form"]
        self.assertEqual(form.initial["enterprise"], self.ent_a.credit_code)
        response = self.client.post(
            log_url,
            {
                "served_on": "2023-05-12",
                "township": self.township_a.pk,
                "place": "茶园",
                "enterprise": self.ent_a.credit_code,
                "content": "病虫害防控指导",
            },
        )
        created = ServiceLog.objects.get()
        self.assertRedirects(response, created.get_absolute_url())
        stored = ServiceRequest.objects.get(pk=self.record.pk)
        self.assertEqual((stored.status, stored.service_log), ("served", created))

    def test_the_api_lists_what_the_user_sees(self):
        self.client.force_login(self.ent_user_a)
        rows = self.client.get("/api/service-requests/").json()
        rows = rows.get("results", rows)
        self.assertEqual([r["id"] for r in rows], [self.record.pk])
        self.client.force_login(self.liaison_b)
        rows = self.client.get("/api/service-requests/").json()
        self.assertEqual(rows.get("results", rows), [])


class RequestFiguresTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)
        with override_settings(KECHUANG_TODAY="2023-06-30"):  # last day counted
            cls.served = tea_request(cls)
            services.request_assign(cls.staff, cls.served, cls.own)
            log(cls, cls.own, cls.township_a, D(2023, 6, 30), service_request=cls.served)
            village_request(cls, cls.township_b)
        with override_settings(KECHUANG_TODAY="2023-07-01"):  # after the period
            village_request(cls, cls.township_b)
        with override_settings(KECHUANG_TODAY="2022-12-31"):  # last year
            village_request(cls, cls.township_a)

    def test_counts(self):
        value = figures.value
        self.assertEqual(value("commissioners.requests", "331121", "2023-06"), 2)
        self.assertEqual(value("commissioners.requests", "331121", "2023-07"), 3)
        self.assertEqual(value("commissioners.requests", "331121001", "2023-06"), 1)
        self.assertEqual(value("commissioners.requests_served", "331121", "2023-06"), 1)
        self.assertEqual(value("commissioners.requests_served", "331121", "2022-12"), 0)

    def test_each_source_page_lists_exactly_the_records_counted(self):
        for code in ("commissioners.requests", "commissioners.requests_served"):
            for user, region in (
                (self.staff, self.county),
                (self.liaison_a, self.township_a),
                (self.viewer, self.city),
            ):
                counted, shown, _ = listed(self, user, code, region, "2023-07")
                self.assertTrue(counted, code)
                self.assertEqual(shown, counted, (code, user.username))
