"""The one Excel framework: each app declares a SheetSpec per model; the same spec
serves the downloadable template, the UI import with its dry run, the CLI import
and the export, so an exported file always re-imports unchanged.
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.forms.models import model_to_dict
from django.forms.utils import ErrorDict
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from python_calamine import CalamineWorkbook

from kechuang.core.text import CONTROL, normalize_text

MAX_ROWS = 200_000
# No sheet spec has more than a few dozen columns; a wider sheet is not one of ours.
MAX_COLUMNS = 200
# A 50,000-row export of the widest sheet unpacks to about 60 MB, at ratios below 15:1
# (measured: bench/uploads.py), so 200,000 rows to about 240 MB; anything far beyond that
# is a zip bomb, not a workbook.
MAX_UNPACKED_MB = 400
MAX_RATIO = 100
RATIO_FROM_MB = 5
MB = 1024 * 1024


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its Chinese header, the form field it feeds and how to export it."""

    header: str
    field: str
    export: Callable[[Any], Any]
    required: bool = False
    width: int = 16
    note: str = ""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        column = f"【{self.column}】" if self.column else ""
        return f"{where}{column}：{self.message}"


@dataclass(slots=True)
class RowOutcome:
    row: int
    key: str
    label: str
    action: str  # "create", "update", "unchanged"
    changes: list[str] = field(default_factory=list)
    form: forms.ModelForm | None = None
    # Bulk specs: the validated record, and for an update the values it was read with.
    instance: models.Model | None = None
    before: dict[str, Any] | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    kind: str
    rows: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> dict[str, int]:
        return {
            "新增": self.count("create"),
            "更新": self.count("update"),
            "无变化": self.count("unchanged"),
            "错误": len(self.errors),
        }

    def as_json(self) -> dict[str, Any]:
        """The machine form every caller prints (CLI, API): kind, committed, summary, errors."""
        return {
            "kind": self.kind,
            "committed": self.committed,
            "summary": self.summary(),
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
        }

    def changed_rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The rows to create or update, as the preview lists them."""
        from itertools import islice

        rows = islice((r for r in self.rows if r.action != "unchanged"), limit)
        return [
            {"row": r.row, "key": r.key, "label": r.label, "action": r.action, "changes": r.changes}
            for r in rows
        ]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not Excel, no header, missing columns)."""


