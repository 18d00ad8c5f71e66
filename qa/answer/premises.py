"""False premises: figures and quoted terms a question states that the documents do not. 「渝中区
2030年的目标」 where every clause speaks of 2027 is answered by a refusal naming 2030, not by the
2027 sentence."""
from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.asks import figure_spellings, question_figures
from qa.answer.shelf import Shelf
from qa.answer.strength import maximal
from qa.answer.terms import Weights, content_terms, coverage, uniform
from qa.core.config import TUNING, RefusalThresholds
from qa.core.dates import resolve_relative_years
from qa.core.numerals import extract_figures, figure_in
from qa.core.text import to_search_text, without_cited_names
from qa.core.types import ContextItem

_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,16})[”\"」』]")


def unsupported_premises(question: str, items: Sequence[ContextItem], shelf: Shelf | None = None,
                         doc_id: str = "", weights: Weights = uniform,
                         thresholds: RefusalThresholds = TUNING.refusal) -> tuple[str, ...]:
    """The figures and quoted terms a question states that no context clause (nor its
    document's title) contains. A figure in a 多少 question is part of the asking (「到2027年…多少」),
    so it is checked too: the documents must speak of that year for the answer to be theirs.
    A figure the answering document (`doc_id`) states elsewhere, in a sentence on the question's
    topic, is no false premise; 今年 in a document of 2024 states 2024."""
    shelf = shelf or Shelf(items)
    texts = [f"{item.hit.clause.doc_title} {' '.join(item.hit.clause.path)} "
             f"{resolve_relative_years(item.text, shelf.year(item.hit.clause.doc_id))}" for item in items]
    # A year inside a cited document's name (《…规划（2022—2035）》) sets no target for that year.
    stated = [without_cited_names(t) for t in texts]
    asked = without_cited_names(question)  # 「《…行动方案（2024—2027年）》提出了几大…」 names, it states no year
    missing = [f for f in question_figures(asked) if not any(figure_in(v, t) for v in figure_spellings(f, question)
                                                             for t in stated)]
    if missing and doc_id and shelf.library is not None:
        topic = [t for t in maximal(content_terms(question)) if not extract_figures(t)]

        def on_topic(sentence: str) -> bool:
            return coverage(topic, sentence, "", "", weights) >= thresholds.premise_topic_coverage

        missing = [f for f in missing if not shelf.states(f, doc_id, on_topic)]
    flat = to_search_text(" ".join(texts))
    missing += [q for q in _QUOTED.findall(question) if to_search_text(q) not in flat]
    missing += [named for named, spellings in currencies_named(question) if not any(s in flat for s in spellings)]
    return tuple(dict.fromkeys(missing))


# Currencies other than the yuan, in which Chinese documents seldom count: 「罚款多少欧元」 of a
# law that fines in 元 rests on a premise the documents do not share. Each: its Chinese name, the
# question's words for it (Chinese, English) and the spellings a clause may state it in; "dollars"
# alone may be any dollar (新台币 in a Taiwan law, 港元 in a Hong Kong one).
_DOLLARS = ("美元", "美金", "港元", "港币", "新台币", "台币", "澳元", "加元", "新加坡元")
_CURRENCIES = (
    ("欧元", re.compile(r"欧元|\beuros?\b|€", re.IGNORECASE), ("欧元",)),
    ("美元", re.compile(r"美元|美金|\bUS ?dollars?\b|\bUSD\b|\bUS\$", re.IGNORECASE), ("美元", "美金")),
    ("港元", re.compile(r"港元|港币|\bHong Kong dollars?\b|\bHKD\b|\bHK\$", re.IGNORECASE), ("港元", "港币")),
    ("英镑", re.compile(r"英镑|\bpounds? sterling\b|\bGBP\b|£", re.IGNORECASE), ("英镑",)),
    ("日元", re.compile(r"日元|\byen\b|\bJPY\b", re.IGNORECASE), ("日元",)),
    ("卢布", re.compile(r"卢布|\br(?:ou|u)bles?\b", re.IGNORECASE), ("卢布",)),
    ("美元", re.compile(r"(?<!US )(?<!Hong Kong )\bdollars?\b", re.IGNORECASE), _DOLLARS),
)


def currencies_named(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """The currencies other than the yuan that `question` names, each as the notice names it
    (「欧元」; "euros (欧元)" in an English question) with the spellings that state it."""
    found = []
    for chinese, asked, spellings in _CURRENCIES:
        match = asked.search(question)
        if match:
            said = match.group(0)
            found.append((chinese if said == chinese or not said.isascii() else f"{said} ({chinese})", spellings))
    return found
