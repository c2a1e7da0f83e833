"""The dashboard's tables and the period's cases as CSV (UTF-8 with BOM, for Excel) or XLSX.

Headers and names are in the viewer's language; times are local (dd/mm/yyyy HH:MM,
Asia/Ho_Chi_Minh). The cases export streams row by row from a server-side iterator and carries no
citizen contact data (no name, phone, email or address): only what the case is, where it is and
how it went.
"""
import csv
import io
import itertools

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.devices import DeviceClass
from core.models import Kind, localized_name
from metrics import selectors
from metrics.breakdown import breakdown
from metrics.scope import origin
from workflow.models import Channel, Rating, State

CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "percent"


def local_time(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


# --- what each table holds ------------------------------------------------------------------------

def group_columns(first_header):
    return [
        (first_header, lambda r: r["label"]),
        (_("Số phản ánh"), lambda r: r["submissions"]),
        (_("Phản ánh từ di động (trừ đã rút)"), lambda r: r["mobile_handling_rate"]["denominator"]),
        (_("Đã tiếp nhận và trả lời"), lambda r: r["mobile_handling_rate"]["numerator"]),
        (_("Tỷ lệ tiếp nhận và trả lời trên di động (%)"), lambda r: (PERCENT, r["mobile_handling_rate"]["rate"])),
        (_("Số hồ sơ"), lambda r: r["cases"]),
        (_("Đã trả lời"), lambda r: r["answered"]),
        (_("Trả lời đúng hạn"), lambda r: r["on_time"]["numerator"]),
        (_("Tỷ lệ đúng hạn (%)"), lambda r: (PERCENT, r["on_time"]["rate"])),
        (_("Đang quá hạn"), lambda r: r["overdue"]),
        (_("Trung vị thời gian trả lời (giờ làm việc)"), lambda r: r["median_response_working_hours"]),
    ]


def case_rows(*, filters, actor):
    """The period's cases, oldest first, as dicts, streamed in chunks (no contact data selected)."""
    cases = selectors.listed(selectors.cases_submitted_in(filters=filters, actor=actor), actor=actor).annotate(
        tracking_code=origin("tracking_code"), origin_channel=origin("channel"),
        origin_device=origin("device_class"), agency_vi=F("agency__name_vi"), agency_en=F("agency__name_en"),
        category_vi=F("category__name_vi"), category_en=F("category__name_en"), ward_name=F("ward__name"),
    ).order_by("submitted_at", "pk")
    fields = ("pk", "tracking_code", "title", "kind", "category_vi", "category_en", "ward_name", "agency_vi",
              "agency_en", "state",
              "origin_channel", "origin_device", "submitted_at", "handling_due_at", "answered_at",
              "answered_on_time", "response_working_seconds", "rating")
    return cases.values(*fields).iterator(chunk_size=CHUNK_SIZE)


def case_columns():
    # Labels are translated now, in the request's language, not later while the file streams.
    choices = {"kind": Kind.choices, "state": State.choices, "channel": Channel.choices,
               "device": DeviceClass.choices, "rating": Rating.choices}
    labels = {kind: {value: str(text) for value, text in pairs} for kind, pairs in choices.items()}
    in_time, late = _("Đúng hạn"), _("Quá hạn")

    def label(kind, value):
        return labels[kind].get(value, value or "")

    def on_time(value):
        return "" if value is None else (in_time if value else late)

    return [
        (pgettext("số của một hồ sơ", "Số hồ sơ"), lambda r: r["pk"]),
        (_("Mã theo dõi"), lambda r: r["tracking_code"] or ""),
        (_("Tiêu đề"), lambda r: r["title"]),
        (_("Loại"), lambda r: label("kind", r["kind"])),
        (_("Lĩnh vực"), lambda r: localized_name(r["category_vi"], r["category_en"]) or ""),
        (_("Phường/xã"), lambda r: r["ward_name"] or ""),
        (_("Cơ quan xử lý"), lambda r: localized_name(r["agency_vi"], r["agency_en"]) or ""),
        (_("Trạng thái"), lambda r: label("state", r["state"])),
        (_("Kênh"), lambda r: label("channel", r["origin_channel"])),
        (_("Thiết bị"), lambda r: label("device", r["origin_device"])),
        (_("Thời điểm gửi"), lambda r: local_time(r["submitted_at"])),
        (_("Hạn xử lý"), lambda r: local_time(r["handling_due_at"])),
        (_("Thời điểm trả lời"), lambda r: local_time(r["answered_at"])),
        (_("Kết quả thời hạn"), lambda r: on_time(r["answered_on_time"])),
        (_("Thời gian trả lời (giờ làm việc)"), lambda r: selectors.hours(r["response_working_seconds"])),
        (_("Đánh giá"), lambda r: label("rating", r["rating"])),
    ]


def table(name, *, filters, actor):
    """(columns, rows) of an export: "agency", "category" or "cases"."""
    if name == "cases":
        return case_columns(), case_rows(filters=filters, actor=actor)
    first = _("Cơ quan") if name == "agency" else _("Lĩnh vực")
    return group_columns(first), breakdown(by=name, filters=filters, actor=actor)


# --- the two formats ------------------------------------------------------------------------------

# A cell starting with one of these is a formula to a spreadsheet; citizens' text is data.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
    """Text from citizens or staff, made inert: a leading apostrophe stops formula evaluation."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_value(value):
    if isinstance(value, tuple):  # a rate: "92,5" like the dashboard (the header says it is a percentage)
        rate = value[1]
        return "" if rate is None else f"{rate * 100:.1f}".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return as_text_cell(value)


class _Echo:
    def write(self, value):
        return value


def csv_response(request, columns, rows, filename):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # the BOM: Excel then reads the file as UTF-8
        yield writer.writerow([str(header) for header, _get in columns])
        for row in rows:
            yield writer.writerow([_csv_value(get(row)) for _header_, get in columns])

    content = _async_lines(lines()) if isinstance(request, ASGIRequest) else lines()
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


async def _async_lines(lines, batch=500):
    """Under ASGI a synchronous iterator would be read whole before sending; pull it in batches
    on the thread that owns the database connection instead, so the file really streams."""
    pull = sync_to_async(lambda: list(itertools.islice(lines, batch)), thread_sensitive=True)
    while chunk := await pull():
        for line in chunk:
            yield line


def xlsx_response(columns, rows, filename, title):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(header) for header, _get in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, get(row)) for _header_, get in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=as_text_cell(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    if not isinstance(value, tuple):
        return value
    cell = WriteOnlyCell(sheet, value=value[1])
    cell.number_format = "0.0%"
    return cell
