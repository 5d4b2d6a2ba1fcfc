"""Pages of the core app: sign-in, API tokens, home, change log, record history, health."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST

from kechuang.core import selectors, services
from kechuang.core.forms import ApiTokenForm, AuditFilterForm, LoginForm
from kechuang.core.scoping import get_editable_or_403, is_bureau

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    """Anyone: the sign-in page."""

    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any signed-in user: changes their own password, which revokes their API tokens."""

    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:password_change_done")

    def form_valid(self, form):
        user = form.user
        services.user_set_password(
            actor=user, user=user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "core/password_change_done.html"


def home(request):
    """Any signed-in user: the home page with the counts and shortcuts of their role."""
    widgets = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_widgets", None)
        if provider:
            widgets.extend(provider(request.user))
    context = {"widgets": widgets}
    if is_bureau(request.user):
        context["recent_events"] = selectors.audit_events(request.user)[:10]
    return render(request, "core/home.html", context)


def auditevent_list(request):
    """Leader and staff: the change log of their region, with filters."""
    if not is_bureau(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以查看变更记录")
    form = AuditFilterForm(request.GET or None, model_choices=selectors.audited_models())
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(
        request.user,
        q=filters.get("q", ""),
        model=filters.get("model", ""),
        action=filters.get("action", ""),
        actor=filters.get("user", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.describe_event(e) for e in page.object_list]
    return render(request, "core/auditevent_list.html", {"form": form, "page": page, "rows": rows})


def record_history(request, app_label: str, model_name: str, pk: int):
    """Whoever may change a record: its full history of changes."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404("记录类型不存在") from exc
    if not hasattr(model, "scope") or not hasattr(model, "history"):
        raise Http404("该类记录没有变更历史")
    obj = get_editable_or_403(model, request.user, pk=pk)
    return render(
        request,
        "core/record_history.html",
        {
            "object": obj,
            "entries": selectors.record_history(obj),
            "model_name": model._meta.verbose_name,
        },
    )


def apitoken_list(request):
    """Any signed-in user: their API tokens; creates one (its key shown once) or revokes one."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, key = services.apitoken_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        created = {"token": token, "key": key}
        form = ApiTokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": selectors.apitokens_of(request.user),
        "now": timezone.now(),
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "core/apitoken_list.html", context)


@require_POST
def apitoken_revoke(request, pk: int):
    """The token's owner: revokes it."""
    token = get_object_or_404(selectors.apitokens_of(request.user), pk=pk)
    services.apitoken_revoke(actor=request.user, token=token)
    messages.success(request, f"已撤销令牌“{token.name}”")
    return redirect("core:apitoken_list")


# --- error pages: JSON under /api/, where the answer must match the schema ------------------

API_ERRORS = {
    400: "请求有误",
    403: "无权进行该操作",
    404: "未找到。",
    500: "服务器内部错误，请稍后再试",
}


def _api_error(request, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": API_ERRORS[status]}, status=status)
    return None


def bad_request(request, exception=None):
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return _api_error(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return _api_error(request, 404) or defaults.page_not_found(request, exception)


def server_error(request):
    return _api_error(request, 500) or defaults.server_error(request)


@require_GET
def healthz(request):
    """Anyone: whether the service and its database answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"status": "ok", "vendor": connection.vendor}
        status = 200
    except Exception as exc:  # any database failure means unhealthy
        database = {"status": "error", "error": exc.__class__.__name__}
        status = 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )
