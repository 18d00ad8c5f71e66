"""Numerals and figures: Chinese numerals read as numbers (plain spellings here, the rest through
cn2an), and the figures a sentence states, compared in one normalised form wherever figures are
compared (the numbering grammar, citation checks, premise checks, answer selection).

One figure has many spellings: 二〇三五 = 2035, 十五 = 15, 一小时 = 1小时, １４８４ = 1484,
1,484 = 1484, and 1.2万亿 = 12000亿 (the same amount in another magnitude). `numeric_form`
writes a text with Arabic numerals where a Chinese numeral is a number, and `figure_in`
compares amounts by value. A plan's name (十四五) or a numeral word (一体化, 千方百计) is no
number and is left as written."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from qa.core.markers import LIST_ENUMERATOR, strip_markers
from qa.core.text import squash

CN_NUMERAL_CHARS = "〇零一二两兩三四五六七八九十百千"
_ARABIC = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:万亿|亿|万|千|百|%|‰)?")
_CN_RUN = re.compile(r"[〇零一二三四五六七八九十百千万亿两]{2,}")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A lone numeral counts something only before a measure word: 一小时, 三天, 两个, 五万 (not 一体化).
_MEASURES = "个项条次天日周年月季倍家所名人户元亩吨米度批座万亿"
_CN_COUNT = re.compile(rf"(?<![{CN_NUMERAL_CHARS}万亿\d])[一二两兩三四五六七八九十](?=小时|分钟|公里|[{_MEASURES}])")
_CN_COUNTED = re.compile(rf"(?<![{CN_NUMERAL_CHARS}万亿\d第哪])([一二两兩三四五六七八九十])(小时|分钟|公里|个工作日|个月|[{_MEASURES}])")
_ONE_UNITS = ("小时", "分钟", "公里", "个工作日", "个月", "天", "日", "周")
_MAGNITUDES = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3}
_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(万亿|亿|万|千)?(%|‰)?")


# "the 15th Five-Year Plan", "the 3rd plenary session": an English ordinal names, it states no figure.
ENGLISH_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)


_ENGLISH_UNITS = {"working day": "个工作日", "day": "日", "year": "年", "month": "个月", "week": "周", "hour": "小时",
                  "minute": "分钟", "percent": "%", "per cent": "%"}
_ENGLISH_NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                                "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_ENGLISH_NUMBERS |= {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
# "ten days", "a 10-year cycle", "twenty-five percent": a count with its unit, in an English question.
ENGLISH_QUANTITY = re.compile(
    r"\b(\d+(?:\.\d+)?|(?:" + "|".join(sorted(_ENGLISH_NUMBERS, key=len, reverse=True)) + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
    r"[- ](working[- ]days?|days?|years?|months?|weeks?|hours?|minutes?|percent|per cent)\b(?![- ]plans?\b)",  # a Five-Year Plan names
    re.IGNORECASE)


def english_quantities(text: str) -> tuple[str, ...]:
    """The counts an English text states with their unit, in the form a Chinese text writes them:
    "ten days" → 10日, "a 5-year term" → 5年, "twenty-five percent" → 25%. "one" is left out: "one
    day" mostly means "some day"."""
    found = []
    for number, unit in ENGLISH_QUANTITY.findall(text):
        words = number.lower().split("-")
        value = number if number[0].isdigit() else str(sum(_ENGLISH_NUMBERS.get(w, 0) for w in words) or "")
        if value and value not in ("0", "1"):
            found.append(value + _ENGLISH_UNITS[re.sub(r"s$", "", unit.lower().replace("-", " "))])
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4096)
def cn_to_int(numeral: str) -> int | None:
    """A numeral as a number: 十二 → 12, 一百零五 → 105, 二〇二〇 → 2020, 两 → 2, '17' → 17;
    None when it is not one plain number (十四五, 千方百计). Only units up to 千: 万/亿 are
    magnitudes of a figure, compared as written."""
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(ch not in CN_NUMERAL_CHARS for ch in numeral):
        return None
    value = _plain_numeral(numeral)
    if value is not None:
        return value
    if _NO_NUMBER.search(numeral) or _UNITS_ONLY.fullmatch(numeral):
        return None  # cn2an refuses these too; 十四五 is in most plans' titles
    # The rarer spellings (一千五, 百十, 兩千, stray 零s) as cn2an reads them. Importing cn2an
    # costs a third of a second, most of it building its converters: a cold question with only
    # plain numerals does not pay it.
    import cn2an

    try:
        return int(cn2an.cn2an(numeral, "normal"))
    except ValueError:
        return None


