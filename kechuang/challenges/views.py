"""Challenge board pages: lists (榜单), challenges, bids, reviews, the selection's contract
and project, and the public open page. Each view says who may use it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.challenges import selectors, services
from kechuang.challenges.choices import BID_WORKFLOW, LIVE_BID_STATUSES, BidStatus
from kechuang.challenges.filters import BidFilter, ChallengeFilter
from kechuang.challenges.forms import (
    BidForm,
    ChallengeForm,
    ChallengeListForm,
    ContractForm,
    ReviewerForm,
    ReviewForm,
)
from kechuang.challenges.models import Bid, Challenge, ChallengeList, ChallengeReviewer
from kechuang.core import clock, concurrency, workflow
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- public --------------------------------------------------------------------------------


def open_list(request):
    """Anyone, signed in or not: the challenges taking bids now, public fields only."""
    page, query = paginate(request, selectors.open_challenges())
    return render(request, "challenges/open_list.html", {"page": page, "query": query})


def open_detail(request, pk: int):
    """Anyone: one challenge taking bids now, public fields only; others are not found."""
    found = selectors.open_challenges().filter(pk=pk).first()
    if found is None:
        raise Http404("榜题不存在或不在揭榜期内")
    return render(request, "challenges/open_detail.html", {"c": found})


# --- lists (榜单) --------------------------------------------------------------------------


def challengelist_list(request):
    """Every signed-in user: the lists they may see (published ones, and their county's)."""
    lists = selectors.lists_for(request.user).order_by("-year", "-opens_on", "pk")
    page, query = paginate(request, lists)
    context = {"page": page, "query": query, "may_create": services.may_manage(request.user)}
    return render(request, "challenges/challengelist_list.html", context)


def challengelist_create(request):
    """Bureau staff and leaders: open a list for their county."""
    if not services.may_manage(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以编制榜单")
    form = ChallengeListForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.challenge_list_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已建立榜单“{record}”")
            return redirect("challenges:challengelist_list")
    return render(request, "challenges/challengelist_edit.html", {"form": form, "creating": True})


def challengelist_edit(request, pk: int):
    """Bureau staff and leaders of the list's county: change it."""
    record = get_editable_or_403(ChallengeList, request.user, pk=pk)
    if not services.may_manage(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以编制榜单")
    form = ChallengeListForm(request.POST or None, instance=record, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(record, form.version):
                services.challenge_list_save(
                    actor=request.user, challenge_list=record, **form.cleaned_data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "榜单已保存")
            return redirect("challenges:challengelist_list")
    context = {"form": form, "challenge_list": record, "creating": False}
    return render(request, "challenges/challengelist_edit.html", context)


@require_POST
def challengelist_publish(request, pk: int):
    """Bureau staff and leaders of the list's county: publish it with its approved challenges."""
    record = get_editable_or_403(ChallengeList, request.user, pk=pk)
    try:
        services.challenge_list_publish(actor=request.user, challenge_list=record)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"榜单“{record}”已发布")
    return redirect("challenges:challengelist_list")


# --- challenges ----------------------------------------------------------------------------


def challenge_list(request):
    """Every signed-in user: the challenges they may see (a firm: its own and the published)."""
    filterset = ChallengeFilter(
        request.GET or None, queryset=selectors.challenge_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_post_challenge(request.user),
    }
    template = page_or_fragment(
        request, "challenges/challenge_list.html", "challenges/challenge_table.html"
    )
    return render(request, template, context)


def _bid_rows(request, challenge: Challenge) -> list[tuple[Bid, workflow.Moves]]:
    """The bids the user reads, with the moves the user may take on each (one query for
    which the user may change, whatever the number of bids)."""
    bids = list(selectors.bids_on(challenge, request.user))
    editable = set(
        Bid.objects.editable_by(request.user)
        .filter(challenge=challenge)
        .values_list("pk", flat=True)
    )
    return [
        (b, BID_WORKFLOW.moves(request.user, b.status) if b.pk in editable else workflow.Moves())
        for b in bids
    ]


def _detail_context(request, challenge: Challenge, **extra) -> dict:
    user = request.user
    editable = challenge.editable
    bid_rows = _bid_rows(request, challenge)
    managing = editable and services.may_manage(user)
    own = [
        b for b, _ in bid_rows if user.institution_id and b.institution_id == user.institution_id
    ]
    context = {
        "challenge": challenge,
        "editable": editable,
        "managing": managing,
        "moves": workflow.moves_for(user, challenge, editable=editable),
        "transitions": (
            workflow.history_of(challenge, *(b for b, _ in bid_rows)) if editable else None
        ),
        "bid_rows": bid_rows,
        "matrix": selectors.review_matrix(challenge, user) if managing else None,
        "reviewers": list(selectors.reviewers_of(challenge, user)) if managing else [],
        "may_bid": services.may_bid(user)
        and challenge.status == "published"
        and services.is_open(challenge.challenge_list)
        and not any(b.status != BidStatus.WITHDRAWN for b in own),
        "today": clock.today(),
    }
    if managing and challenge.challenge_list_id and challenge.status in services.REVIEWER_STATES:
        context["reviewer_form"] = ReviewerForm(challenge=challenge)
    context.update(extra)
    return context


def _visible_challenge(request, pk: int) -> Challenge:
    found = selectors.challenge_list(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("记录不存在或无权查看")
    return found


def challenge_detail(request, pk: int):
    """Whoever may see the challenge: its public fields; its firm and the bureau its private
    fields and history; the bureau the bids and the review matrix; an institution its bid."""
    challenge = _visible_challenge(request, pk)
    return render(request, "challenges/challenge_detail.html", _detail_context(request, challenge))


def challenge_create(request):
    """Firm users (their own firm), liaisons (their township's firms) and the bureau."""
    if not services.may_post_challenge(request.user):
        raise PermissionDenied("无权发布榜题")
    form = ChallengeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已提交榜题“{challenge}”")
            return redirect("challenges:challenge_detail", pk=challenge.pk)
    return render(request, "challenges/challenge_edit.html", {"form": form, "creating": True})


def challenge_edit(request, pk: int):
    """Whoever may change the challenge, while it may still be changed (see services)."""
    challenge = get_editable_or_403(Challenge, request.user, pk=pk)
    if not services.may_post_challenge(request.user):
        raise PermissionDenied("无权修改该榜题")
    form = ChallengeForm(request.POST or None, instance=challenge, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(challenge, form.version):
                services.challenge_save(
                    actor=request.user, challenge=challenge, **form.cleaned_data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "榜题已保存")
            return redirect("challenges:challenge_detail", pk=challenge.pk)
    context = {"form": form, "challenge": challenge, "creating": False}
    return render(request, "challenges/challenge_edit.html", context)


@require_POST
def challenge_transition(request, pk: int):
    """Whoever may change the challenge: the moves its role may take (choices)."""
    challenge = get_visible_or_404(Challenge, request.user, pk=pk)
    challenge, error = workflow.take_from_post(request, challenge)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"榜题状态已改为“{challenge.get_status_display()}”")
    return redirect("challenges:challenge_detail", pk=challenge.pk)


@require_POST
def reviewer_assign(request, pk: int):
    """Bureau staff and leaders: assign a reviewer of the county to the challenge."""
    challenge = get_editable_or_403(Challenge, request.user, pk=pk)
    if not services.may_manage(request.user) or challenge.challenge_list_id is None:
        raise PermissionDenied("只有局领导和科室工作人员可以组织评审")
    form = ReviewerForm(request.POST, challenge=challenge)
    if not form.is_valid():
        messages.error(request, "请选择本县的局领导或科室工作人员作为评审人")
        return redirect("challenges:challenge_detail", pk=challenge.pk)
    try:
        services.reviewer_assign(
            actor=request.user, challenge=challenge, reviewer=form.cleaned_data["reviewer"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("challenges:challenge_detail", pk=challenge.pk)


@require_POST
def reviewer_remove(request, pk: int):
    """Bureau staff and leaders: take a reviewer who has scored nothing off a challenge."""
    assignment = get_editable_or_403(ChallengeReviewer, request.user, pk=pk)
    try:
        services.reviewer_remove(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("challenges:challenge_detail", pk=assignment.challenge_id)


# --- bids ----------------------------------------------------------------------------------


def bid_list(request):
    """Every signed-in user: the bids they may read (an institution: its own; the bureau:
    its county's)."""
    filterset = BidFilter(
        request.GET or None, queryset=selectors.bid_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs.order_by("-submitted_on", "-pk"))
    return render(
        request, "challenges/bid_list.html", {"filter": filterset, "page": page, "query": query}
    )


def bid_create(request, pk: int):
    """Institute users: bid for a challenge taking bids, citing their achievements."""
    challenge = get_visible_or_404(Challenge, request.user, pk=pk)
    if not services.may_bid(request.user):
        raise PermissionDenied("只有院所用户可以揭榜投标")
    institution = request.user.institution
    form = BidForm(request.POST or None, user=request.user, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            bid = services.bid_save(actor=request.user, challenge=challenge, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已提交对“{challenge}”的揭榜方案")
            return redirect("challenges:bid_detail", pk=bid.pk)
    context = {"form": form, "challenge": challenge, "creating": True}
    return render(request, "challenges/bid_edit.html", context)


def _bid_context(request, bid: Bid, **extra) -> dict:
    user = request.user
    editable = Bid.objects.editable_by(user).filter(pk=bid.pk).exists()
    managing = editable and services.may_manage(user)
    context = {
        "bid": bid,
        "challenge": bid.challenge,
        "editable": editable,
        "managing": managing,
        "moves": workflow.moves_for(user, bid, editable=editable),
        "transitions": workflow.history_of(bid) if editable else None,
        "may_review": managing
        and bid.status in LIVE_BID_STATUSES
        and bid.challenge.status == "reviewing"
        and bid.challenge.reviewers.filter(reviewer=user).exists(),
    }
    context.update(extra)
    return context


def _readable_bid(request, pk: int) -> Bid:
    """A bid the user reads: by scope, or the firm reading the bid selected for it."""
    bids = Bid.objects.select_related(
        "institution", "challenge__enterprise", "challenge__challenge_list", "contract"
    ).prefetch_related("achievements")
    found = bids.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        found = bids.filter(pk=pk).first()
        if found is None or not selectors.bids_on(found.challenge, request.user).filter(pk=pk):
            raise Http404("记录不存在或无权查看")
    return found


def bid_detail(request, pk: int):
    """The bidding institution and the bureau (the firm: the selected bid): the proposal,
    its status and moves, its history for those who may change it."""
    bid = _readable_bid(request, pk)
    return render(request, "challenges/bid_detail.html", _bid_context(request, bid))


def bid_edit(request, pk: int):
    """The bidding institution: change its proposal while the challenge takes bids."""
    bid = get_editable_or_403(Bid, request.user, pk=pk)
    if not services.may_bid(request.user):
        raise PermissionDenied("只有揭榜单位可以修改揭榜方案")
    form = BidForm(
        request.POST or None, instance=bid, user=request.user, institution=bid.institution
    )
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(bid, form.version):
                services.bid_save(actor=request.user, bid=bid, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "揭榜方案已保存")
            return redirect("challenges:bid_detail", pk=bid.pk)
    context = {"form": form, "bid": bid, "challenge": bid.challenge, "creating": False}
    return render(request, "challenges/bid_edit.html", context)


@require_POST
def bid_transition(request, pk: int):
    """Whoever may change the bid: withdraw (its institution), shortlist, select or not
    (the bureau); selection needs a complete review and a reason."""
    bid = get_visible_or_404(Bid, request.user, pk=pk)
    bid, error = workflow.take_from_post(request, bid)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"投标状态已改为“{bid.get_status_display()}”")
    if request.POST.get("back") == "challenge":
        return redirect("challenges:challenge_detail", pk=bid.challenge_id)
    return redirect("challenges:bid_detail", pk=bid.pk)


def review_edit(request, pk: int):
    """The reviewers assigned to the bid's challenge: score it against the list's criteria."""
    bid = get_editable_or_403(Bid, request.user, pk=pk)
    challenge = bid.challenge
    if not services.may_manage(request.user) or not challenge.challenge_list_id:
        raise PermissionDenied("只有指派的评审人可以评分")
    if not challenge.reviewers.filter(reviewer=request.user).exists():
        raise PermissionDenied("只有指派的评审人可以评分")
    sheet = challenge.challenge_list.sheet
    mine = bid.reviews.filter(reviewer=request.user).first()
    initial = {}
    if mine is not None:
        initial = {f"score_{k}": v for k, v in mine.scores.items()}
        initial["comment"] = mine.comment
    form = ReviewForm(request.POST or None, sheet=sheet, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                actor=request.user,
                bid=bid,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已提交对“{bid.institution}”的评分")
            return redirect("challenges:challenge_detail", pk=challenge.pk)
    context = {"form": form, "bid": bid, "challenge": challenge, "sheet": sheet}
    return render(request, "challenges/review_edit.html", context)


def bid_contract(request, pk: int):
    """Bureau staff and leaders: register the selected bid's technology contract."""
    bid = get_editable_or_403(Bid, request.user, pk=pk)
    if not services.may_manage(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以登记技术合同")
    form = ContractForm(
        request.POST or None, initial={"amount": bid.price, "signed_on": clock.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_contract_sign(actor=request.user, bid=bid, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已登记技术合同，计入技术市场交易额")
            return redirect("challenges:bid_detail", pk=bid.pk)
    return render(request, "challenges/bid_contract.html", {"form": form, "bid": bid})


@require_POST
def bid_project(request, pk: int):
    """Bureau staff and leaders: turn the selected bid into a project with its milestones."""
    bid = get_editable_or_403(Bid, request.user, pk=pk)
    try:
        services.bid_project_create(actor=request.user, bid=bid)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已立项")
    return redirect("challenges:bid_detail", pk=bid.pk)
