import pytest

from qa.core.dates import DATE_AT_START, DATE_ONLY_LINE, TIMESTAMP_AT_START, cn_date, date_number, first_date
from qa.core.dates import is_iso_date, iso_date, span_bound


@pytest.mark.parametrize("text, iso", [
    ("2020年7月15日中共成都市委十三届七次全会通过", "2020-07-15"),
    ("发布时间：2023-05-23 10:30", "2023-05-23"),
    ("2021.3.5", "2021-03-05"),
    ("2021/02/30 不是日期，2021/02/28 是", "2021-02-28"),
    ("没有日期", ""),
])
def test_the_first_calendar_date_of_a_text_in_any_common_writing(text, iso):
    assert first_date(text) == iso


def test_a_typed_date_covers_its_whole_span():
    assert span_bound("2020").isoformat() == "2020-01-01" and span_bound("2020", upper=True).isoformat() == "2020-12-31"
    assert span_bound("2024-02", upper=True).isoformat() == "2024-02-29"
    assert span_bound("2020年7月").isoformat() == "2020-07-01"
    assert span_bound("2020-13") is None and span_bound("soon") is None
    assert date_number(span_bound("2023-05-23")) == 20230523 and date_number(None) == 0


def test_iso_checks_and_memo_form():
    assert is_iso_date("2020-02-29") and not is_iso_date("2021-02-29") and not is_iso_date("2020-2-1")
    assert iso_date(2020, 2, 30) == ""
    assert cn_date("2023-05-23") == "2023年5月23日" and cn_date("2023") == "2023"


def test_line_patterns_tell_date_lines_from_text():
    assert DATE_AT_START.match("2023年5月 渝中区") and not DATE_AT_START.match("到2027年，地区生产总值")
    assert DATE_ONLY_LINE.match("2020年7月15日") and not DATE_ONLY_LINE.match("2020年7月15日印发")
    assert TIMESTAMP_AT_START.match("2023-05-23 10:30 来源：") and not TIMESTAMP_AT_START.match("2023-05-23")


def test_relative_years_read_against_the_documents_year():
    from qa.core.dates import document_year, resolve_relative_years

    assert document_year("2024-03-01") == 2024 and document_year("") is None
    text = "今年完成改造，明年全面推开，上年同期增长5%，去年启动"
    assert resolve_relative_years(text, 2024) == "2024年完成改造，2025年全面推开，2023年同期增长5%，2023年启动"
    assert resolve_relative_years(text, None) == text
