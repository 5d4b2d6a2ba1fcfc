"""The match pipeline and the suggestions of the matching engine, accepted or rejected."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import workflow
from kechuang.core.htmx import is_htmx, page_or_fragment
from kechuang.core.links import record_url
from kechuang.core.scoping import get_visible_or_404
from kechuang.transfer import selectors, services
from kechuang.transfer.choices import MATCH_WORKFLOW, MatchStatus, RejectReason
from kechuang.transfer.filters import MatchFilter
from kechuang.transfer.forms import SuggestionForm
from kechuang.transfer.models import Achievement, Demand, Match, MatchFeedback

logger = logging.getLogger(__name__)
NOT_READY = "匹配索引尚未就绪"
TOP = 10


def suggestions(kind: str, obj, top: int = TOP, **limits) -> tuple[list[dict], str]:
    """(suggestions, note): the engine's ranked list for a demand or an achievement, or an
    empty list and a Chinese note when the engine is not there yet. `limits` (allowed,
    exclude) keep the candidates to what the users concerned may read."""
    try:
        from kechuang.transfer import matching

        suggest = getattr(matching, f"suggest_for_{kind}")
    except (ImportError, AttributeError):
        return [], NOT_READY
    try:
        return list(suggest(obj, top=top, **limits)), ""
    except Exception:  # the page stays usable whatever the index's state
        logger.exception("matching failed for %s %s", kind, obj.pk)
        return [], NOT_READY


def demand_suggestions(demand: Demand, user) -> tuple[list[dict], str]:
    """The engine's achievements for a demand, each with what staff already decided on it;
    only achievements both the demand's firm and the user may read are ranked."""
    found, note = suggestions(
        "demand", demand, exclude=services.achievements_hidden_from(demand, user)
    )
    codes = [s["code"] for s in found]
    visible = Achievement.objects.visible_to(user).filter(code__in=codes)
    visible = visible.select_related("owner_institution", "owner_enterprise")
    achievements = {a.code: a for a in visible}
    matched = dict(
        Match.objects.filter(demand=demand, achievement__code__in=codes).values_list(
            "achievement__code", "status"
        )
    )
    rejected = dict(
        MatchFeedback.objects.filter(demand=demand, achievement__code__in=codes).values_list(
            "achievement__code", "reason"
        )
    )
    rows = []
    for item in found:
        achievement = achievements.get(item["code"])
        if achievement is None:
            continue
        rows.append(_row(item, achievement, matched, rejected))
    return rows, note


def _row(item: dict, achievement: Achievement, matched: dict, rejected: dict) -> dict:
    code = item["code"]
    return {
        **item,
        "achievement": achievement,
        "match_status": MatchStatus(matched[code]).label if code in matched else "",
        "rejected": RejectReason(rejected[code]).label if code in rejected else "",
    }


def suggestion_urls(demand: Demand) -> dict:
    """Where a suggestion row posts 采纳 / 不采纳: the same for every row of the demand."""
    return {
        "accept_url": record_url("transfer:match_accept", demand.pk),
        "reject_url": record_url("transfer:match_reject", demand.pk),
    }


def _suggestion_response(request, demand, achievement, error=""):
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("transfer:demand_detail", pk=demand.pk)
    stored = Match.objects.filter(demand=demand, achievement=achievement).first()
    if stored is not None:
        said = {"score": stored.score, "terms": stored.terms, "reasons": stored.reasons}
    else:
        said = services.engine_suggestion(demand, achievement, request.user) or {}
    item = {
        "code": achievement.code,
        "title": achievement.title,
        "score": said.get("score") or 0,
        "terms": said.get("terms") or [],
        "reasons": said.get("reasons") or [],
    }
    matched = dict(
        Match.objects.filter(demand=demand, achievement=achievement).values_list(
            "achievement__code", "status"
        )
    )
    rejected = dict(
        MatchFeedback.objects.filter(demand=demand, achievement=achievement).values_list(
            "achievement__code", "reason"
        )
    )
    context = {
        "demand": demand,
        "s": _row(item, achievement, matched, rejected),
        "may_match": True,
        "reject_reasons": RejectReason.choices,
        "error": error,
        **suggestion_urls(demand),
    }
    return render(request, "transfer/match_suggestion.html", context)


def _suggestion(request, pk: int):
    demand = get_visible_or_404(Demand, request.user, pk=pk)
    if not services.may_manage_matches(request.user):
        raise PermissionDenied("只有科技局工作人员和乡镇联络员可以处理匹配推荐")
    form = SuggestionForm(request.POST)
    achievement = None
    if form.is_valid():
        achievement = (
            Achievement.objects.visible_to(request.user)
            .filter(pk=form.cleaned_data["achievement"])
            .first()
        )
    if achievement is None:
        raise Http404("推荐的成果不存在")
    return demand, form, achievement


@require_POST
def match_accept(request, pk: int):
    """Staff and liaisons: accept a suggestion (采纳); the pair enters the pipeline."""
    demand, form, achievement = _suggestion(request, pk)
    error = ""
    try:
        services.match_accept(
            actor=request.user,
            demand=demand,
            achievement=achievement,
        )
    except ValidationError as exc:
        error = "；".join(exc.messages)
    else:
        if not is_htmx(request):
            messages.success(request, f"已采纳“{achievement.title}”，进入对接流程")
    return _suggestion_response(request, demand, achievement, error)


@require_POST
def match_reject(request, pk: int):
    """Staff and liaisons: turn a suggestion down (不采纳) with a structured reason."""
    demand, form, achievement = _suggestion(request, pk)
    error = ""
    try:
        services.match_reject(
            actor=request.user,
            demand=demand,
            achievement=achievement,
            reason=form.cleaned_data.get("reason") or "",
            note=form.cleaned_data.get("note") or "",
        )
    except ValidationError as exc:
        error = "；".join(exc.messages)
    else:
        if not is_htmx(request):
            messages.success(request, f"已标记“{achievement.title}”为不采纳")
    return _suggestion_response(request, demand, achievement, error)


def _board_context(request, **extra) -> dict:
    filterset = MatchFilter(
        request.GET or None, queryset=selectors.match_list(request.user), request=request
    )
    columns = selectors.pipeline(request.user, filterset.qs)
    # The board shows only records the user may see; the service re-checks each one's scope.
    for column in columns:
        column["moves"] = MATCH_WORKFLOW.moves(request.user, column["status"])
    context = {
        "filter": filterset,
        "columns": columns,
        "may_manage": services.may_manage_matches(request.user),
    }
    context.update(extra)
    return context


def match_pipeline(request):
    """Every signed-in user: the matches they may see, in columns by status (staff and
    liaisons move them; a firm's user sees its own demands' matches)."""
    template = page_or_fragment(
        request, "transfer/match_pipeline.html", "transfer/match_board.html"
    )
    return render(request, template, _board_context(request))


@require_POST
def match_transition(request, pk: int):
    """Staff and liaisons: move a match along the pipeline; htmx gets the board back."""
    match = get_visible_or_404(Match, request.user, pk=pk)
    match, error = workflow.take_from_post(request, match)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"对接状态已改为“{match.get_status_display()}”")
        target = request.POST.get("next", "")
        return redirect(target if target.startswith("/transfer/") else "transfer:match_pipeline")
    return render(request, "transfer/match_board.html", _board_context(request, board_error=error))