class SheetSpec:
    """Declares how one model goes to and from a worksheet. Subclass per model."""

    kind: str
    title: str
    model: type[models.Model]
    form_class: type[forms.ModelForm]
    key_field: str
    columns: list[Column]

    # --- to override ---------------------------------------------------------
    def queryset(self, user) -> models.QuerySet:
        return self.model.objects.visible_to(user)

    def normalize_key(self, value: str) -> str:
        return value.strip()

    def label(self, data: dict[str, str]) -> str:
        return data.get(self.key_field, "")

    def row_key(self, data: dict[str, str], context: dict[str, Any]) -> Any:
        """The natural key of a row (None when the row does not say it); `context` is
        what form_kwargs computed for the file. Override for keys of several columns."""
        return data.get(self.key_field) or None

    def existing(self, keys: list, context: dict[str, Any]) -> dict:
        """The stored records of these keys, by key."""
        found = self.model.objects.filter(**{f"{self.key_field}__in": keys})
        return {getattr(obj, self.key_field): obj for obj in found}

    def duplicate_message(self, key, first_row: int) -> str:
        return f"{self.describe_key(key)} 与第{first_row}行重复"

    def describe_key(self, key) -> str:
        return "·".join(str(part) for part in key) if isinstance(key, tuple) else str(key)

    def form_data(self, data: dict[str, str], instance, positions: dict[str, int]) -> dict:
        """The row form's data: columns left out of the file keep the record's values."""
        return _with_unexported_initial(self, data, instance, positions)

    def save(self, form: forms.ModelForm, user) -> models.Model:
        raise NotImplementedError

    # A spec with `bulk` set is validated field by field (BulkRowChecker) and written by
    # save_bulk, given every row to create or update (RowOutcome.instance, .before, .changed).
    bulk = False

    def save_bulk(self, outcomes: list[RowOutcome], user, batch: str) -> None:
        raise NotImplementedError

    def undone(self, user, records: dict[str, list]) -> None:
        """Called in the undo's transaction after an import of this spec was reverted, with
        the history rows it reverted by model label (e.g. to refresh derived data)."""

    def check_rows(self, rows: list[RowOutcome], context: dict[str, Any]) -> list[RowError]:
        """Rules across the file: run on the rows whose forms are valid, before anything is
        written (e.g. a part not above its whole given on another row)."""
        return []

    def check_permission(self, form: forms.ModelForm, user) -> str | None:
        """A Chinese reason the user may not write this row, or None."""
        return None

    def begin(self, user, context: dict[str, Any]) -> None:
        """Called in the import's transaction before its first write (context: what
        form_kwargs computed for the file); e.g. to start a batch of derived updates."""

    def end(self, user, context: dict[str, Any]) -> None:
        """Called in the same transaction after the file's last write, before it commits."""

    def form_kwargs(self, user) -> dict[str, Any]:
        """Extra arguments of every row's form, computed once per file (lookup tables)."""
        return {}

    # Personal data masked in exports for users who may not see it: field → mask.
    masked_fields: dict[str, Callable[[str], str]] = {}

    def may_see_contacts(self, user, obj) -> bool:
        from kechuang.core.scoping import can_see_contacts

        return user is None or can_see_contacts(user)

    def can_import(self, user) -> bool:
        from kechuang.core.scoping import is_bureau

        return is_bureau(user)

    filterset_class = None
    list_url = "core:home"

    def filtered(self, params, user) -> models.QuerySet:
        """The records of a list page with its filters, as the export writes them."""
        queryset = self.queryset(user)
        if self.filterset_class is not None:
            queryset = self.filterset_class(params, queryset=queryset, user=user).qs
        return queryset

    # --- derived -------------------------------------------------------------
    @property
    def key_column(self) -> Column:
        return next(c for c in self.columns if c.field == self.key_field)

    def header_of(self, field_name: str) -> str:
        for column in self.columns:
            if column.field == field_name:
                return column.header
        return ""


# --- reading -----------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as the text a user typed: integral floats lose their '.0', dates become ISO,
    text is NFC-normalised."""
    if type(value) is str:  # most cells: checked first
        text = value.strip()
        return text if text.isascii() else normalize_text(text)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return normalize_text(str(value).strip())


def upload_limit() -> int:
    """The largest file accepted, in bytes (UPLOAD_MAX_MB)."""
    return settings.UPLOAD_MAX_MB * MB


def check_size(size: int) -> None:
    """Refuses a file above the upload cap; called before the file is read."""
    if size > upload_limit():
        raise ImportFileError(f"文件大小 {size / MB:.1f} MB，超过上限 {settings.UPLOAD_MAX_MB} MB")


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header texts and every (row number, cell texts) of the first sheet."""
    header, rows, _ = stream_rows(content)
    rows = list(rows)
    if not rows:
        raise ImportFileError("文件中没有数据行：表头（第1行）以下没有填写任何数据")
    return header, rows


