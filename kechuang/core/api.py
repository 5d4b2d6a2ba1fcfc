"""Shared pieces of the REST API: service calls, scoped related fields, the base viewset,
the schema class that documents the error answers, and the Excel import endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.fields import SkipField
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core.concurrency import VersionedUpdateMixin
from kechuang.core.scoping import linkable_regions  # noqa: F401 (the API links regions by it)


def call_service(service, **kwargs):
    """Runs a service, turning its Django errors into the API's 400 and 403 answers."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(getattr(exc, "message_dict", exc.messages)) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


# --- related fields limited to the caller's scope ------------------------------------------


class _ScopedMixin:
    """The candidates of a related field are the records the caller may see (or change,
    with write=True), or those `queryset(user)` returns where a model has no Scope. A value
    outside them is refused exactly like one that does not exist."""

    def __init__(
        self,
        model: type[Model] | None = None,
        *,
        write: bool = False,
        queryset: Callable | None = None,
        **kwargs,
    ):
        self.scoped_model = model
        self.write = write
        self.scoped_queryset = queryset
        if not kwargs.get("read_only"):
            # DRF wants a queryset up front; the schema reads its model. get_queryset narrows it.
            kwargs["queryset"] = model._default_manager.none()
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.scoped_queryset is not None:
            return self.scoped_queryset(user)
        manager = self.scoped_model._default_manager
        return manager.editable_by(user) if self.write else manager.visible_to(user)


class ScopedRelatedField(_ScopedMixin, serializers.PrimaryKeyRelatedField):
    """A related record given by its id, among the records the caller may use."""

    default_error_messages = {
        "required": "该字段为必填项",
        "does_not_exist": "对象不存在或无权使用：{pk_value}",
        "incorrect_type": "应填写记录编号（整数），收到的是 {data_type}",
    }


class ScopedSlugRelatedField(_ScopedMixin, serializers.SlugRelatedField):
    """A related record given by a natural key (region code, credit code …), among the
    records the caller may use."""

    default_error_messages = {
        "required": "该字段为必填项",
        "does_not_exist": "对象不存在或无权使用：{value}",
        "invalid": "取值无效",
    }


class RelatedTextField(serializers.CharField):
    """Read-only text of a related record, "" when there is none. (A `default` would do in
    a full answer, but DRF leaves defaulted fields out of a partial update's answer.)"""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        try:
            value = super().get_attribute(instance)
        except SkipField:
            return ""
        return "" if value is None else value


class DisplayField(serializers.CharField):
    """Read-only text of a model method without arguments (`get_status_display`), called
    directly: DRF's generic path inspects the method's signature on every row, which costs
    more than the call itself."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


# --- the base viewset ----------------------------------------------------------------------


class EditableObjectMixin:
    """A write to one record (update, or an action on it) is refused with 403 when the caller
    reads the record but may not change it, before its data is checked; a record the caller
    may not read is 404 as for every request."""

    def get_object(self):
        record = super().get_object()
        if self.request.method not in SAFE_METHODS:
            manager = type(record)._default_manager
            if not manager.editable_by(self.request.user).filter(pk=record.pk).exists():
                raise PermissionDenied("无权修改该记录")
        return record


class ServiceViewSet(
    EditableObjectMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List and read through a selector; create and change only through `service`.

    `service(actor=..., <record_name>=instance, **validated_data)` changes a record and,
    without the record, creates one; `may_create(user)` says who may create at all (the
    service re-checks every record it links or changes).
    """

    service = None
    create_service = None  # when creating is a different service from changing
    record_name = ""
    may_create = None
    create_refusal = "无权登记该类记录"

    def service_kwargs(self, validated_data: dict) -> dict:
        return dict(validated_data)

    def create(self, request, *args, **kwargs):
        # Refuse a role that may not create before telling it what is wrong with its data.
        may_create = type(self).may_create
        if may_create is not None and not may_create(request.user):
            raise PermissionDenied(self.create_refusal)
        return super().create(request, *args, **kwargs)

    def answer(self, record):
        """The record as the list shows it (annotations, related names), re-read after a write."""
        return self.get_queryset().filter(pk=record.pk).first() or record

    def perform_create(self, serializer):
        serializer.instance = self.answer(
            call_service(
                type(self).create_service or type(self).service,
                actor=self.request.user,
                **self.service_kwargs(serializer.validated_data),
            )
        )

    def perform_update(self, serializer):
        serializer.instance = self.answer(
            call_service(
                type(self).service,
                actor=self.request.user,
                **{self.record_name: serializer.instance},
                **self.service_kwargs(serializer.validated_data),
            )
        )


# --- examples in the schema ---------------------------------------------------------------


def record_examples(name: str, row: dict, body: dict | None = None, *, writes=()) -> dict:
    """extend_schema_view arguments giving a record's example to list and retrieve and, for
    the `writes` actions (create, update, partial_update), the request body and answer."""
    read = [OpenApiExample(name, value=row, response_only=True)]
    views = {"list": extend_schema(examples=read), "retrieve": extend_schema(examples=read)}
    for action in writes:
        views[action] = extend_schema(
            examples=[
                OpenApiExample(f"{name}（请求）", value=body, request_only=True),
                OpenApiExample(name, value=row, response_only=True, status_codes=["200", "201"]),
            ]
        )
    return views


