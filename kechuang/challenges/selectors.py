"""Read queries of the challenge board, scoped to the user; the public open page's query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.urls import reverse

from kechuang.challenges import engine
from kechuang.challenges.choices import LIVE_BID_STATUSES, BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge, ChallengeList, ChallengeReviewer, Review
from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.scoping import is_bureau, scope_q

# What anyone may read of a published challenge: the open page shows these fields only.
PUBLIC_FIELDS = (
    "pk",
    "title",
    "problem",
    "goal",
    "budget",
    "deadline",
    "published_on",
    "enterprise__name",
    "challenge_list__title",
    "challenge_list__closes_on",
)


def _editable_flag(model, user):
    """An `editable` annotation: whether the user may change the row (no extra query)."""
    q = scope_q(model, user, write=True)
    if q is None:
        return Value(True, output_field=BooleanField())
    return ExpressionWrapper(q, output_field=BooleanField())


def challenge_list(user):
    """The challenges the user may see, each with `editable` (who sees private fields)."""
    return (
        Challenge.objects.visible_to(user)
        .select_related("enterprise__township", "challenge_list", "demand")
        .annotate(editable=_editable_flag(Challenge, user))
    )


def lists_for(user):
    return ChallengeList.objects.visible_to(user).select_related("region")


def bid_list(user):
    return (
        Bid.objects.visible_to(user)
        .select_related("institution", "challenge__enterprise", "challenge__challenge_list")
        .prefetch_related("achievements")
    )


def open_challenges(day: datetime.date | None = None):
    """Published challenges of published lists still taking bids: public fields only."""
    day = day or clock.today()
    return (
        Challenge.objects.filter(
            status=ChallengeStatus.PUBLISHED,
            challenge_list__published=True,
            challenge_list__opens_on__lte=day,
            challenge_list__closes_on__gte=day,
        )
        .order_by("challenge_list__closes_on", "pk")
        .values(*PUBLIC_FIELDS)
    )


def bids_on(challenge: Challenge, user):
    """The bids on a challenge the user may read. The firm reads none until a bid is
    selected, then that one only (its counterparty); an institution only its own."""
    bids = Bid.objects.filter(challenge=challenge).select_related("institution", "contract")
    visible = bids.visible_to(user)
    if (
        user.role == Role.ENTERPRISE
        and user.enterprise_id == challenge.enterprise_id
        and challenge.status in (ChallengeStatus.SELECTED, ChallengeStatus.CONTRACTED)
    ):
        visible = bids.filter(Q(pk__in=visible.values("pk")) | Q(status=BidStatus.SELECTED))
    return visible.prefetch_related("achievements").order_by("submitted_on", "pk")


def reviewers_of(challenge: Challenge, user):
    return (
        ChallengeReviewer.objects.visible_to(user)
        .filter(challenge=challenge)
        .select_related("reviewer")
    )


# --- the review matrix ------------------------------------------------------------------


@dataclass
class Cell:
    """One reviewer's review of one bid as the user may see it."""

    reviewer: object
    submitted: bool
    scores: list | None = None  # in the sheet's order; None when not shown
    weighted: Decimal | None = None  # two decimals
    comment: str = ""


@dataclass
class BidRow:
    bid: Bid
    cells: list[Cell]
    total: Decimal | None = None
    place: int | None = None
    tied: bool = False


@dataclass
class Matrix:
    sheet: engine.Sheet
    reviewers: list
    rows: list[BidRow] = field(default_factory=list)
    hidden: bool = False  # the user is a reviewer who has not scored every bid yet
    complete: bool = False
    top_tied: bool = False
    reviewer: bool = False  # the user is one of the reviewers
    mine: set = field(default_factory=set)  # ids of the bids the user has scored


