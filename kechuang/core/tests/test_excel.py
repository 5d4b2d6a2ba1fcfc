"""The Excel framework's guards: hostile files refused before calamine expands them, and
exports that Excel shows as text and that re-import unchanged."""

import io
import struct
import zipfile
import zlib
from unittest import mock

from django.test import SimpleTestCase
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from kechuang.core import excel
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.core.tests.hostile import far_cell_xlsx, shared_string_bomb
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create
from kechuang.enterprises.tests.test_importers import HEADER


def refusal(content: bytes) -> str:
    with SimpleTestCase().assertRaises(excel.ImportFileError) as caught:
        excel.read_rows(content)
    return str(caught.exception)


def with_understated_member(name: str, content: bytes, declared: int) -> bytes:
    """A zip whose directory says member `name` unpacks to `declared` bytes (with the CRC of
    those first bytes) while its deflate stream holds all of `content`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(name, content)
    data = bytearray(buffer.getvalue())
    crc = zlib.crc32(content[:declared])
    start = data.find(b"PK\x01\x02")
    while start != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, start + 16, crc)
            struct.pack_into("<I", data, start + 24, declared)
        start = data.find(b"PK\x01\x02", start + 4)
    return bytes(data)


class ReadGuardTest(SimpleTestCase):
    def test_one_cell_at_xfd1048576_is_refused_without_expanding_the_sheet(self):
        for header in (None, HEADER):  # the lone cell, and the cell below a real header
            with self.subTest(header=bool(header)):
                content = far_cell_xlsx(header)
                self.assertLess(len(content), 8 * 1024)
                message = refusal(content)
                self.assertIn("数据延伸到第 1048576 行（一次最多导入 200000 行数据）", message)
                self.assertIn("数据延伸到第 16384 列（最多 200 列）", message)

    def test_a_sheet_stored_outside_xl_worksheets_is_checked_too(self):
        moved = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(far_cell_xlsx(HEADER))) as source,
            zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                data = source.read(info)
                name = info.filename.replace("worksheets/sheet1.xml", "data/hidden.xml")
                target.writestr(name, data.replace(b"worksheets/sheet1.xml", b"data/hidden.xml"))
        self.assertIn("数据延伸到第 1048576 行", refusal(moved.getvalue()))

    def test_the_row_cap_counts_the_rows_the_sheet_holds(self):
        rows = [[f"企业{i}"] for i in range(6)]
        with mock.patch.object(excel, "MAX_ROWS", 5):
            self.assertIn(
                "数据延伸到第 7 行（一次最多导入 5 行数据）", refusal(xlsx(["名称"], rows))
            )
            header, read = excel.read_rows(xlsx(["名称"], rows[:5]))
        self.assertEqual(len(read), 5)

    def test_cells_without_references_are_placed_as_calamine_places_them(self):
        cells = "".join("<c><v>1</v></c>" for _ in range(excel.MAX_COLUMNS + 1))
        sheet = f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
        self.assertIn(f"数据延伸到第 {excel.MAX_COLUMNS + 1} 列", refusal(buffer.getvalue()))

    def test_cells_written_in_unusual_shapes_are_still_found(self):
        shapes = [
            '<c\tr="XFD1048576"><v>1</v></c>',  # a tab before the reference
            '<c s="1" r="XFD1048576"><v>1</v></c>',  # the reference not first
            '<c foo=">" r="XFD1048576"><v>1</v></c>',  # ">" inside a quoted value
            "<x:c r='XFD1048576'><x:v>1</x:v></x:c>",  # a prefix and single quotes
        ]
        for cell in shapes:
            with self.subTest(cell=cell):
                sheet = f'<worksheet><sheetData><row r="1">{cell}</row></sheetData></worksheet>'
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.writestr("xl/worksheets/sheet1.xml", sheet)
                self.assertIn("数据延伸到第 1048576 行", refusal(buffer.getvalue()))

    def test_a_huge_shared_string_is_refused_from_the_zip_directory(self):
        message = refusal(shared_string_bomb(8))
        self.assertIn("文件中的 xl/sharedStrings.xml 解压后 8 MB，压缩比", message)
        self.assertIn("超过上限 100:1", message)
        self.assertIn("疑似压缩炸弹", message)

    def test_a_large_unpacked_total_is_refused(self):
        with mock.patch.object(excel, "MAX_UNPACKED_MB", 4):
            self.assertIn("文件解压后共 8 MB，超过上限 4 MB", refusal(shared_string_bomb(8)))

    def test_a_member_longer_than_its_directory_entry_is_refused(self):
        content = with_understated_member("xl/sharedStrings.xml", b"<sst>" + b"a" * 300_000, 1000)
        self.assertIn("实际内容比登记的 1000 字节更长", refusal(content))

    def test_a_file_that_is_not_a_zip_is_unreadable(self):
        for content in (b"", b"not a spreadsheet", b"PK\x03\x04broken"):
            with self.subTest(content=content):
                self.assertIn("无法读取文件", refusal(content))

    def test_a_file_with_only_its_header_says_it_has_no_data_rows(self):
        self.assertIn("文件中没有数据行", refusal(xlsx(HEADER, [])))

    def test_a_file_bigger_than_the_cap_is_refused_by_size(self):
        with self.settings(UPLOAD_MAX_MB=1):
            message = refusal(b"x" * (3 * 1024 * 1024 // 2))
        self.assertEqual(message, "文件大小 1.5 MB，超过上限 1 MB")

    def test_columns_left_of_the_used_range_keep_their_positions(self):
        workbook_bytes = xlsx(["", "", "名称"], [["", "", "甲"]])
        header, rows = excel.read_rows(workbook_bytes)
        self.assertEqual(header[2], "名称")
        self.assertEqual(rows, [(2, ["", "", "甲"])])


# What a form keeps (it strips surrounding whitespace, so a leading tab or CR never reaches
# a record through it; safe_cell is checked on those directly).
FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "+1+2", "-3+4", "@SUM(A1)"]


class ExportTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.spec = excel.get_spec("enterprises")
        cls.firms = [
            enterprise_create(
                actor=cls.staff,
                credit_code=credit_code(800 + i),
                name=f"公式企业{i}",
                township=cls.township_a,
                industry_division="33",
                address=text,
            )
            for i, text in enumerate(FORMULAS)
        ]

    def export(self) -> bytes:
        return excel.write_workbook(self.spec, Enterprise.objects.filter(name__startswith="公式"))

    def test_text_that_looks_like_a_formula_is_written_as_text(self):
        sheet = load_workbook(io.BytesIO(self.export())).worksheets[0]
        column = HEADER.index("地址") + 1
        cells = {
            sheet.cell(row=r, column=column).value: sheet.cell(row=r, column=column)
            for r in range(2, sheet.max_row + 1)
        }
        self.assertEqual(set(cells), set(FORMULAS))
        for text, cell in cells.items():
            with self.subTest(text=text):
                self.assertEqual(cell.data_type, "s")
                self.assertTrue(cell.quotePrefix)

    def test_a_leading_tab_or_carriage_return_is_written_as_text(self):
        sheet = load_workbook(io.BytesIO(self.export())).worksheets[0]
        for text in ("\t=1+1", "\r=1+1"):
            with self.subTest(text=repr(text)):
                cell = excel.safe_cell(sheet, text)
                self.assertEqual((cell.value, cell.data_type, cell.quotePrefix), (text, "s", True))
        self.assertEqual(excel.safe_cell(sheet, "普通文本"), "普通文本")

    def test_calamine_reads_the_formula_text_back_unchanged(self):
        rows = CalamineWorkbook.from_filelike(io.BytesIO(self.export())).get_sheet_by_index(0)
        addresses = {r[HEADER.index("地址")] for r in rows.to_python()[1:]}
        self.assertEqual(addresses, set(FORMULAS))

    def test_the_export_reimports_unchanged(self):
        result = excel.run_import(self.spec, self.export(), self.staff, dry_run=True)
        self.assertTrue(result.ok, result.errors)
        self.assertEqual(result.count("unchanged"), len(FORMULAS))

    def test_a_stored_control_character_does_not_break_the_export(self):
        Enterprise.objects.filter(pk=self.ent_a.pk).update(address="鹤城\x07路\x1b1号")
        self.client.force_login(self.staff)
        response = self.client.get("/imports/enterprises/export/")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        addresses = [r[HEADER.index("地址")] for r in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertIn("鹤城路1号", addresses)


class OtherWritersTest(SimpleTestCase):
    def test_the_screening_export_writes_a_formula_like_name_as_text(self):
        from types import SimpleNamespace

        from kechuang.eligibility.exports import screening_workbook

        firm = SimpleNamespace(credit_code="91331121MA0000001X", name="=1+1\x07")
        row = SimpleNamespace(
            enterprise=firm,
            score={},
            pool_status_label="",
            verdict_label="符合",
            summary=lambda: "",
        )
        content = screening_workbook([row], tier=SimpleNamespace(name="高新技术企业"), year=2023)
        cell = load_workbook(io.BytesIO(content)).worksheets[0]["B2"]
        self.assertEqual((cell.value, cell.data_type), ("=1+1", "s"))