# --- the schema: every operation documents the errors it really gives ----------------------

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_MESSAGES = {"type": "array", "items": {"type": "string"}}
# DRF's validation body: {field: [messages]} (or {"detail": ...} for an unreadable body),
# or a bare list of messages when a service rejects the request as a whole.
_VALIDATION = {
    "oneOf": [
        {"type": "object", "additionalProperties": {"oneOf": [_MESSAGES, {"type": "string"}]}},
        _MESSAGES,
    ]
}
_ERRORS = {
    "400": ("请求有误：字段名及原因", _VALIDATION, {"region": ["对象不存在或无权使用：331102"]}),
    "401": ("未登录或令牌无效", _DETAIL, {"detail": "身份认证信息未提供。"}),
    "403": ("无权进行该操作", _DETAIL, {"detail": "无权修改该记录"}),
    "404": ("记录不存在或无权查看", _DETAIL, {"detail": "未找到。"}),
    "429": ("请求过于频繁，请稍后再试", _DETAIL, {"detail": "请求超过了限速。"}),
}


def only_api_paths(endpoints, **kwargs):
    """The schema describes /api/ only: the pages' own JSON (under the pages' paths) is read
    with a session and is not an interface for other systems."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


_STALE = {"detail": "该记录已被他人修改，请刷新后再改"}


class KechuangAutoSchema(AutoSchema):
    """Adds the standard error answers (400, 401, 403, 404, 429) to every operation that does
    not declare its own: lists give 404 too, for a page past the end."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = not getattr(self.view, "permission_classes", None) or any(
            getattr(p, "__name__", "") == "AllowAny" for p in self.view.permission_classes
        )
        errors = dict(_ERRORS)
        if self._is_versioned_update():
            errors["412"] = ("记录已被他人修改（If-Match 与当前版本不符）", _DETAIL, _STALE)
        for code, (description, schema, example) in errors.items():
            if code in responses or (code == "401" and public):
                continue
            responses[code] = {
                "description": description,
                "content": {
                    "application/json": {"schema": schema, "examples": {"示例": {"value": example}}}
                },
            }
        return responses

    def _is_versioned_update(self) -> bool:
        return self.method in ("PUT", "PATCH") and isinstance(self.view, VersionedUpdateMixin)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_versioned_update():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="读取记录时响应头 ETag 的值；记录已被他人修改时返回 412",
                )
            )
        return parameters


# --- Excel imports over the API ------------------------------------------------------------


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Excel 文件（.xlsx），表头与导入模板一致")
    dry_run = serializers.BooleanField(default=True, help_text="true 只预检不写入（默认）")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="行号；0 表示整个文件")
    column = serializers.CharField(help_text="列标题；空表示整行")
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    """The same JSON as `kechuang import --format json`."""

    kind = serializers.CharField()
    committed = serializers.BooleanField(help_text="是否已写入")
    summary = serializers.DictField(child=serializers.IntegerField(), help_text="新增、更新等条数")
    errors = ImportErrorSerializer(many=True)


_IMPORT_OK = {
    "kind": "enterprises",
    "committed": False,
    "summary": {"新增": 3, "更新": 1, "无变化": 0, "错误": 0},
    "errors": [],
}
_IMPORT_BAD = {
    "kind": "enterprises",
    "committed": False,
    "summary": {"新增": 0, "更新": 0, "无变化": 0, "错误": 1},
    "errors": [{"row": 3, "column": "统一社会信用代码", "message": "统一社会信用代码校验位错误"}],
}


class ImportView(APIView):
    """Whoever may import the kind (bureau staff and leaders for most kinds): upload an Excel
    file; dry_run=true checks every row and writes nothing, dry_run=false writes the whole
    file in one transaction only if no row is bad. The answer is the CLI's JSON."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportRequestSerializer

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": ImportRequestSerializer},
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                OpenApiParameter.PATH,
                description="数据类型，如 enterprises、institutions、demands、qualifications",
            )
        ],
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(
                ImportResultSerializer, description="文件或某些行有错误：逐行列出，未写入任何数据"
            ),
        },
        examples=[
            OpenApiExample("预检通过", value=_IMPORT_OK, response_only=True, status_codes=["200"]),
            OpenApiExample("有错误行", value=_IMPORT_BAD, response_only=True, status_codes=["400"]),
        ],
    )
    def post(self, request, kind: str):
        from kechuang.core import excel

        try:
            spec = excel.get_spec(kind)
        except excel.ImportFileError as exc:
            raise NotFound(str(exc)) from exc
        if not spec.can_import(request.user):
            raise PermissionDenied("无权导入该类数据")
        query = ImportRequestSerializer(data=request.data)
        if not query.is_valid():
            errors = [
                {"row": 0, "column": name, "message": str(message)}
                for name, messages in query.errors.items()
                for message in messages
            ]
            body = {"kind": kind, "committed": False, "summary": {"错误": len(errors)}}
            return Response({**body, "errors": errors}, status=400)
        upload = query.validated_data["file"]
        try:
            excel.check_size(upload.size)
        except excel.ImportFileError as exc:
            error = {"row": 0, "column": "", "message": str(exc)}
            body = {"kind": kind, "committed": False, "summary": {"错误": 1}}
            return Response({**body, "errors": [error]}, status=400)
        content = upload.read()
        result = excel.run_import(
            spec, content, request.user, dry_run=query.validated_data["dry_run"]
        )
        return Response(result.as_json(), status=200 if result.ok else 400)
