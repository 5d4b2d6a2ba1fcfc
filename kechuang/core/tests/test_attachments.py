"""Attachments: who may upload, download and remove the files of a record (exactly who may
see or change the record), the size cap and type checks, how a file is stored and served,
and that the media folder is never served as static files."""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kechuang.core import attachments
from kechuang.core.models import Attachment, AuditEvent
from kechuang.core.tests.cast import CastTestCase, xlsx

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"
MB = 1024 * 1024


def upload(name: str = "高企申报书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def zipped(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


class AttachTest(CastTestCase):
    def attach(self, user=None, record=None, file=None, kind="申报材料") -> Attachment:
        return attachments.attach(
            actor=user or self.ent_user_a,
            record=record or self.ent_a,
            upload=file or upload(),
            kind=kind,
        )

    def refusal(self, **kwargs) -> dict:
        with self.assertRaises(ValidationError) as caught:
            self.attach(**kwargs)
        self.assertFalse(Attachment.objects.exists())
        return caught.exception.message_dict

    def test_a_firm_user_attaches_a_file_to_its_own_firm_under_a_random_name(self):
        attachment = self.attach()
        self.assertEqual(attachment.record, self.ent_a)
        self.assertEqual(attachment.name, "高企申报书.pdf")
        self.assertRegex(attachment.file.name, r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$")
        self.assertEqual(attachment.file.read(), PDF)
        self.assertEqual(
            (attachment.size, attachment.mime_type, attachment.sha256),
            (len(PDF), "application/pdf", hashlib.sha256(PDF).hexdigest()),
        )
        self.assertEqual(attachment.uploaded_by, self.ent_user_a)
        self.assertEqual(attachment.history.get().history_user, self.ent_user_a)
        event = AuditEvent.objects.get(content_type__model="attachment")
        self.assertEqual((event.action, event.user), ("create", self.ent_user_a))
        self.assertEqual(event.region_code, self.township_a.code)
        self.assertEqual(event.after["file"], attachment.file.name)

    def test_two_files_of_the_same_name_are_stored_apart(self):
        first, second = self.attach(), self.attach()
        self.assertNotEqual(first.file.name, second.file.name)

    def test_a_user_who_cannot_change_the_record_is_refused(self):
        for user, record in (
            (self.ent_user_a, self.ent_b),  # another firm
            (self.liaison_a, self.ent_b),  # another township
            (self.viewer, self.ent_a),  # sees the firm, changes nothing
        ):
            with self.subTest(user=user.username):
                errors = self.refusal(user=user, record=record)
                self.assertIn("不存在或无权修改", errors["record"][0])

    @override_settings(ATTACHMENT_MAX_MB=1)
    def test_a_file_over_the_size_cap_is_refused(self):
        errors = self.refusal(file=upload(content=PDF + b"0" * (3 * MB // 2)))
        self.assertEqual(errors, {"file": ["附件大小 1.5 MB，超过上限 1 MB"]})

    def test_an_empty_file_is_refused(self):
        self.assertEqual(self.refusal(file=upload(content=b"")), {"file": ["附件是空文件"]})

    def test_a_type_not_on_the_list_is_refused(self):
        for name in ("setup.exe", "材料.zip", "说明"):
            with self.subTest(name=name):
                errors = self.refusal(file=upload(name, EXE))
                self.assertRegex(errors["file"][0], r"^附件不接受 .+，只接受 pdf、ofd、docx、")

    def test_content_other_than_the_extension_says_is_refused(self):
        for name, content, label in (
            ("申报书.pdf", EXE, "PDF 文档"),  # an executable renamed .pdf
            ("照片.jpg", PDF, "JPEG 图片"),
            ("报告.docx", zipped("[Content_Types].xml", "xl/workbook.xml"), "Word 文档"),
            ("报表.xlsx", b"PK\x03\x04 not really a zip", "Excel 表格"),
            ("宏.xlsx", zipped("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"), ""),
            ("旧表.xls", PDF, "Excel 97–2003 表格"),
        ):
            with self.subTest(name=name):
                errors = self.refusal(file=upload(name, content))
                self.assertIn(f"附件的内容不是{label}", errors["file"][0])

    def test_the_bureaus_formats_are_accepted_by_their_content(self):
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
        for name, content, mime in (
            ("统计表.xlsx", xlsx(["企业", "营收"], [["甲", 1]]), "spreadsheetml"),
            ("报告.docx", zipped("[Content_Types].xml", "word/document.xml"), "wordprocessingml"),
            ("证书.ofd", zipped("OFD.xml", "Doc_0/Document.xml"), "application/ofd"),
            ("旧报告.DOC", ole, "application/msword"),
            ("扫描件.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
            ("扫描件.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        ):
            with self.subTest(name=name):
                self.assertIn(mime, self.attach(file=upload(name, content)).mime_type)

    def test_a_kind_the_model_does_not_list_is_refused(self):
        errors = self.refusal(kind="照片")
        self.assertEqual(
            errors, {"kind": ["附件类别“照片”不可选，可选：申报材料、认定文件、验收报告、其他"]}
        )
        self.assertEqual(self.refusal(kind=""), {"kind": ["请选择附件类别"]})

    def test_the_shown_name_drops_folders_and_control_characters(self):
        self.assertEqual(attachments.clean_name("C:\\材料\\申报\u202e书.PDF"), "申报书.pdf")
        self.assertEqual(attachments.clean_name("../../.pdf"), ".pdf")
        self.assertEqual(len(attachments.clean_name("长" * 300 + ".pdf")), 200)

    def test_detach_removes_the_row_and_then_the_file(self):
        attachment = self.attach()
        storage, name = attachment.file.storage, attachment.file.name
        with self.captureOnCommitCallbacks(execute=True):
            attachments.detach(actor=self.liaison_a, attachment=attachment)
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(storage.exists(name))
        self.assertEqual(attachment.history.latest().history_type, "-")

    def test_detach_by_a_user_who_cannot_change_the_record_is_refused(self):
        attachment = self.attach()
        for user in (self.viewer, self.liaison_b, self.commissioner):
            with self.subTest(user=user.username), self.assertRaises(ValidationError):
                attachments.detach(actor=user, attachment=attachment)
        self.assertTrue(attachment.file.storage.exists(attachment.file.name))


class AttachmentScopeTest(CastTestCase):
    """An attachment is seen and changed exactly as its record."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.of_a = attachments.attach(
            actor=cls.admin, record=cls.ent_a, upload=upload(), kind="其他"
        )
        cls.of_b = attachments.attach(
            actor=cls.admin, record=cls.ent_b, upload=upload(), kind="其他"
        )

    def test_each_role_sees_and_changes_the_files_of_the_records_it_sees_and_changes(self):
        a, b = self.of_a, self.of_b
        expected = {
            "admin": ({a, b}, {a, b}),
            "staff": ({a, b}, {a, b}),
            "liaison_a": ({a}, {a}),
            "liaison_b": ({b}, {b}),
            "ent_user_a": ({a}, {a}),
            "inst_user": (set(), set()),
            "commissioner": ({a}, set()),
            "viewer": ({a, b}, set()),
        }
        for role, (visible, editable) in expected.items():
            user = getattr(self, role)
            with self.subTest(role=role):
                self.assertEqual(set(Attachment.objects.visible_to(user)), visible)
                self.assertEqual(set(Attachment.objects.editable_by(user)), editable)
        self.assertEqual(set(Attachment.objects.owned_by(self.ent_user_a)), {a})
        self.assertEqual(set(Attachment.objects.visible_to_enterprise(self.ent_b.pk)), {b})

    def test_attachments_of_lists_one_records_files_by_kind(self):
        other = attachments.attach(
            actor=self.admin, record=self.ent_a, upload=upload(), kind="认定文件"
        )
        self.assertEqual(set(attachments.attachments_of(self.ent_a)), {self.of_a, other})
        self.assertEqual(list(attachments.attachments_of(self.ent_a, kind="认定文件")), [other])


class AttachmentPagesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.of_b = attachments.attach(
            actor=cls.liaison_b, record=cls.ent_b, upload=upload("乙公司 验收报告.pdf"), kind="其他"
        )

    def upload_url(self, enterprise) -> str:
        return f"/enterprises/{enterprise.pk}/attachments/"

    def post_file(self, user, enterprise, file=None, kind="申报材料", **headers):
        self.client.force_login(user)
        return self.client.post(
            self.upload_url(enterprise), {"kind": kind, "file": file or upload()}, **headers
        )

    def test_the_owner_uploads_through_the_fragment_and_sees_the_file_listed(self):
        response = self.post_file(self.ent_user_a, self.ent_a, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        attachment = Attachment.objects.get(object_id=self.ent_a.pk)
        self.assertContains(response, "高企申报书.pdf")
        self.assertContains(response, f'href="/files/{attachment.pk}/"')
        self.assertContains(response, f'action="/files/{attachment.pk}/delete/"')

    def test_an_upload_without_htmx_returns_to_the_record_page(self):
        response = self.post_file(self.ent_user_a, self.ent_a)
        self.assertRedirects(response, f"/enterprises/{self.ent_a.pk}/")
        self.assertTrue(Attachment.objects.filter(object_id=self.ent_a.pk).exists())

    def test_the_download_is_the_file_as_an_attachment_with_its_name(self):
        self.client.force_login(self.staff)
        response = self.client.get(f"/files/{self.of_b.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="attachment.pdf"; '
            "filename*=UTF-8''%E4%B9%99%E5%85%AC%E5%8F%B8%20%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf",
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_another_firms_user_is_refused_by_url(self):
        before = Attachment.objects.count()
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get(f"/files/{self.of_b.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/files/{self.of_b.pk}/delete/").status_code, 404)
        self.assertEqual(self.client.get(self.upload_url(self.ent_b)).status_code, 404)
        self.assertEqual(self.post_file(self.ent_user_a, self.ent_b).status_code, 404)
        self.assertEqual(Attachment.objects.count(), before)

    def test_a_user_who_only_sees_the_record_downloads_but_neither_uploads_nor_deletes(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(f"/files/{self.of_b.pk}/").status_code, 200)
        self.assertEqual(self.client.post(f"/files/{self.of_b.pk}/delete/").status_code, 403)
        self.assertEqual(self.post_file(self.viewer, self.ent_b).status_code, 403)
        page = self.client.get(f"/enterprises/{self.ent_b.pk}/")
        self.assertContains(page, "乙公司 验收报告.pdf")
        self.assertNotContains(page, self.upload_url(self.ent_b))
        self.assertNotContains(page, "/delete/")
        self.assertTrue(Attachment.objects.filter(pk=self.of_b.pk).exists())

    def test_anonymous_users_are_sent_to_sign_in(self):
        self.client.logout()
        for method, path in (
            ("get", f"/files/{self.of_b.pk}/"),
            ("post", f"/files/{self.of_b.pk}/delete/"),
            ("get", self.upload_url(self.ent_b)),
            ("post", self.upload_url(self.ent_b)),
        ):
            with self.subTest(path=path, method=method):
                response = getattr(self.client, method)(path)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/login/", response["Location"])
        self.assertTrue(Attachment.objects.filter(pk=self.of_b.pk).exists())

    def test_the_liaison_deletes_through_the_fragment(self):
        self.client.force_login(self.liaison_b)
        response = self.client.post(f"/files/{self.of_b.pk}/delete/", HTTP_HX_REQUEST="true")
        self.assertContains(response, "尚无附件")
        self.assertFalse(Attachment.objects.exists())

    @override_settings(ATTACHMENT_MAX_MB=1)
    def test_an_oversized_or_mistyped_file_is_shown_with_its_reason(self):
        for file, message in (
            (upload(content=PDF + b"0" * (3 * MB // 2)), "附件大小约 1.5 MB，超过上限 1 MB"),
            (upload("申报书.pdf", EXE), "附件的内容不是PDF 文档"),
            (upload("setup.exe", EXE), "附件不接受 .exe"),
        ):
            with self.subTest(message=message):
                response = self.post_file(self.liaison_b, self.ent_b, file, HTTP_HX_REQUEST="true")
                self.assertContains(response, message)
        self.assertEqual(Attachment.objects.count(), 1)

    def test_the_owners_record_page_offers_the_upload_form(self):
        self.client.force_login(self.ent_user_a)
        page = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(page, f'hx-post="{self.upload_url(self.ent_a)}"')
        self.assertContains(page, '<option value="验收报告">')
        self.assertNotContains(page, "乙公司 验收报告.pdf")


class AttachmentApiTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.of_a = attachments.attach(
            actor=cls.admin, record=cls.ent_a, upload=upload("甲.pdf"), kind="认定文件"
        )
        cls.of_b = attachments.attach(
            actor=cls.admin, record=cls.ent_b, upload=upload("乙.pdf"), kind="其他"
        )

    def names(self, user, query="") -> list[str]:
        self.client.force_login(user)
        response = self.client.get(f"/api/attachments/{query}")
        self.assertEqual(response.status_code, 200, response.content)
        return [row["name"] for row in response.json()["results"]]

    def test_the_list_holds_the_files_of_the_records_the_caller_sees(self):
        self.assertEqual(sorted(self.names(self.staff)), ["乙.pdf", "甲.pdf"])
        self.assertEqual(self.names(self.ent_user_a), ["甲.pdf"])
        self.assertEqual(self.names(self.inst_user), [])

    def test_one_records_files_by_its_label_and_id(self):
        query = f"?record=enterprises.enterprise:{self.ent_b.pk}"
        self.assertEqual(self.names(self.staff, query), ["乙.pdf"])
        self.assertEqual(self.names(self.ent_user_a, query), [])
        self.assertEqual(self.names(self.staff, "?record=core.region:1"), [])
        self.client.force_login(self.staff)
        row = self.client.get(f"/api/attachments/{self.of_b.pk}/").json()
        self.assertEqual(row["record"], f"enterprises.enterprise:{self.ent_b.pk}")
        self.assertEqual(row["download_url"], f"/files/{self.of_b.pk}/")
        self.assertEqual(row["sha256"], hashlib.sha256(PDF).hexdigest())

    def test_a_malformed_record_is_a_400_naming_the_parameter(self):
        self.client.force_login(self.staff)
        for value in ("enterprise", "enterprises.enterprise:x", "a.b:99999999999999999999"):
            with self.subTest(value=value):
                response = self.client.get("/api/attachments/", {"record": value})
                self.assertEqual(response.status_code, 400)
                self.assertIn("record", response.json())

    def test_another_firms_file_is_404(self):
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get(f"/api/attachments/{self.of_b.pk}/").status_code, 404)
        self.assertEqual(self.client.delete(f"/api/attachments/{self.of_a.pk}/").status_code, 405)


class MediaNotServedTest(CastTestCase):
    """Files under MEDIA_ROOT are reached only through the scoped download view."""

    def setUp(self):
        media = Path(tempfile.mkdtemp(prefix="kechuang-media-"))
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        storages = {
            **settings.STORAGES,
            "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
        disk = override_settings(
            MEDIA_ROOT=media, STORAGES=storages, ATTACHMENTS_STORAGE="attachments"
        )
        disk.enable()
        self.addCleanup(disk.disable)
        self.media = media

    def test_the_stored_file_is_on_disk_and_reachable_only_through_the_view(self):
        attachment = attachments.attach(
            actor=self.staff, record=self.ent_a, upload=upload(), kind="其他"
        )
        self.assertEqual((self.media / attachment.file.name).read_bytes(), PDF)
        self.assertIsNone(finders.find(attachment.file.name))
        self.client.force_login(self.admin)
        for prefix in ("/media/", "/", "/static/", settings.MEDIA_URL or "/"):
            with self.subTest(prefix=prefix):
                response = self.client.get(prefix + attachment.file.name)
                self.assertEqual(response.status_code, 404)
        response = self.client.get(f"/files/{attachment.pk}/")
        self.assertEqual(b"".join(response.streaming_content), PDF)
