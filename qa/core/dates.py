"""Dates, one home: the patterns that find dates in documents, reading a (possibly partial)
date a user typed, ISO form for storage and filters, and 「2023年5月23日」 for memos and panels.

Documents write dates as 2020年7月15日, 2020-07-15, 2020.7.15 or 2020/7/15; users filter by
2020, 2020-07 or 2020-07-15. Everything is stored as ISO yyyy-mm-dd.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

_SEP_YM = r"\s*(?:[-/.]|年)\s*"
_SEP_MD = r"\s*(?:[-/.]|月)\s*"
# A full date anywhere in a text: groups are year, month, day.
FULL_DATE = re.compile(rf"(\d{{4}}){_SEP_YM}(\d{{1,2}}){_SEP_MD}(\d{{1,2}})")
# A line opening with a year and month (a dateline under a title, 「2023年5月」).
DATE_AT_START = re.compile(r"^\d{4}\s*[-年./]\s*\d{1,2}(\s*[-月./]\s*\d{1,2}\s*日?)?")
# A line that is nothing but a date written in characters (a signature date: 「2020年7月」).
DATE_ONLY_LINE = re.compile(r"^\d{4}\s*年(\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?$")
# A publication timestamp opening a web page's info line: 「2023-05-23 10:30」.
TIMESTAMP_AT_START = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}:\d{2}")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def iso_date(year: int | str, month: int | str, day: int | str) -> str:
    """'yyyy-mm-dd', or '' when the numbers are no calendar date."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def first_date(text: str) -> str:
    """The first full calendar date in `text` as ISO, '' when there is none."""
    for match in FULL_DATE.finditer(text):
        found = iso_date(*match.groups())
        if found:
            return found
    return ""


def is_iso_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or "")) and bool(iso_date(*text.split("-")))


def span_bound(text: str, upper: bool = False) -> date | None:
    """A date a user typed, as the first day it covers (or the last, when `upper`): '2020' →
    2020-01-01 or 2020-12-31; '2021-02' → 2021-02-01 or 2021-02-28; 2020年7月 reads as 2020-07.
    None when it cannot be read as a calendar date."""
    cleaned = re.sub(r"[年月./]", "-", (text or "").replace(" ", "")).rstrip("-日")
    match = _PARTIAL.match(cleaned)
    if not match:
        return None
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    month_n = int(month) if month else (12 if upper else 1)
    try:
        last = calendar.monthrange(year, month_n)[1]
        day_n = int(day) if day else (last if upper else 1)
        return date(year, month_n, day_n)
    except (ValueError, calendar.IllegalMonthError):
        return None


def date_number(value: date | None) -> int:
    """yyyymmdd as an integer (what Chroma's where compares); 0 for no date."""
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def cn_date(iso: str) -> str:
    """'2023-05-23' → '2023年5月23日'; anything else is returned as given."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not match:
        return iso or ""
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


# Years a document names relative to its own date. 当年 is left out: in policy text it mostly
# means "that year" of an event, not the document's year.
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "明年": 1, "次年": 1, "后年": 2, "去年": -1, "上年": -1, "前年": -2}
_RELATIVE_YEAR = re.compile("|".join(_RELATIVE_YEARS))


def document_year(iso: str) -> int | None:
    """The year of a document's ISO date ('2024-03-01' → 2024); None when it has none."""
    match = re.match(r"(\d{4})", iso or "")
    return int(match.group(1)) if match else None


def resolve_relative_years(text: str, year: int | None) -> str:
    """`text` with 今年/明年/去年/上年… written as the years they are for a document of `year`
    (「今年」 in a 2024 document → 「2024年」); unchanged when the year is unknown."""
    if year is None:
        return text
    return _RELATIVE_YEAR.sub(lambda m: f"{year + _RELATIVE_YEARS[m.group(0)]}年", text)
