"""Reordering the fused candidates by what the question itself says: the document it names, and
the kind of answer it asks for.

Both retrievers score a clause by how much of the question's wording it shares, and inside the
right document that is often the wrong cue. 「行政机关查封扣押财物，一般最长能扣多久？」 shares
查封、扣押 with every article of its section; the answer is the one that states a period
(「…的期限不得超过三十日」). 「国家安全法怎样定义国家安全？」 shares 国家安全 with every article;
the answer is the one that says what it 是指. So a question that asks for a span of time, a
penalty, a definition, a date or a responsible body gives a bonus to the candidates whose text has that
kind of statement in it — a general reading of Chinese interrogatives and of how laws and policy
documents phrase those answers, not a list of topics.

A question that names a document (「成都市委决定提出…」, 「标准化法所说的…」, see docnames.py)
asks about that document: its clauses get a bonus over another document's clause that merely
mentions the name (a footnote crediting a speech at the municipal committee's meeting).

A clause about the document rather than in it — the cover notice it is issued under, its
signature, its adoption or source note — restates the title, so it matches any question naming
the document; it goes below the document's own clauses unless the question asks how the
document was issued (印发, 文号, issued by…).

Bonuses are in standard deviations of the candidates' fused scores, so they weigh the same for
every fusion method (z-scores, min-max, RRF); the sizes are tuning knobs (FusionConfig).
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Collection, Sequence
from dataclasses import replace

from qa.core.ids import is_note
from qa.core.text import to_search_text
from qa.core.types import Hit

# A count before a unit of time: 30日, 三个月, 十五个工作日 (years of the calendar, 2024年, are
# four digits and no span).
_SPAN = r"(?:(?<![0-9])[0-9]{1,3}(?![0-9])|[一二三四五六七八九十百两半]+)\s*个?(?:工作日|日|天|月|年|小时|周)"
_DATE = r"[0-9〇零一二三四五六七八九]{4}\s*年\s*[0-9一二三四五六七八九十]{1,2}\s*月(?:\s*[0-9一二三四五六七八九十]{1,3}\s*日)?"
_UNIT = r"(?:部门|机关|机构|单位|委员会|政府|局|委|办|厅|部)"

# (what the question asks, how a question asks it in Chinese or in English, how a clause answers it)
ANSWER_TYPES: tuple[tuple[str, re.Pattern, re.Pattern], ...] = tuple(
    (name, re.compile(asked), re.compile(answered)) for name, asked, answered in (
        ("duration",
         r"多久|多长|多少天|几天|多少日|几日|几个月|多少个月|几年|多少年|多少个?工作日|几个工作日|多少小时|几小时|几周"
         r"|时限|时效|期限|什么时候|何时|最晚|最迟"
         r"|\bhow long\b|\bhow many (?:working )?(?:days|weeks|months|years|hours)\b|\bdeadline|\btime limit"
         r"|\bhow soon\b|\bhow far in advance\b|\bwithin (?:what|which|how)\b|\bwhat (?:period|time ?frame)\b",
         _SPAN + r"|期限|时效|时限|之日起|届满"),
        ("date",
         r"哪天|哪一天|哪日|几月几日|几号|什么日期|哪年|哪一年|什么时候|何时"
         r"|\bwhen\b|\bwhich day\b|\bwhat date\b|\bwhich year\b",
         _DATE + r"|起施行|起实施|起执行"),
        ("penalty",
         r"罚|处分|拘留|法律责任|追究|怎么处理|如何处理"
         r"|\bfine[sd]?\b|\bpenalt|\bpunish|\bsanction|\bdetain|\bdetention\b",
         r"罚款|罚金|处罚|拘留|吊销|没收|追究.{0,8}责任|处分|责令停"),
        ("definition",
         r"什么是|什么叫|什么意思|指什么|指的是|指哪些|怎样定义|如何定义|定义|含义|概念|所说的|所称"
         r"|\bdefin|\bwhat is meant by\b|\bwhat counts as\b|\bmeaning of\b|\brefers? to\b|\bwhat does\b.{1,60}\bmean\b",
         r"是指|所称|指的是|称为|统称|总称"),
        ("responsible",
         r"谁|哪个部门|哪些部门|哪个单位|哪些单位|哪个机构|哪些机构|哪个机关|什么部门|什么机关|什么机构|牵头|主管部门"
         # "which ministries", "what government agency": the body asked for, singular or plural
         r"|\bwho\b|\bwhom\b|\b(?:which|what) (?:[a-z-]+ )?(?:departments?|authorit(?:y|ies)|agenc(?:y|ies)|bod(?:y|ies)"
         r"|organs?|offices?|units?|ministr(?:y|ies)|organi[sz]ations?|institutions?|bureaus?|commissions?|governments?)\b"
         r"|\bin charge\b",
         _UNIT + r"[^。;；，,]{0,6}?(?:牵头|负责|主管|统筹|指导|保障|承担)|牵头单位|责任单位"),
    )
)


def asked_types(question: str) -> tuple[str, ...]:
    """The kinds of answer a question asks for (a question may ask for two: 「多久内要报，由谁报」)."""
    text = to_search_text(question)
    return tuple(name for name, asked, _ in ANSWER_TYPES if asked.search(text))


def answers_type(text: str, kinds: Collection[str]) -> float:
    """The share of the asked kinds that `text` states something of."""
    if not kinds:
        return 0.0
    text = to_search_text(text)
    return sum(1 for name, _, answered in ANSWER_TYPES if name in kinds and answered.search(text)) / len(kinds)


# 「这份通知的文号是多少」「由哪个机关印发」「摘自谁的讲话」「When was it issued?」: the document
# itself is asked about, where it came from.
_ABOUT_ISSUING = re.compile(r"印发|发布|公布|文号|发文|签发|落款|抄送|主送|通过的|摘自|出自|出处|来源|原载|"
                            r"\bissu|\bpublish|\bsign|\bdocument number",
                            re.IGNORECASE)


def rerank(hits: Sequence[Hit], question: str, named_documents: Collection[str],
           named_bonus: float, type_bonus: float, note_penalty: float = 0.0) -> list[Hit]:
    """`hits` (fused, best first) with the bonuses added to their scores, best first again."""
    kinds = asked_types(question)
    demote = note_penalty if note_penalty and not _ABOUT_ISSUING.search(question) else 0.0
    if not hits or not (kinds and type_bonus) and not (named_documents and named_bonus) and not demote:
        return list(hits)
    unit = statistics.pstdev([h.score for h in hits]) if len(hits) > 1 else 1.0
    unit = unit or 1.0
    out = []
    for rank, hit in enumerate(hits):
        bonus = type_bonus * answers_type(hit.clause.text, kinds)
        bonus += named_bonus if hit.clause.doc_id in named_documents else 0.0
        bonus -= demote if is_note(hit.clause.labels) else 0.0
        out.append((-(hit.score + unit * bonus), rank, replace(hit, score=hit.score + unit * bonus)))
    return [hit for *_, hit in sorted(out, key=lambda item: item[:2])]