def review_matrix(challenge: Challenge, user) -> Matrix | None:
    """Reviewer × criterion scores, each reviewer's weighted score and each bid's total and
    place, for the bureau. Under review, an assigned reviewer sees the others' scores and the
    totals only once they have scored every bid in the running themselves (independent
    scoring); the others of the bureau see everything."""
    if not is_bureau(user) or challenge.challenge_list_id is None:
        return None
    sheet = challenge.challenge_list.sheet
    reviewers = [r.reviewer for r in reviewers_of(challenge, user)]
    bids = list(
        Bid.objects.visible_to(user)
        .filter(challenge=challenge)
        .exclude(status=BidStatus.WITHDRAWN)
        .select_related("institution")
        .order_by("submitted_on", "pk")
    )
    reviews = {
        (r.bid_id, r.reviewer_id): r
        for r in Review.objects.visible_to(user).filter(bid__in=[b.pk for b in bids])
    }
    live = [b for b in bids if b.status in LIVE_BID_STATUSES]
    matrix = Matrix(sheet=sheet, reviewers=reviewers)
    matrix.reviewer = any(r.pk == user.pk for r in reviewers)
    matrix.mine = {b for (b, u) in reviews if u == user.pk}
    matrix.hidden = (
        challenge.status == ChallengeStatus.REVIEWING
        and matrix.reviewer
        and any(b.pk not in matrix.mine for b in live)
    )
    matrix.complete = bool(reviewers) and all(
        (b.pk, r.pk) in reviews for b in live for r in reviewers
    )
    totals = {}
    for bid in bids:
        row = BidRow(bid, [])
        exact = []
        for reviewer in reviewers:
            review = reviews.get((bid.pk, reviewer.pk))
            cell = Cell(reviewer, submitted=review is not None)
            if review is not None:
                exact.append(sheet.weighted(review.scores))
                if not matrix.hidden or reviewer.pk == user.pk:
                    cell.scores = [review.scores.get(c.key) for c in sheet.criteria]
                    cell.weighted = engine.round_total(exact[-1])
                    cell.comment = review.comment
            row.cells.append(cell)
        if not matrix.hidden:
            row.total = totals[bid.pk] = engine.bid_total(exact)
        matrix.rows.append(row)
    if not matrix.hidden:
        ranking = engine.rank(totals)
        places = {r.key: r for r in ranking}
        for row in matrix.rows:
            row.place, row.tied = places[row.bid.pk].place, places[row.bid.pk].tied
        matrix.rows.sort(key=lambda r: (r.place is None, r.place or 0, r.bid.pk))
        matrix.top_tied = engine.top_tied(ranking)
    return matrix


# --- record pages and home ---------------------------------------------------------------


def enterprise_sections(enterprise, user) -> list[dict]:
    """The firm's page: the challenges it posed (those the user may see) and the bids on
    them the user may read."""
    challenges = list(
        challenge_list(user).filter(enterprise=enterprise).order_by("-created_at")[:50]
    )
    bids = list(
        bid_list(user).filter(challenge__enterprise=enterprise).order_by("-submitted_on")[:50]
    )
    if not challenges and not bids:
        return []
    return [
        {
            "title": "揭榜挂帅",
            "template": "challenges/_section_enterprise.html",
            "context": {"challenges": challenges, "bids": bids},
        }
    ]


def institution_sections(institution, user) -> list[dict]:
    """The institution's page: its bids the user may read."""
    bids = list(bid_list(user).filter(institution=institution).order_by("-submitted_on")[:50])
    if not bids:
        return []
    return [
        {
            "title": "揭榜投标",
            "template": "challenges/_section_bids.html",
            "context": {"bids": bids},
        }
    ]


def home_widgets(user) -> list[dict]:
    if user.role == Role.INSTITUTE:
        count = Bid.objects.visible_to(user).exclude(status=BidStatus.WITHDRAWN).count()
        return [{"title": "本单位揭榜投标", "value": count, "url": reverse("challenges:bid_list")}]
    if not is_bureau(user):
        return []
    count = Challenge.objects.owned_by(user).filter(status=ChallengeStatus.POSTED).count()
    return [
        {
            "title": "待审核榜题",
            "value": count,
            "url": reverse("challenges:challenge_list") + f"?status={ChallengeStatus.POSTED}",
        }
    ]
