"""What a question asks for, beyond its words: the years it names, the measure (总量, or 人均 /
地均 / 年均 … of it), whether it wants a duration, who is responsible, or a list, and how many
items it expects. The offline answerer uses these to pick the sentence (and the phrase of it)
that answers, and the evidence check uses them to say what the cited sentences lack.

All of it is read from the question's own words with general patterns of Chinese questions;
nothing here names a document, a place or a topic.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.core.config import TUNING, AnswerSelection
from qa.core.dates import resolve_relative_years
from qa.core.numerals import ENGLISH_ORDINAL, ENGLISH_UNIT, MEASURE_UNITS, chinese_unit, cn_to_int, english_quantities, extract_figures, figure_in, numeric_form, states_measure
from qa.core.text import to_simplified
from qa.core.tokenize import words
from qa.question import asks_for_list

# A measure qualified per head, per area, per year…: 人均地区生产总值 is not 地区生产总值.
MEASURE_QUALIFIERS = ("人均", "地均", "楼均", "户均", "亩均", "年均", "日均", "月均")
# How a question says the same measure in everyday words: 每年新增 = 年均新增.
_SAID_AS = {"年均": "每年", "人均": "每人", "户均": "每户", "日均": "每天", "月均": "每月"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|\D|$)")
FIGURE_ASKED = re.compile(r"多少|(?<!哪)几[个项条年天%大类种次批家名所件步方座倍成万千百十亿台辆处]|百分之几|多大|多长|多高|多久|"
                          r"比重|比例|目标值|时限|"
                          r"\bhow (?:many|much|large|long|big|old)\b|\bwhat (?:share|percentage|rate|age|fine|amount)\b|\b(?:maximum|minimum|highest|lowest) (?:fine|penalty)\b"
                          # "What resident population…", "what is the total investment…", "what GDP…": a
                          # noun that only ever has a number for its value, as 多少 asks in Chinese.
                          r"|\bwhat (?:is |are |was )?(?:the |its |their )?(?:[\w'-]+ ){0,2}?(?:population|investment|budget|gdp"
                          r"|revenue|capacity|volume|quota|ceiling|cap|total)\b", re.IGNORECASE)
# 「期限是多长」 asks a span of time, 「多长里程」 a length.
_DURATION_ASKED = re.compile(r"多少个?(?:工作日|日|天|小时|分钟|周(?!岁)|个月|月|年)|几个?(?:工作日|天|小时|周(?!岁)|个月|月)"
                             r"|多长时间|多长(?=的?时间|[^\u4e00-\u9fff]|$)|多久|时限|期限|时间要求"
                             # English: "how long is the stretch of…" asks a length, "how long must…" a span of time.
                             r"|\bhow long\b(?!\s+(?:is|are|was|were)\b(?![^?]*\bvalid\b))|\bhow many (?:working |calendar )?(?:days|hours|months|years|weeks)\b"
                             r"|\b(?:within|in) what (?:period|time)\b|\bwhat (?:time limit|deadline)\b", re.IGNORECASE)
# A stated span of time: 15个工作日, 三十日, 2小时, 6个月 (after numeric_form, so digits only).
# 当日办结 / 次日 / 即时办理 are time limits too, the shortest ones.
DURATION = re.compile(r"\d+(?:\.\d+)?个?(?:工作日|日|天|小时|分钟|周(?!岁)|个月|月|年)(?:内|以内|之内)?|当[日天场](?=办|受理|完成|返还|答复)|"
                      r"次日|即时办|立即办"
                      # 「居住半年以上」「半个月内」: half a unit is a span too (上半年 / 下半年 are dates).
                      r"|(?<![上下前后])半个?(?:年|月|小时|天|日)")
# 哪天 / 何时 / 几月 / When…?: a point in time is asked (a 'when' inside a sentence is a conjunction), answered by a date, not any figure.
_DATE_ASKED = re.compile(r"哪一?天|哪一?日|何时|什么时候|什么时间|哪一?年|几月|几号|哪个月|截止到?哪|\bwhat date\b"
                         # "When did … come into force?" asks a date; "When binding offline, do …?" sets a case.
                         r"|^\s*(?:since |until |by )?when\s+(?:did|does|do|will|is|was|are|were|has|have|had|shall|should|must|can|could|would|may)\b"
                         r"|\b(?:by|from|until|since) when\b|\b(?:what|which) (?:year|day|month)\b(?!\s+(?:plan|report|budget))",
                         re.IGNORECASE)
# A stated date or month (after numeric_form): 2019年4月30日, 4月30日, 3月份, 2025年底.
DATE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?|[底末初]|上半年|下半年)?|\d{1,2}月(?:\d{1,2}[日号]|份|底|初|中旬|下旬|上旬)?")
RESPONSIBLE_ASKED = re.compile(r"牵头|负责|责任单位|责任部门|主管|哪(?:个|些|几个|一个|家)?(?:部门|单位|机构|机关)|由谁|\bwho\b|\blead"
                               # English says 负责 / 主管 / 哪个部门 as "responsible", "in charge", "which agency".
                               r"|\bresponsib|\bin (?:overall )?charge\b|\bwhich (?:[\w'-]+ ){0,2}(?:department|agenc|organi[sz]ation"
                               r"|bod(?:y|ies)|authorit|ministr|bureau|office|institution)", re.IGNORECASE)
# How a text says who does a task: 「由市交通委牵头」「市商务委负责」「主管部门为…」「实施主体：…」.
RESPONSIBLE_SAID = re.compile(r"牵头|负责|主管|主办|承办|实施主体|责任单位|责任部门")
# The question's own words for "who": answered by a responsibility note, whatever its wording.
RESPONSIBLE_WORDS = re.compile(r"牵头|负责|责任|部门|单位|主管|谁")
# The note a task carries naming who does it: （牵头单位：区交通局）, （市发改委等负责）.
RESPONSIBILITY_NOTE = re.compile(r"[（(][^（()）]*(?:牵头单位|责任单位|牵头部门|责任部门|负责)[^（()）]*[)）]")
# 「“两用物项”指的是什么」「怎样定义国家安全」: answered by the sentence that says 是指 / 所称.
_DEFINITION_ASKED = re.compile(r"指的?是什么|指什么|是什么意思|什么意思|的?含义|定义|界定|^什么是|所说的|所称的|\bwhat (?:is|does) .* mean\b|"
                               r"\bdefin", re.IGNORECASE)
# What gives a definition's body (「…，是指…」), and with 所称 / English what marks a definition at all.
DEFINITION_BODY = re.compile(r"是指|指的是|系指|(?<=[，,：:])指(?![出导挥定示引标令])")  # 「本法所称噪音，指超过…」「一、噪音：指…」
DEFINES = re.compile(DEFINITION_BODY.pattern + r"|所称|\b(?:means|refers to)\b")
# 「可以罚多少」「怎么罚」: answered by the part of a rule that says the penalty.
_PENALTY_ASKED = re.compile(r"罚|处分|法律责任|后果|\b(?:fine|penalt)", re.IGNORECASE)
PENALTY = re.compile(r"罚款|罚金|罚锾|并处|处以?[^，,；;。]{0,12}?罚|处分|拘留|吊销|没收")  # 罰鍰: Taiwan's word for a fine
MAX_LIST_COUNT = 20  # 「十项行动」 counts a list; 「30个以上」 counts things
_COUNTED = re.compile(r"([一二两三四五六七八九十\d]{1,3})\s*(?:个|项|条|大|步|方面|类|种|点|件|化)")


@dataclass(frozen=True)
class Asks:
    years: tuple[int, ...] = ()  # years the question names (「到2027年」)
    figure: bool = False  # 多少 / 几个 / 比重 / how many: a quantity is asked for
    qualifiers: tuple[str, ...] = ()  # measure qualifiers the question itself uses (人均)
    duration: bool = False  # 多少个工作日 / 多少天 / 多长
    date: bool = False  # 哪天 / 何时 / 几月: a point in time
    responsible: bool = False  # 由哪个单位牵头 / 谁负责
    listing: bool = False  # 有哪些 / 哪几项
    count: int | None = None  # 「十项行动」, 「三大目标」: how many items the list should have
    asked_noun: str = ""  # 「打造什么政务服务品牌」 → 品牌: the kind of thing the answer names
    definition: bool = False  # 指的是什么 / 怎样定义: a definition (是指…)
    penalty: bool = False  # 罚多少 / 怎么罚: the penalty part of a rule
    asked_unit: str = ""  # 「节约多少标准煤」 → 标准煤: what the figure asked for is a figure of
    asked_measure: str = ""  # 「多少亿元」「罚多少钱」 → 元: the unit the amount asked for must be stated in
    # "a time limit of ten days": a count an English question states, each as a text may write it (10日, 10天)
    counts: tuple[tuple[str, ...], ...] = ()


def read_question(question: str) -> Asks:
    flat = numeric_form(question)
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(flat)))
    qualifiers = tuple(q for q in MEASURE_QUALIFIERS if q in flat or _SAID_AS.get(q, "\0") in flat)
    listing = asks_for_list(question)
    counted = _COUNTED.search(question) if listing else None  # 「三大地标商圈…牵头单位是哪个」 asks no list
    count = cn_to_int(counted.group(1)) if counted else None
    measure = _asked_measure(question)  # "what is the most…, in millilitres?" asks for a figure too
    return Asks(years=years, figure=bool(FIGURE_ASKED.search(question) or measure), qualifiers=qualifiers, duration=bool(_DURATION_ASKED.search(question)),
                date=bool(_DATE_ASKED.search(question)),
                responsible=bool(RESPONSIBLE_ASKED.search(question)), listing=listing,
                count=count if count and 2 <= count <= MAX_LIST_COUNT else None,
                definition=bool(_DEFINITION_ASKED.search(question)), penalty=bool(_PENALTY_ASKED.search(question)),
                asked_noun=_asked_noun(question), asked_unit=_asked_unit(question), asked_measure=measure,
                counts=tuple(tuple(figure_spellings(c, question)) for c in english_quantities(question)))


# 「多少人」 asks people, 「多少人民币」 money (and asks no unit here)
_MEASURE_ASKED = re.compile(r"(?:多少|几)(?:万亿|亿|万|千|百)?(" + "|".join(u if u != "人" else "人(?!民)" for u in MEASURE_UNITS) + r")|(多少钱|\bhow much money\b|\bhow many yuan\b|\b(?:maximum|minimum|highest|lowest) fine\b"
                            # "what fine can a factory face", "how much is the subsidy": an amount of money
                            r"|\bwhat (?:fine|amount of (?:money|funding|subsid))|\bhow much (?:\w+ ){0,3}?(?:fine|fee|subsid|compensation|cost|pay|money|fund|invest|allowance|reward|bonus|deposit)"
                            # "what is the total investment in Line 27": an amount of money, not the line's number
                            r"|\bwhat (?:is |are |was )?(?:the |its |their )?(?:\w+ ){0,2}?(?:investment|funding|cost|fee|subsidy)s?\b"
                            r"(?!\s+(?:rate|ratio|share|growth|percentage|standard|polic|scheme|mechanism)))"
                            # "what resident population…", "a ceiling on the population": a number of people
                            r"|\b(population)\b(?!\s+(?:density|growth|ageing|aging|structure|rate|share))",
                            re.IGNORECASE)


# "how many hectares…", "…, in millilitres?": the unit an English question asks its amount in
_UNIT_ASKED = re.compile(r"\bhow many (?:\w+ )??" + ENGLISH_UNIT.pattern + r"|\bin " + ENGLISH_UNIT.pattern + r"\W*$",
                         re.IGNORECASE)


def _asked_measure(question: str) -> str:
    found = _MEASURE_ASKED.search(question)
    if found:
        return found.group(1) or ("人" if found.group(3) else "元")
    english = _UNIT_ASKED.search(question)
    return chinese_unit(english.group(1) or english.group(2)) if english else ""


# 「多少标准煤」「多少个工作日」「几座」: the unit or thing a figure is asked in (a measure word alone is none).
_HOW_MANY = re.compile(r"(?:多少|几)[个座家项条所名台辆]?([\u4e00-\u9fff]{2,6}?)(?=[？?，,。的呢吗]|$)")


# "up to what age", "how old": answered in 周岁 / 岁 (the Chinese question says 多少岁 / 几岁, which _HOW_MANY reads).
_AGE_ASKED = re.compile(r"\b(?:what|which) age\b|\bhow old\b|\bage limit\b", re.IGNORECASE)


def _asked_unit(question: str) -> str:
    found = _HOW_MANY.search(question)
    return found.group(1) if found else "岁" if _AGE_ASKED.search(question) else ""


# 「以什么为主题」「召开了什么会议」「打造什么政务服务品牌」: the words after 什么 up to a break.
_WHAT = re.compile(r"(?:什么|哪个|哪一?种|何种)([^，,。？?；;！!、]{1,12})")


def _asked_noun(question: str) -> str:
    """The last word of the phrase a 什么 asks about: the answer names a thing of that kind."""
    found = _WHAT.search(question)
    if not found:
        return ""
    tail = [w for w in words(found.group(1)) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    return tail[-1] if tail else ""


def question_figures(question: str) -> tuple[str, ...]:
    """The figures a question states as given. The count of a list question is no figure
    stated (「三项行动有哪些」 asks for the three; the items answer it, not a sentence saying 三项)."""
    figures = extract_figures(ENGLISH_ORDINAL.sub(" ", question))  # "the 15th plan" states no 15
    figures += english_quantities(question)  # "a ten-year review cycle" states 10年
    if not read_question(question).listing:
        return figures
    # a count as large as 「30个以上老旧厂区」 is a figure stated, not the length of the list asked
    counted = {m.group(0) for m in _COUNTED.finditer(question) if (cn_to_int(m.group(1)) or 0) <= MAX_LIST_COUNT}
    return tuple(f for f in figures if not any(f in c or c in f for c in counted))


def figure_spellings(figure: str, question: str) -> list[str]:
    """A count the question states and the ways a text may write it: 「两个小时」 is 「2小时」 too
    (the 个 is optional before a unit of time)."""
    found = [figure]
    if re.fullmatch(r"\d+(?:\.\d+)?日", figure):  # a count of days is 日 or 天
        found.append(figure[:-1] + "天")
    if re.fullmatch(r"\d+个(?:工作日|月)", figure):  # 30个工作日 / 30工作日, 3个月 / 3月
        found.append(figure.replace("个", ""))
    if figure.endswith("个"):
        unit = re.search(re.escape(figure) + r"(小时|钟头|工作日|月|星期|季度)", question)
        if unit:
            found.append(figure[:-1] + unit.group(1))
    return found


def years_in(text: str, doc_year: int | None = None) -> set[int]:
    """The years a text names, 今年/明年 read against its document's year."""
    return {int(y) for y in _YEAR.findall(numeric_form(resolve_relative_years(text, doc_year)))}


