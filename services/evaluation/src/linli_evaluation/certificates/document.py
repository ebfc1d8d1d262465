"""The certificate as a one-page A4 PDF, after the national practice's template (《志愿服务记录与证明出具
办法（试行）》): a statement naming the volunteer, the document and its masked number, the period, the hours
and the service, then the record of service, the issuing committee, the handler, the date, the serial and a
QR code that opens the public check.

It is drawn from the stored certificate alone, so the same certificate always prints the same. Rendering a
page takes milliseconds: it is done on request, not stored. Chinese text uses the PDF viewer's built-in
STSong-Light (a CID font every PDF reader ships), so no font file is embedded or needed on the server."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli_evaluation.certificates.models import Certificate, CertificateStatus
from linli_shared.clock import local_date

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

#: records listed one by one up to this many; beyond it the page lists activities instead
LINES_ON_PAGE = 12
#: activities listed up to this many; the rest are summed in one row
ACTIVITIES_ON_PAGE = 10
#: activity names longer than this are cut in the table, so a row never wraps onto a second page
NAME_IN_TABLE = 28
MARGIN = 20 * mm
QR_SIZE = 32 * mm

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=24, leading=32, alignment=TA_CENTER)
SERIAL = ParagraphStyle("serial", fontName=FONT, fontSize=10, leading=14, alignment=TA_RIGHT)
BODY = ParagraphStyle(
    "body", fontName=FONT, fontSize=12, leading=22, wordWrap="CJK", firstLineIndent=24, spaceAfter=4
)
WARNING = ParagraphStyle(
    "warning", fontName=FONT, fontSize=12, leading=18, alignment=TA_CENTER, textColor=colors.red
)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=13, wordWrap="CJK")
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
SIGNATURE = ParagraphStyle("signature", fontName=FONT, fontSize=12, leading=22, alignment=TA_RIGHT)


def render_certificate(certificate: Certificate, check_url: str) -> bytes:
    """The PDF. Should a long name or many activities push it past one page, the record of service is
    shortened until it fits: a certificate is one sheet."""
    for detail_rows in (ACTIVITIES_ON_PAGE, 8, 6, 4, 0):
        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"志愿服务证明 {certificate.serial}",
            author=certificate.issuer_name,
            subject="志愿服务证明",
            creator="Linli",
        )
        document.build(_story(certificate, check_url, detail_rows))
        if document.page == 1:
            break
    return buffer.getvalue()


def _story(certificate: Certificate, check_url: str, detail_rows: int) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph("志愿服务证明", TITLE),
        Paragraph(f"编号：{escape(certificate.serial)}", SERIAL),
        Spacer(1, 6 * mm),
    ]
    if certificate.status == CertificateStatus.REVOKED and certificate.revoked_at is not None:
        revoked_on = _chinese_date(local_date(certificate.revoked_at))
        story += [Paragraph(f"本证明已于{revoked_on}撤销，不再有效。", WARNING), Spacer(1, 3 * mm)]
    story += [Paragraph(_statement(certificate), BODY), Paragraph("特此证明。", BODY)]
    if certificate.purpose:
        story.append(Paragraph(f"用途：{escape(certificate.purpose)}", BODY))
    story.append(Spacer(1, 4 * mm))
    if detail_rows:
        story += [_service_table(certificate, detail_rows), Spacer(1, 8 * mm)]
    story += [
        Paragraph(f"出具单位（盖章）：{escape(certificate.issuer_name)}", SIGNATURE),
        Paragraph(f"经办人：{escape(certificate.handler)}", SIGNATURE),
        Paragraph(f"出具日期：{_chinese_date(certificate.issued_on)}", SIGNATURE),
        Spacer(1, 8 * mm),
        _check_block(certificate, check_url),
    ]
    return story


def _statement(certificate: Certificate) -> str:
    name = escape(certificate.volunteer_name)
    document = (
        f"证件类型：{escape(certificate.id_type)}，证件号码：{escape(certificate.id_number_masked)}，"
        f"志愿者编号：{escape(certificate.volunteer_number)}"
    )
    period = f"{_chinese_date(certificate.period_from)}至{_chinese_date(certificate.period_to)}"
    return (
        f"兹证明{name}（{document}）于{period}期间，在{escape(certificate.issuer_name)}参加志愿服务"
        f"{certificate.record_count}次，服务内容为{escape(certificate.service_content)}，"
        f"累计志愿服务时长{hours_text(certificate.hours)}小时。"
    )


def _service_table(certificate: Certificate, detail_rows: int) -> Table:
    rows: list[list[Any]]
    if certificate.lines and len(certificate.lines) <= LINES_ON_PAGE and detail_rows >= ACTIVITIES_ON_PAGE:
        rows = [_cells("服务日期", "服务项目", "时长（小时）")]
        rows += [
            _cells(
                _chinese_date(date.fromisoformat(line["date"])),
                _cut(line["activity"]),
                hours_text(Decimal(line["hours"])),
            )
            for line in certificate.lines
        ]
        widths = [40 * mm, 100 * mm, 30 * mm]
    else:
        rows = [_cells("服务项目", "次数", "时长（小时）")]
        rows += [
            _cells(_cut(name), str(records), hours_text(hours))
            for name, records, hours in _activity_rows(certificate.activities, detail_rows)
        ]
        widths = [110 * mm, 25 * mm, 35 * mm]
    rows.append(_cells("合计", f"{certificate.record_count}次", hours_text(certificate.hours)))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _activity_rows(activities: Sequence[dict[str, Any]], limit: int) -> list[tuple[str, int, Decimal]]:
    rows = [(item["activity"], int(item["records"]), Decimal(item["hours"])) for item in activities]
    if len(rows) <= limit:
        return rows
    shown, rest = rows[: limit - 1], rows[limit - 1 :]
    others = (
        f"其他{len(rest)}项",
        sum(records for _, records, _ in rest),
        sum((hours for _, _, hours in rest), start=Decimal(0)),
    )
    return [*shown, others]


def _check_block(certificate: Certificate, check_url: str) -> Table:
    buffer = BytesIO()
    segno.make(check_url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    note = Paragraph(
        "扫描二维码或访问以下网址，核验本证明的真伪：<br/>"
        f"{escape(check_url)}<br/>证明编号：{escape(certificate.serial)}<br/>"
        f"核验码：{escape(certificate.verification_code)}",
        SMALL,
    )
    block = Table([[Image(buffer, width=QR_SIZE, height=QR_SIZE), note]], colWidths=[QR_SIZE + 4 * mm, None])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return block


def _cells(*texts: str) -> list[Paragraph]:
    return [Paragraph(escape(text), CELL) for text in texts]


def _cut(name: str) -> str:
    return name if len(name) <= NAME_IN_TABLE else name[: NAME_IN_TABLE - 1] + "…"


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def hours_text(hours: Decimal) -> str:
    """12.50 → "12.5", 2.00 → "2": as people write hours."""
    return format(hours.quantize(Decimal("0.01")).normalize(), "f")