_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A plain numeral below 10,000: units in falling order, each after one digit (十 may open it
# bare: 十五), one 零 only where a unit is skipped, a last digit only after 十 or 零.
_PLAIN = re.compile(r"(?:([一二两三四五六七八九])千)?(零)?(?:([一二两三四五六七八九])百)?(零)?"
                    r"(?:([一二两三四五六七八九])?十)?([一二两三四五六七八九])?")

# Never one number, as cn2an reads them: a unit then two digits at the end (十四五, 一百二三: no
# grammar cn2an knows ends so), or units alone (千, 百千; 十 alone is ten).
_NO_NUMBER = re.compile(r"[十百千].*[一二两三四五六七八九]{2}$")
_UNITS_ONLY = re.compile(r"[百千][十百千]*|十[十百千]+")


def _plain_numeral(numeral: str) -> int | None:
    """The value of a numeral in one of the plain spellings cn2an reads in "normal" mode (digit by
    digit: 二〇二〇; or with units: 两千零二十, 十五, 一百零五), None for any other spelling, which
    is left to cn2an. Checked against cn2an 0.5.24, with _NO_NUMBER and _UNITS_ONLY, on every
    string of up to five numeral characters (1.1M), every plain spelling of 1–9,999 and 300k
    longer random strings; tests/core/test_numerals_plain.py repeats the cheaper part."""
    if all(ch in _DIGIT for ch in numeral):
        return _DIGIT[numeral] if len(numeral) == 1 else int("".join(str(_DIGIT[ch]) for ch in numeral))
    match = _PLAIN.fullmatch(numeral)
    if not match:
        return None
    thousands, zero1, hundreds, zero2, tens, ones = match.groups()
    has_ten = "十" in numeral
    if zero1 and zero2:
        return None
    # A 零 stands for skipped places: after 千 before a lower part, after 百 before the ones.
    if zero1 and not (thousands and not hundreds and (has_ten or ones)):
        return None
    if zero2 and not (hundreds and not has_ten and ones):
        return None
    if ones and not (has_ten or zero1 or zero2):
        return None  # 一千五, 三百五: speaking forms, left to cn2an
    if has_ten and tens is None and (thousands or hundreds):
        return None  # 一百十: left to cn2an
    def digit(ch: str | None, default: int = 0) -> int:
        return _DIGIT[ch] if ch else default

    return (digit(thousands) * 1000 + digit(hundreds) * 100 + (digit(tens, 1) * 10 if has_ten else 0)
            + digit(ones))


_SMALL_WORDS = "一二三四五六七八九"


def in_chinese(value: int) -> str:
    """1–999 as Chinese numerals, the way cn2an's an2cn writes them: 十五, 二十, 一百零五, 一百一十."""
    if not 0 < value <= 999:
        raise ValueError(f"in_chinese takes 1–999, not {value}")
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    words = ""
    if hundreds:
        words += _SMALL_WORDS[hundreds - 1] + "百"
        if tens:
            words += _SMALL_WORDS[tens - 1] + "十"
        elif ones:
            words += "零"
    elif tens:
        words += ("" if tens == 1 else _SMALL_WORDS[tens - 1]) + "十"
    return words + (_SMALL_WORDS[ones - 1] if ones else "")


def flat(text: str) -> str:
    """The form figures are compared in: search text without spaces or digit-group commas."""
    return _THOUSANDS.sub("", squash(text))


# 「百分之三」「千分之五」「百分之三点五」: a rate in words, the text's own way of writing 3%.
_CN_FRACTION = re.compile(r"([百千])分之([〇零一二两兩三四五六七八九十百]+(?:点[〇零一二三四五六七八九]+)?)")


def _fraction(match: re.Match) -> str:
    whole, _, decimals = match.group(2).partition("点")
    value = cn_to_int(whole)
    digits = "".join(str(_DIGIT[c]) for c in decimals if c in _DIGIT)
    if value is None or len(digits) != len(decimals):
        return match.group(0)
    return f"{value}{'.' + digits if digits else ''}{'%' if match.group(1) == '百' else '‰'}"


def _is_cn_figure(run: str) -> bool:
    """Chinese numeral words (一体化, 两中心, 千方百计) are not figures; a run is one when it
    has a zero (二〇三五) or a digit combined with a unit (三十三, 十四五)."""
    has_digit = any(c in "一二三四五六七八九两" for c in run)
    return any(c in "〇零" for c in run) or (has_digit and any(c in "十百千" for c in run))


def extract_figures(sentence: str) -> tuple[str, ...]:
    """The figures a sentence states, in flat form; citation markers and list enumerators are
    not figures."""
    body = "\n".join(LIST_ENUMERATOR.sub("", line) for line in strip_markers(sentence).splitlines())
    text = flat(body)
    found = [m.group(0) for m in _ARABIC.finditer(text)] + [m.group(0) for m in _CN_FRACTION.finditer(text)]
    text = _CN_FRACTION.sub("，", text)  # its numeral is counted once, as the rate
    for match in _CN_RUN.finditer(text):
        run = match.group(0)
        # 十万元, 三十万: a numeral with a magnitude is an amount even when it is only 十.
        if _is_cn_figure(run.rstrip("万亿")) or (run[-1] in "万亿" and cn_to_int(run.rstrip("万亿")) is not None):
            found.append(run)
    # A lone numeral before a measure word counts something (两个, 三天, 十年; 哪两项 asks and
    # states nothing); 一 only before a unit of time or length: 一个/一批/一项 mostly mean "a".
    for match in _CN_COUNTED.finditer(text):
        if match.group(1) != "一" or match.group(2) in _ONE_UNITS:
            found.append(match.group(0))
    return tuple(dict.fromkeys(found))


# A number that names rather than counts: a box, table, figure or annex (专栏3, 表1, 附件2), a
# metro line or a document number (十八号线, 5号文). Like a plan's name it answers no 多少.
_NAMING_NUMBER = re.compile(r"(?:专栏|附表|附图|附件|(?<![代发列报])表|(?<![地蓝构试企意])图)\s*[0-9０-９一二三四五六七八九十]+"
                            r"|[0-9０-９一二三四五六七八九十百]+号(?:线|楼|文|令)")


def quantities(sentence: str) -> tuple[str, ...]:
    """The figures of a sentence that are amounts or counts: not a plan's name (十四五), which is
    a figure for verification (a wrong plan name is a wrong fact) but answers no 多少, nor a
    number that names a box, a table or a metro line."""
    counted = _NAMING_NUMBER.sub("，", sentence)
    return tuple(f for f in extract_figures(counted) if any(ch.isdigit() for ch in numeric_form(f)))


# Units an amount is stated in: money, mass, length, area, volume, power. A question asking 「多少亿元」
# is answered by an amount in 元, not by any figure of the sentence (a line number, a year); one
# asking 「多少公顷」 by an area in any unit (a plan counts farmland in 亩), so units go by dimension.
_DIMENSIONS = (("元",), ("吨", "千克", "公斤"), ("平方公里", "平方米", "公顷", "亩"), ("公里", "千米"),
               ("立方米", "毫升", "升"), ("千瓦", "兆瓦"), ("人",))
MEASURE_UNITS = tuple(unit for dimension in _DIMENSIONS for unit in dimension)
# The same units as an English question names them ("how many hectares", "…, in millilitres?").
ENGLISH_UNITS = {"square kilometre": "平方公里", "square metre": "平方米", "hectare": "公顷", "mu": "亩",
                 "tonne": "吨", "ton": "吨", "kilogram": "千克", "kilometre": "公里", "cubic metre": "立方米",
                 "litre": "升", "millilitre": "毫升", "kilowatt": "千瓦", "megawatt": "兆瓦"}
ENGLISH_UNIT = re.compile(r"\b(" + "|".join(sorted((u.replace("metre", "met(?:re|er)").replace("litre", "lit(?:re|er)")
                                                    for u in ENGLISH_UNITS), key=len, reverse=True)) + r")s?\b",
                          re.IGNORECASE)


def chinese_unit(english: str) -> str:
    """'hectares' → 公顷, 'Millilitres' → 毫升 (a spelling ENGLISH_UNIT matched)."""
    singular = re.sub(r"s$", "", english.lower()).replace("meter", "metre").replace("liter", "litre")
    return ENGLISH_UNITS.get(singular, "")


def english_unit_name(unit: str) -> str:
    """公顷 → 'hectares', 元 → 'yuan'; '' for a unit with no English name here."""
    if unit in ("元", "人"):
        return "yuan" if unit == "元" else "people"
    name = next((english for english, chinese in ENGLISH_UNITS.items() if chinese == unit), "")
    return name if name in ("", "mu") else f"{name}s"


def _amount_pattern(dimension: tuple[str, ...]) -> re.Pattern:
    units = "|".join(re.escape(u) for u in sorted(dimension, key=len, reverse=True))
    return re.compile(rf"\d(?:\.\d+)?(?:万亿|亿|万|千|百)?(?:美|港)?(?:{units})")


_AMOUNT_IN = {unit: _amount_pattern(dimension) for dimension in _DIMENSIONS for unit in dimension}


def states_measure(text: str, unit: str) -> bool:
    """Does `text` state an amount in `unit`, or in another unit of its dimension (5000万元 and
    五千元 are in 元, 2.5万吨 in 吨; 1200亩 answers a question in 公顷)?"""
    pattern = _AMOUNT_IN.get(unit) or _amount_pattern((unit,))
    return pattern.search(numeric_form(text)) is not None


def _arabicised(text: str) -> str:
    def arabic(match: re.Match) -> str:
        run = match.group(0)
        body = run.rstrip("万亿")  # 三十三万: the number, then its magnitude as written
        value = cn_to_int(body)
        return run if value is None else str(value) + run[len(body):]

    text = _CN_RUN.sub(arabic, _CN_FRACTION.sub(_fraction, text))
    return _CN_COUNT.sub(lambda m: str(cn_to_int(m.group(0))), text)


def with_digits(text: str) -> str:
    """`text` with Chinese numerals that are numbers written in Arabic digits, spacing kept."""
    return _arabicised(text)


def numeric_form(text: str) -> str:
    """`flat(text)` with Chinese numerals that are numbers written in Arabic digits: 十五个 →
    15个, 一小时 → 1小时, 二〇三五年 → 2035年; 十四五 and 一体化 stay as they are."""
    return _arabicised(flat(text))


def amount(figure: str) -> tuple[Decimal, str] | None:
    """A figure's value with its magnitude applied, and its % or ‰ sign: 1.2万亿 and 12000亿
    are both (1.2E+12, ""); None when `figure` is not one number."""
    match = _AMOUNT.fullmatch(numeric_form(figure))
    if not match:
        return None
    try:
        value = Decimal(match.group(1)) * _MAGNITUDES.get(match.group(2) or "", 1)
    except InvalidOperation:
        return None
    return value.normalize(), match.group(3) or ""


def figure_in(figure: str, text: str) -> bool:
    """Does `text` state `figure`? Chinese numerals count as their Arabic value (二〇三五 = 2035,
    一小时 = 1小时), amounts compare by value across magnitudes (1.2万亿 = 12000亿), and digits must
    not continue on either side (33 ≠ 133)."""
    haystack, figure = flat(text), flat(figure)
    if not figure:
        return False
    haystacks = (haystack, _arabicised(haystack))
    for variant in {figure, _arabicised(figure)}:
        pattern = re.compile(r"(?<![\d.])" + re.escape(variant) + (r"(?!\d)" if variant[-1].isdigit() else ""))
        if any(pattern.search(h) for h in haystacks):
            return True
    wanted = amount(figure)
    if wanted is None or not (_AMOUNT.fullmatch(_arabicised(figure)).group(2) or ""):
        return False  # a bare number was matched as written above; only magnitudes need values
    return any(amount(m.group(0)) == wanted for m in _AMOUNT.finditer(haystacks[1]))