def wrong_measure(asks: Asks, terms: Sequence[str], text: str) -> bool:
    """True when every mention in `text` of the question's longest word there is qualified by a
    measure the question does not ask for (「人均地区生产总值」 for a question on 地区生产总值)."""
    flat = numeric_form(text)
    present = sorted((t for t in terms if len(t) > 1 and t in flat), key=len, reverse=True)
    if not present:
        return False
    term = present[0]
    other = [q for q in MEASURE_QUALIFIERS if q not in asks.qualifiers]
    # The qualifier may sit a word before the term: 人均/地区/生产总值.
    qualified = re.compile("(?:" + "|".join(other) + r")[^，,。；;、：:]{0,4}$")
    return all(qualified.search(flat[max(0, m.start() - 8):m.start()])
               for m in re.finditer(re.escape(term), flat))


def has_duration(text: str) -> bool:
    return bool(DURATION.search(numeric_form(text)))


def has_date(text: str) -> bool:
    return bool(DATE.search(numeric_form(text)))


def responsibility_notes(text: str, sentence: str = "") -> list[str]:
    """The 牵头单位/责任单位 notes of `text`; given one of its sentences, the note of that sentence's
    task first: a clause may hold several tasks, each closing with its own note."""
    simple = to_simplified(text)  # 「（…負責）」 in a traditional-script text; spans kept when lengths agree
    found = [(m.start(), text[m.start() : m.end()])
             for m in RESPONSIBILITY_NOTE.finditer(simple if len(simple) == len(text) else text)]
    at = text.find(sentence.strip()) if sentence.strip() else -1
    if at >= 0:
        found.sort(key=lambda note: (note[0] < at, note[0]))  # the first note after the sentence
    return [note for _, note in found]


def fit(asks: Asks, terms: Sequence[str], sentence: str, frame: str, year: int | None,
        selection: AnswerSelection = TUNING.answer) -> float:
    """A multiplier for a candidate sentence's score: how well what it says fits what the
    question asks — the year (in the sentence, or set by its parent clause), the measure, a
    span of time. 1.0 when the question asks nothing of the kind."""
    factor = 1.0
    if asks.years:
        wanted, here = set(asks.years), years_in(sentence, year)
        if not here & wanted and (here or not years_in(frame, year) & wanted):
            factor *= selection.other_year
    if wrong_measure(asks, terms, sentence):
        factor *= selection.wrong_measure
    if asks.duration and not has_duration(sentence):
        factor *= selection.no_duration
    if asks.date and not has_date(sentence):
        factor *= selection.no_duration
    if asks.counts and not any(figure_in(v, sentence) for spellings in asks.counts for v in spellings):
        factor *= selection.no_duration  # the sentence about "ten days" states 十日
    if asks.asked_measure and not states_measure(sentence, asks.asked_measure):  # 罚多少钱 / what fine: an amount in 元
        factor *= selection.no_duration
    return factor
