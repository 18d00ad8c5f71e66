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
    return tuple(dict.fromkeys(missing))