def stream_rows(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    """Header texts, the (row number, cell texts) of the first sheet's non-empty rows as they
    are read, and an estimate of their number (from the sheet's extent).

    The file is checked before calamine sees it (size, zip directory, and the row cap
    counted while the sheets' XML streams past), because calamine allocates the whole used
    range of a sheet at once: one cell at XFD1048576 would be 17 billion cells. Rows then
    come from calamine one at a time, never as one list of the whole range.
    """
    check_size(len(content))
    extent = inspect_workbook(content)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        stream = sheet.iter_rows()
        first = next(stream, None)
    except Exception as exc:  # calamine raises several types for unreadable files
        raise ImportFileError(UNREADABLE) from exc
    if first is None:
        raise ImportFileError("文件是空的：第1行应为表头")
    # iter_rows pads the rows above the used range, not the columns to its left.
    lead = [""] * (sheet.start[1] if sheet.start else 0)
    header = [cell_text(v) for v in (lead + first if lead else first)]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, raw in enumerate(stream, start=2):
            cells = [cell_text(v) for v in raw]
            if any(cells):
                yield index, (lead + cells if lead else cells)

    return header, rows(), max(extent - 1, 0)


UNREADABLE = "无法读取文件，请上传 .xlsx 格式的 Excel 文件"

# Row and cell start tags as Excel, WPS and openpyxl write them (reference first, no
# namespace prefix): found by literal search, at C speed. Any other shape is walked tag by tag.
_ROW_REF = re.compile(rb'<row r="([0-9]+)"')
_CELL_TAG = re.compile(rb'<c r="[A-Z]+[0-9]+"')
_CELL_FAR_ROW = re.compile(rb'<c r="[A-Z]+([0-9]{6,})"')
_CELL_WIDE = re.compile(rb'<c r="([A-Z]{2,})[0-9]+"')
_PREFIXED = re.compile(rb":(?:row|c)[\s/>]")
_ROW_OR_CELL = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>"""
)
_REFERENCE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_CHUNK = MB


def inspect_workbook(content: bytes) -> int:
    """Refuses a file that is not a zip, unpacks to an implausible size (read from the zip
    directory, then confirmed while unpacking in bounded chunks), or has a sheet with cells
    beyond MAX_ROWS + 1 rows or MAX_COLUMNS columns (any sheet, not only the first).
    Nothing is held beyond one chunk. Returns the last row of the longest sheet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(UNREADABLE) from exc
    _check_directory(members)
    longest = 0
    for info in members:
        # Every member, not only xl/worksheets/: the workbook's relationships may place a
        # sheet anywhere, and parts that are not sheets hold no row or cell tags.
        sheet = _SheetExtent()
        try:
            _unpack(content, info, sheet)
        except (struct.error, zlib.error) as exc:
            raise ImportFileError(UNREADABLE) from exc
        longest = max(longest, sheet.row)
    return longest


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_MB * MB:
        raise ImportFileError(
            f"文件解压后共 {total / MB:.0f} MB，超过上限 {MAX_UNPACKED_MB} MB，"
            "不是正常的 Excel 文件（疑似压缩炸弹）"
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_MB * MB and ratio > MAX_RATIO:
            raise ImportFileError(
                f"文件中的 {info.filename} 解压后 {info.file_size / MB:.0f} MB，"
                f"压缩比 {ratio:.0f}:1，超过上限 {MAX_RATIO}:1，"
                "不是正常的 Excel 文件（疑似压缩炸弹）"
            )


def _unpack(content: bytes, info: zipfile.ZipInfo, sheet: _SheetExtent) -> None:
    """Inflates one member in bounded chunks straight from its local entry, refusing it as
    soon as it yields more than its directory entry declares (zipfile would stop at the
    declared size; calamine's reader would not)."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ImportFileError(UNREADABLE)  # encrypted, or a method Excel does not write
    if content[info.header_offset : info.header_offset + 4] != b"PK\x03\x04":
        raise ImportFileError(UNREADABLE)
    name_length, extra_length = struct.unpack_from("<HH", content, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    raw = memoryview(content)[start : start + info.compress_size]
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced, tail = 0, b""
    for offset in range(0, len(raw), _CHUNK):
        piece = raw[offset : offset + _CHUNK]
        while piece:
            if inflate is None:
                out, piece = bytes(piece), b""
            else:
                out, piece = inflate.decompress(piece, _CHUNK), inflate.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise ImportFileError(
                    f"文件中的 {info.filename} 实际内容比登记的 {info.file_size} 字节更长，"
                    "不是正常的 Excel 文件（疑似压缩炸弹）"
                )
            tail = sheet.feed(tail + out)
    sheet.read(tail)


class _SheetExtent:
    """The last row and column holding a cell in a worksheet's XML, as calamine will place
    them. Every tag carries its reference in the files Excel, WPS and openpyxl write, so
    the references are collected with findall; a part with a tag that has none (it follows
    the previous tag) is walked tag by tag, starting from the furthest point seen so far."""

    def __init__(self):
        self.row = 0
        self.column = 0

    def feed(self, data: bytes) -> bytes:
        """Reads the complete tags of data (everything before its last "<", which XML allows
        nowhere but at a tag's start); returns the rest, to prepend to the next piece."""
        cut = data.rfind(b"<")
        if cut > 0:
            self.read(data[:cut])
            data = data[cut:]
        if len(data) > 4 * _CHUNK:  # no tag for megabytes: no spreadsheet looks like that
            raise ImportFileError(UNREADABLE)
        return data

    def read(self, part: bytes) -> None:
        rows = _ROW_REF.findall(part)
        cells = len(_CELL_TAG.findall(part))
        if _all_found(part, len(rows), cells):
            if rows:
                self.row = max(self.row, max(map(int, set(rows))))
            # Only cells that could pass a cap are looked at: a row of six digits or more,
            # a column of two letters or more (a one-letter column is within any cap).
            far = _CELL_FAR_ROW.findall(part)
            if far:
                self.row = max(self.row, max(map(int, set(far))))
            wide = _CELL_WIDE.findall(part)
            if wide:
                letters = max(set(wide), key=lambda t: (len(t), t))
                self.column = max(self.column, _column_number(letters))
        else:
            self._walk(part)
            # Whatever the tags look like, no reference anywhere may point beyond the cap.
            for letters, digits in _REFERENCE.findall(part):
                self._check(int(digits or 0), _column_number(letters) if letters else 0)
        self._check(self.row, self.column)

    def _walk(self, part: bytes) -> None:
        row, column = self.row, self.column
        for match in _ROW_OR_CELL.finditer(part):
            name, attributes = match.groups()
            reference = _REFERENCE.search(attributes)
            if name == b"row":
                row = int(reference[2]) if reference and reference[2] else row + 1
                column = 0
                continue
            if reference and reference[1]:
                column = _column_number(reference[1])
                row = int(reference[2]) if reference[2] else row
            else:
                column += 1
            self._check(row, column)
            self.row, self.column = max(self.row, row), max(self.column, column)

    @staticmethod
    def _check(row: int, column: int) -> None:
        problems = []
        if row > MAX_ROWS + 1:
            problems.append(f"数据延伸到第 {row} 行（一次最多导入 {MAX_ROWS} 行数据）")
        if column > MAX_COLUMNS:
            problems.append(f"数据延伸到第 {column} 列（最多 {MAX_COLUMNS} 列）")
        if problems:
            raise ImportFileError(
                "工作表过大：" + "，".join(problems) + "；请只保留要导入的数据，删除多余的行和列"
            )


def _all_found(part: bytes, rows: int, cells: int) -> bool:
    """Whether the literal search found every row and cell tag of part."""
    if _PREFIXED.search(part):  # a namespace prefix (or text that looks like one)
        return False
    ends = (b" ", b"\t", b"\n", b"\r", b">", b"/")
    return rows == sum(part.count(b"<row" + end) for end in ends) and cells == sum(
        part.count(b"<c" + end) for end in ends
    )


def _column_number(letters: bytes) -> int:
    if len(letters) > 3:
        return MAX_COLUMNS + 1 + len(letters)
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64  # b"A" is 65
    return number


def _column_positions(spec: SheetSpec, header: list[str]) -> dict[str, int]:
    positions = {text: i for i, text in enumerate(header) if text}
    missing = [c.header for c in spec.columns if c.required and c.header not in positions]
    if missing:
        raise ImportFileError("缺少必填列：" + "、".join(missing) + "（请使用下载的模板）")
    return {c.field: positions[c.header] for c in spec.columns if c.header in positions}


# Rows validated per look-up of existing records (and per progress report).
CHUNK_ROWS = 1000
Progress = Callable[..., None]


def _no_progress(done: int, total: int | None = None, phase: str | None = None) -> None:
    pass


def run_import(
    spec: SheetSpec,
    content: bytes,
    user,
    *,
    dry_run: bool,
    progress: Progress | None = None,
    batch: str = "",
) -> ImportResult:
    """Validates every row; writes all of them in one transaction only if none is bad.

    Rows stream from the file and are validated a thousand at a time: existing records are
    looked up once per chunk, and a spec with `bulk` set validates field by field with one
    form per file and writes with bulk statements (core.bulk). `progress(done, total, phase)`
    hears of the rows done; `batch` tags the history rows the import writes, so it can be
    undone (core.undo)."""
    report = progress or _no_progress
    result = ImportResult(kind=spec.kind)
    try:
        header, rows, estimate = stream_rows(content)
        positions = _column_positions(spec, header)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result

    context = spec.form_kwargs(user)
    checker = BulkRowChecker(spec, context, positions) if spec.bulk else None
    seen: dict[Any, int] = {}
    done = 0
    report(0, estimate, "校验数据")
    try:
        for chunk in _chunks(rows, CHUNK_ROWS):
            _check_chunk(spec, chunk, positions, context, user, seen, checker, result)
            done += len(chunk)
            report(done, max(done, estimate))
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
    del rows, seen  # the workbook calamine holds, freed before the writes
    if done == 0 and not result.errors:
        result.errors.append(RowError(0, "", "文件中没有数据行：表头（第1行）以下没有填写任何数据"))
    if result.rows and not spec.bulk:
        result.errors.extend(spec.check_rows(result.rows, context))
    result.errors.sort(key=lambda e: e.row)
    if result.errors or dry_run:
        return result
    from kechuang.core import audit

    writes = [o for o in result.rows if o.action != "unchanged"]
    report(0, len(writes), "写入数据")
    try:
        with transaction.atomic(), audit.batch(batch):
            spec.begin(user, context)
            if spec.bulk:
                spec.save_bulk(writes, user, batch)
            else:
                for index, outcome in enumerate(writes, start=1):
                    spec.save(outcome.form, user)
                    report(index)
            spec.end(user, context)
    except (DatabaseError, ValidationError, PermissionDenied) as exc:
        # A write refused midway (another writer changed the same records, the database
        # stayed busy): the whole file rolled back, reported as an error of the file.
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        message = f"写入时被拒绝（{reason}），可能有其他导入或编辑同时修改了同一记录，请重新导入"
        result.errors.append(RowError(0, "", message))
        return result
    report(len(writes), len(writes))
    result.committed = True
    return result


def _chunks(rows: Iterable, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_chunk(spec, chunk, positions, context, user, seen, checker, result) -> None:
    """Validates one chunk of rows into result.rows / result.errors."""
    key_header = spec.key_column.header
    parsed: list[tuple[int, Any, dict[str, str]]] = []
    for row_number, cells in chunk:
        data = {f: (cells[i] if i < len(cells) else "") for f, i in positions.items()}
        if spec.key_field in data:
            data[spec.key_field] = spec.normalize_key(data[spec.key_field])
        key = spec.row_key(data, context)
        if key is not None and key in seen:
            result.errors.append(
                RowError(row_number, key_header, spec.duplicate_message(key, seen[key]))
            )
            continue
        if key is not None:
            seen[key] = row_number
        parsed.append((row_number, key, data))

    keys = [key for _, key, _ in parsed if key is not None]
    existing = spec.existing(keys, context) if keys else {}
    editable = set(
        spec.model.objects.editable_by(user)
        .filter(pk__in=[o.pk for o in existing.values()])
        .values_list("pk", flat=True)
    )
    for row_number, key, data in parsed:
        instance = existing.get(key) if key is not None else None
        if instance is not None and instance.pk not in editable:
            result.errors.append(RowError(row_number, key_header, "无权修改该记录"))
            continue
        shown = spec.describe_key(key) if key is not None else ""
        if checker is not None:
            outcome, errors = checker.check(row_number, data, instance, user)
            if errors:
                result.errors.extend(errors)
            else:
                outcome.key, outcome.label = shown, spec.label(data)
                result.rows.append(outcome)
            continue
        form = spec.form_class(
            data=spec.form_data(data, instance, positions),
            instance=instance,
            **context,
        )
        if not form.is_valid():
            result.errors.extend(_form_errors(spec, row_number, form.errors))
            continue
        reason = spec.check_permission(form, user)
        if reason:
            result.errors.append(RowError(row_number, "", reason))
            continue
        if instance is None:
            action, changes = "create", []
        elif form.has_changed():
            action, changes = "update", [spec.header_of(n) or n for n in form.changed_data]
        else:
            action, changes = "unchanged", []
        result.rows.append(RowOutcome(row_number, shown, spec.label(data), action, changes, form))


def _form_errors(spec, row_number: int, errors: dict) -> list[RowError]:
    found = []
    for name, messages in errors.items():
        column = spec.header_of(name) if name != NON_FIELD_ERRORS else ""
        for message in messages:
            found.append(RowError(row_number, column, message))
    return found


class BulkRowChecker:
    """Validates rows as the spec's ModelForm would, without building one per row: the
    form is built once per file, and each row runs its fields' clean(), the form's
    clean_<field> hooks and clean(), then the model's field validators and clean().
    The key's uniqueness is settled by the file-wide look-up, not by a query per row.
    Columns left out of the file keep the record's values (a new record: the defaults)."""

    def __init__(self, spec: SheetSpec, context: dict[str, Any], positions: dict[str, int]):
        self.spec = spec
        self.form = spec.form_class(data={}, **context)
        self.fields = [(n, f) for n, f in self.form.fields.items() if not f.disabled]
        for _, form_field in self.fields:
            if type(form_field) is forms.DateField:
                _iso_first(form_field)
        self.hooks = {
            n: getattr(self.form, f"clean_{n}")
            for n, _ in self.fields
            if hasattr(self.form, f"clean_{n}")
        }
        model = spec.model
        self.model_fields = {
            f.name: f for f in model._meta.concrete_fields if f.name in self.form.fields
        }
        self.in_file = set(positions)
        # Model validation of the fields the form sets (as ModelForm._post_clean does).
        self.exclude = {f.name for f in model._meta.fields if f.name not in self.form.fields}
        # The model's own field checks, less what the form field already did: its validators
        # that the form field lacks (e.g. a checksum), and its choices. A foreign key a
        # ModelChoiceField chose was read from the database for this file, so the model's
        # check that it exists (a query per row) is left out.
        self.model_checks = []
        for name, model_field in self.model_fields.items():
            form_field = self.form.fields[name]
            if model_field.is_relation:
                continue
            extra = [v for v in model_field.validators if v not in form_field.validators]
            # A choice field of the form has checked the choices already.
            choices = model_field.choices and not isinstance(form_field, forms.ChoiceField)
            if extra or choices:
                self.model_checks.append((model_field, extra, choices))
        # A new record's fields that the file leaves out are cleaned from "" on every row:
        # the same outcome each time, so computed once (fields with a clean_ hook aside).
        self.per_row = [(n, f) for n, f in self.fields if n in self.in_file or n in self.hooks]
        self.in_file_fields = [(n, f) for n, f in self.fields if n in self.in_file]
        self.absent: dict[str, Any] = {}
        self.absent_errors: dict[str, ValidationError] = {}
        for name, form_field in self.fields:
            if name in self.in_file or name in self.hooks:
                continue
            try:
                self.absent[name] = form_field.clean("")
            except ValidationError as exc:
                self.absent_errors[name] = exc
        probe = model()
        self.new_record = _record_factory(model, probe)
        unique_checks, _ = probe._get_unique_checks(exclude=self.exclude | {spec.key_field})
        self.other_unique = bool(unique_checks)
        self.attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]

    def check(self, row_number: int, data: dict[str, str], instance, user):
        form = self.form
        form.cleaned_data = {}
        form._errors = ErrorDict()
        creating = instance is None
        # A column the file leaves out keeps the record's value (a new record: the default).
        for name, form_field in self.per_row if creating else self.in_file_fields:
            try:
                form.cleaned_data[name] = form_field.clean(data.get(name, ""))
                if name in self.hooks:
                    form.cleaned_data[name] = self.hooks[name]()
            except ValidationError as exc:
                form.add_error(name, exc)
        if creating:
            form.cleaned_data.update(self.absent)
            for name, exc in self.absent_errors.items():
                form.add_error(name, exc)
        try:
            cleaned = form.clean()
            if cleaned is not None:
                form.cleaned_data = cleaned
        except ValidationError as exc:
            form.add_error(None, exc)
        if form._errors:
            return None, _form_errors(self.spec, row_number, form._errors)

        target = self.new_record() if creating else instance
        before = {a: getattr(target, a) for a in self.attnames} if not creating else {}
        for name, value in form.cleaned_data.items():
            model_field = self.model_fields.get(name)
            if model_field is None:
                continue
            if creating and name not in self.in_file and model_field.has_default():
                continue
            model_field.save_form_data(target, value)
        try:
            self._check_fields(target)
            target.clean()
            if self.other_unique:
                target.validate_unique(exclude=self.exclude | {self.spec.key_field})
        except ValidationError as exc:
            return None, _form_errors(self.spec, row_number, _message_dict(exc))
        reason = self.spec.check_permission(form, user)
        if reason:
            return None, [RowError(row_number, "", reason)]
        if creating:
            return RowOutcome(row_number, "", "", "create", [], instance=target), []
        changed = [a for a in self.attnames if getattr(target, a) != before[a]]
        if not changed:
            return RowOutcome(row_number, "", "", "unchanged", []), []
        labels = [self._label(a) for a in changed]
        outcome = RowOutcome(row_number, "", "", "update", labels, instance=target)
        outcome.before, outcome.changed = before, changed
        return outcome, []

    def _check_fields(self, target) -> None:
        errors: dict[str, list] = {}
        for model_field, validators, choices in self.model_checks:
            value = getattr(target, model_field.attname)
            if value in model_field.empty_values:
                continue
            try:
                if choices:
                    model_field.validate(value, target)
                for validator in validators:
                    validator(value)
            except ValidationError as exc:
                errors.setdefault(model_field.name, []).extend(exc.messages)
        if errors:
            raise ValidationError(errors)

    def _label(self, attname: str) -> str:
        name = attname.removesuffix("_id") if attname.endswith("_id") else attname
        header = self.spec.header_of(name)
        if header:
            return header
        try:
            return str(self.spec.model._meta.get_field(name).verbose_name)
        except Exception:
            return name


_IMMUTABLE = (str, int, float, bool, Decimal, datetime.date, datetime.time, type(None))


def _record_factory(model: type[models.Model], probe: models.Model) -> Callable[[], Any]:
    """New unsaved records like `model()` makes them, copied from a fresh one: Model.__init__
    costs more than the rest of a row's checks. Only when nothing listens to the model's
    init signals and every default is immutable (shared safely); otherwise model() itself."""
    from django.db.models import signals
    from django.db.models.base import ModelState

    listened = signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
    values = {k: v for k, v in probe.__dict__.items() if k != "_state"}
    if listened or not all(isinstance(v, _IMMUTABLE) for v in values.values()):
        return model

    def new() -> models.Model:
        record = model.__new__(model)
        record.__dict__.update(values)
        record._state = ModelState()
        return record

    return new


def _iso_first(form_field: forms.DateField) -> None:
    """Reads an ISO date (what exports and most files hold) with date.fromisoformat before
    trying the field's input formats one strptime at a time: same result, a tenth the cost."""
    parse = form_field.to_python

    def to_python(value):
        if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        return parse(value)

    form_field.to_python = to_python


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {n: [m for e in errors for m in e.messages] for n, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: exc.messages}


def _with_unexported_initial(spec, data, instance, positions) -> dict[str, Any]:
    """Columns left out of the file keep the record's current values."""
    if instance is None:
        return data
    names = [n for n in spec.form_class.base_fields if n not in positions and n not in data]
    filled = dict(data)
    for name, value in model_to_dict(instance, fields=names).items():
        filled[name] = "" if value is None else value
    return filled


# --- writing -----------------------------------------------------------------

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


# Text a spreadsheet could take for a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(f"[{CONTROL}]")


def safe_cell(sheet, value: Any) -> Any:
    """A cell value openpyxl can write and Excel shows as it was typed: control characters
    (which openpyxl refuses) removed, text that looks like a formula written as text.
    Every writer of a write-only sheet passes its values through this."""
    if not isinstance(value, str):
        return value  # Decimal, int, date: openpyxl writes them as numbers and dates
    text = _ILLEGAL.sub("", value) if _ILLEGAL.search(value) else value
    if not text.startswith(FORMULA_START):
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True  # typing over it in Excel keeps it text too
    return cell


def write_workbook(spec: SheetSpec, objects: Iterable[models.Model] | None, user=None) -> bytes:
    """The template (objects=None) or an export; the header is the same either way.

    Personal data is masked for a user who may not see it (user=None: unmasked, for the CLI).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.title)
    for index, column in enumerate(spec.columns):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, c) for c in spec.columns])
    if objects is not None:
        for obj in objects:
            row = [c.export(obj) for c in spec.columns]
            if spec.masked_fields and not spec.may_see_contacts(user, obj):
                row = [
                    spec.masked_fields[c.field](value) if c.field in spec.masked_fields else value
                    for c, value in zip(spec.columns, row, strict=True)
                ]
            sheet.append([safe_cell(sheet, value) for value in row])
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in spec.columns:
        notes.append([column.header, "必填" if column.required else "选填", column.note])
    notes.append([])
    notes.append(
        ["导入时按【" + spec.key_column.header + "】匹配已有记录：已有则更新，没有则新增。"]
    )
    notes.append(["任何一行有错误时整个文件都不会写入，并逐行列出错误。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet, column: Column):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=column.header)
    cell.font = HEADER_FONT
    if column.required:
        cell.fill = REQUIRED_FILL
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- files waiting between dry run and confirm -------------------------------------

# A dry run's file is kept until it is confirmed; one not confirmed within a day is abandoned.
PENDING_MAX_AGE = 24 * 3600


def pending_dir() -> Path:
    path = Path(settings.IMPORT_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_abandoned_imports(now: float | None = None) -> int:
    """Deletes pending import files older than a day; returns how many."""
    cutoff = (time.time() if now is None else now) - PENDING_MAX_AGE
    removed = 0
    for path in pending_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # taken or removed by another process meanwhile
            continue
    return removed


# --- registry ----------------------------------------------------------------

_REGISTRY: dict[str, SheetSpec] = {}


def register(spec: SheetSpec) -> SheetSpec:
    _REGISTRY[spec.kind] = spec
    return spec


def get_spec(kind: str) -> SheetSpec:
    _load_all()
    try:
        return _REGISTRY[kind]
    except KeyError as exc:
        kinds = "、".join(sorted(_REGISTRY))
        raise ImportFileError(f"未知的数据类型 {kind}，可选：{kinds}") from exc


def all_specs() -> dict[str, SheetSpec]:
    _load_all()
    return dict(_REGISTRY)


def _load_all() -> None:
    import importlib

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if config.name.startswith("kechuang.") and module_has_submodule(config.module, "importers"):
            importlib.import_module(f"{config.name}.importers")


# --- parsing helpers shared by the apps' forms ----------------------------------

YES = {"是", "Y", "y", "yes", "Yes", "TRUE", "true", "True", "1"}
NO = {"否", "N", "n", "no", "No", "FALSE", "false", "False", "0", ""}


class YesNoField(forms.Field):
    """A boolean typed in Excel as 是/否."""

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value or "").strip()
        if text in YES:
            return True
        if text in NO:
            return False
        raise forms.ValidationError("应填写“是”或“否”")

    def validate(self, value):
        pass

    def has_changed(self, initial, data):
        try:
            return bool(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class LabelChoiceField(forms.ChoiceField):
    """A choice typed by its Chinese label (the code is accepted too)."""

    def to_python(self, value):
        text = str(value or "").strip()
        for code, label in self.choices:
            if text and text in (str(code), str(label)):
                return code
        return text

    def has_changed(self, initial, data):
        return str(initial or "") != str(self.to_python(data) or "")


def yes_no(value: bool) -> str:
    return "是" if value else "否"


class RegionField(forms.ModelChoiceField):
    """A region typed by its code or name; `lookup` (code/name → Region) is built once per file."""

    def __init__(self, *args, level: str | None = None, **kwargs):
        self.level = level
        self.lookup: dict | None = None
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if self.lookup is None:
            self.lookup = region_lookup(self.level)
        found = self.lookup.get(text)
        if found is None:
            raise forms.ValidationError(f"未知的{self.label}：{text}", code="invalid_choice")
        return found

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        return str(initial or "") != str(new.pk if new else "")


def region_lookup(level: str | None = None) -> dict:
    """Regions by code and by name (the first of equal names wins), optionally of one level."""
    from kechuang.core.models import Region

    regions = Region.objects.all() if level is None else Region.objects.filter(level=level)
    lookup = {}
    for region in regions:
        lookup[region.code] = region
        lookup.setdefault(region.name, region)
    return lookup
