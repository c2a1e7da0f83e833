"""Exports of the dashboard's tables and the period's cases: headers, local times, no contact data."""
import csv
import io

import openpyxl
import pytest

from tests.factories import PASSWORD

MARCH = "?from=2026-03-01&to=2026-03-31"


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def with_contact(steps, march):
    """One more case whose submitter left their name, phone and email."""
    return steps.submit("2026-03-03 14:05", contact_name="Nguyễn Thị Hoa", contact_phone="0912345678",
                        contact_email="hoa@example.vn", address="Số 12 ngõ 34 phố Lý Thái Tổ")


def test_cases_export_streams_csv_with_vietnamese_headers_and_local_times(client, world, with_contact):
    response = signed_in(client, world.receptionist).get("/dashboard/export/cases.csv" + MARCH)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="pakn-cases-20260301-20260331.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Số hồ sơ", "Mã theo dõi", "Tiêu đề"]
    assert "Thời điểm gửi" in header and "Trạng thái" in header
    assert len(body) == 12  # the eleven of March and the new one; I and K are outside the period
    sent = header.index("Thời điểm gửi")
    mine = next(r for r in body if r[0] == str(with_contact.case_id))
    assert mine[sent] == "03/03/2026 14:05"  # local time, dd/mm/yyyy HH:MM
    assert mine[header.index("Trạng thái")] == "Chờ tiếp nhận"
    assert mine[header.index("Thiết bị")] == "Di động"


def test_an_english_viewer_gets_english_headers_and_names(client, world, with_contact):
    client = signed_in(client, world.receptionist)
    client.cookies["django_language"] = "en"
    header, *body = csv_rows(client.get("/dashboard/export/cases.csv" + MARCH))
    assert header[:3] == ["Case no.", "Tracking code", "Title"]
    mine = next(r for r in body if r[0] == str(with_contact.case_id))
    assert mine[header.index("Category")] == world.category.name_en


def test_cases_export_has_no_contact_data(client, world, with_contact):
    client = signed_in(client, world.receptionist)
    text = "\n".join(",".join(r) for r in csv_rows(client.get("/dashboard/export/cases.csv" + MARCH)))
    book = openpyxl.load_workbook(io.BytesIO(client.get("/dashboard/export/cases.xlsx" + MARCH).content))
    cells = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row)
    for private in ("Nguyễn Thị Hoa", "0912345678", "hoa@example.vn", "Lý Thái Tổ"):
        assert private not in text
        assert private not in cells


def test_agency_table_exports_as_xlsx(client, world, march):
    response = signed_in(client, world.receptionist).get("/dashboard/export/agency.xlsx" + MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Cơ quan"
    assert "Tỷ lệ tiếp nhận và trả lời trên di động (%)" in rows[0]
    department = next(r for r in rows if r[0] == "Sở Xây dựng")
    assert department[rows[0].index("Tỷ lệ tiếp nhận và trả lời trên di động (%)")] == 0.75
    cell = next(c for c in sheet[[r[0] for r in rows].index("Sở Xây dựng") + 1] if c.value == 0.75)
    assert cell.number_format == "0.0%"


def test_category_table_exports_as_csv_with_decimal_commas(client, world, march):
    rows = csv_rows(signed_in(client, world.receptionist).get("/dashboard/export/category.csv" + MARCH))
    assert rows[0][0] == "Lĩnh vực"
    rate = rows[0].index("Tỷ lệ tiếp nhận và trả lời trên di động (%)")
    assert rows[1][0] == "Hạ tầng đô thị"
    assert rows[1][rate] == "44,4"  # 4 / 9


def test_exports_follow_the_viewers_scope(client, world, march):
    rows = csv_rows(signed_in(client, world.supervisor).get("/dashboard/export/cases.csv" + MARCH))
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(march[n].case_id for n in "ABFG")


def test_exports_need_a_role_and_a_known_table(client, world):
    assert client.get("/dashboard/export/cases.csv").status_code == 302
    client = signed_in(client, world.nobody)
    assert client.get("/dashboard/export/cases.csv").status_code == 403
    client = signed_in(client, world.receptionist)
    assert client.get("/dashboard/export/users.csv").status_code == 404
    assert client.get("/dashboard/export/cases.pdf").status_code == 404
    assert client.get("/dashboard/export/cases.csv?from=nonsense").status_code == 400


def test_text_that_looks_like_a_formula_is_exported_as_text():
    from openpyxl import Workbook

    from metrics.exports import _xlsx_cell, as_text_cell

    assert as_text_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert as_text_cell("Đèn đường hỏng") == "Đèn đường hỏng"
    sheet = Workbook(write_only=True).create_sheet()
    assert _xlsx_cell(sheet, "=1+1").data_type == "s"
