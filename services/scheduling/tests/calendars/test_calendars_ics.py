"""The hand-written iCalendar: TEXT escaping, 75-octet folding that never splits a UTF-8 character, CRLF
line ends, UTC times."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from linli_scheduling.calendars.ics import (
    CalendarEvent,
    EventStatus,
    escape_text,
    fold,
    render_calendar,
    utc_stamp,
)

SHANGHAI = timezone(timedelta(hours=8))


def physical_lines(body: str) -> list[str]:
    assert body.endswith("\r\n")
    lines = body[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in lines)
    return lines


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").removesuffix("\r\n").split("\r\n")


@pytest.mark.unit
def test_text_escaping():
    assert escape_text("a\\b;c,d") == "a\\\\b\\;c\\,d"
    assert escape_text("第一行\n第二行\r\n第三行\r第四行") == "第一行\\n第二行\\n第三行\\n第四行"
    # full-width punctuation is ordinary text
    assert escape_text("3号楼，1单元；北门") == "3号楼，1单元；北门"
    assert escape_text("3号楼,1单元;北门") == "3号楼\\,1单元\\;北门"
    # a backslash is escaped first, so an escaped comma is not escaped twice
    assert escape_text("\\,") == "\\\\\\,"
    assert escape_text("tab\tkept, bell\x07 dropped") == "tab\tkept\\, bell dropped"


@pytest.mark.unit
def test_folding_at_75_octets_without_splitting_characters():
    assert fold("A" * 75) == "A" * 75
    assert fold("A" * 76) == "A" * 75 + "\r\n " + "A"
    line = "SUMMARY:" + "关爱银发，乐龄生活——为独居老人提供每周探访、代购和陪诊服务" * 4
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 1
    for index, piece in enumerate(pieces):
        assert len(piece.encode("utf-8")) <= 75
        if index:
            assert piece.startswith(" ")
            assert not piece.startswith("  ")
        piece.encode("utf-8").decode("utf-8")  # whole characters only
    assert folded.replace("\r\n ", "") == line
    # 8 ASCII octets + 22 three-octet characters = 74: one more character would make 77
    assert fold("SUMMARY:" + "邻" * 22) == "SUMMARY:" + "邻" * 22
    assert fold("SUMMARY:" + "邻" * 23) == "SUMMARY:" + "邻" * 22 + "\r\n " + "邻"
    # a four-octet character (outside the BMP) is kept whole too
    emoji = fold("X" * 73 + "😀" + "Y")
    assert emoji == "X" * 73 + "\r\n " + "😀Y"


@pytest.mark.unit
def test_times_are_utc_and_must_carry_a_zone():
    assert utc_stamp(datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)) == "20261201T013000Z"
    with pytest.raises(ValueError, match="zone"):
        utc_stamp(datetime(2026, 12, 1, 9, 30))


@pytest.mark.unit
def test_a_calendar_with_chinese_text():
    event = CalendarEvent(
        uid="0b7c1c1e-7d1a-4c1e-9a5e-3f1f0a2b3c4d@linli",
        starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI),
        ends_at=datetime(2026, 12, 1, 11, 0, tzinfo=SHANGHAI),
        summary="垃圾分类值守, 早班; 第1组",
        location="一网格 3号楼垃圾房",
        description="指导居民垃圾分类\n服务对象：小区居民" + "，请提前十分钟到达" * 5,
        status=EventStatus.TENTATIVE,
    )
    body = render_calendar("甲居民区志愿服务排班", [event], datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    for line in physical_lines(body):
        assert len(line.encode("utf-8")) <= 75
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    for expected in (
        "VERSION:2.0",
        "X-WR-CALNAME:甲居民区志愿服务排班",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "BEGIN:VEVENT",
        "UID:0b7c1c1e-7d1a-4c1e-9a5e-3f1f0a2b3c4d@linli",
        "DTSTAMP:20261130T160000Z",
        "DTSTART:20261201T010000Z",
        "DTEND:20261201T030000Z",
        "SUMMARY:垃圾分类值守\\, 早班\\; 第1组",
        "LOCATION:一网格 3号楼垃圾房",
        "DESCRIPTION:指导居民垃圾分类\\n服务对象：小区居民" + "，请提前十分钟到达" * 5,
        "STATUS:TENTATIVE",
        "END:VEVENT",
    ):
        assert expected in lines, expected
    assert lines.index("BEGIN:VEVENT") < lines.index("STATUS:TENTATIVE") < lines.index("END:VEVENT")
    assert render_calendar("空", [], datetime(2026, 11, 30, tzinfo=UTC)).count("VEVENT") == 0
