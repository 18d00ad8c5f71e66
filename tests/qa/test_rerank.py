"""Ranking inside the right document: z-score fusion, the answer kind a question asks for, the
document it names, and figures spelt either way. Unit checks on hand-made candidate lists, then
real retrieval (BM25 + a stand-in embedder) over a small law written for the purpose."""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

import pytest

from qa.core.config import FusionConfig
from qa.core.types import Clause, DocumentMeta, Hit
from qa.retrieve.docnames import document_mentions
from qa.retrieve.figures import figure_spellings
from qa.retrieve.fusion import fuse
from qa.retrieve.rerank import answers_type, asked_types, rerank

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "index"))


def _clause(clause_id: str, text: str = "", doc_id: str = "law") -> Clause:
    return Clause(clause_id=clause_id, doc_id=doc_id, doc_title="D", ref=clause_id, path=(), labels=(), heading="",
                  text=text or clause_id, search_text=text or clause_id, start=0, end=1, ordinal=0, level=1)


# --- fusion ------------------------------------------------------------------------------------

def test_zscore_fusion_keeps_a_clear_first_hit_over_a_flat_list():
    """Dense puts the answer far ahead of the rest; BM25 sees every article of the section nearly
    alike (a question in other words than the law's) and has the answer last by a little.
    Min-max stretches BM25's little to a full point and the flat list wins; z-scores keep
    dense's margin."""
    answer, *others = [_clause(f"law:{i}") for i in range(12)]
    dense = [(answer, 0.95)] + [(c, 0.80 - 0.001 * i) for i, c in enumerate(others)]
    bm25 = [(c, 10.0 - 0.05 * i) for i, c in enumerate(others[:10])] + [(answer, 9.6)]
    assert fuse(dense, bm25, FusionConfig(method="linear", dense_weight=0.4, bm25_weight=0.6))[0].clause is not answer
    assert fuse(dense, bm25, FusionConfig(method="zscore", dense_weight=0.5, bm25_weight=0.5))[0].clause is answer


def test_zscore_gives_a_part_one_list_missed_that_lists_lowest_score():
    a, b, c, d = (_clause(f"law:{x}") for x in "abcd")
    dense, bm25 = [(a, 0.9), (b, 0.5), (d, 0.4)], [(c, 5.0), (a, 4.0), (d, 1.0)]
    fused = {h.clause_id: h for h in fuse(dense, bm25, FusionConfig(method="zscore"))}

    def z(ranked, clause):
        scores = [s for _, s in ranked]
        return (dict((x.clause_id, s) for x, s in ranked)[clause.clause_id] - statistics.fmean(scores)) / statistics.pstdev(scores)

    assert fused["law:b"].bm25_rank is None
    assert fused["law:b"].score == pytest.approx(0.5 * z(dense, b) + 0.5 * z(bm25, d))  # BM25's lowest, not 0
    assert fused["law:a"].score > fused["law:c"].score  # first of dense and second of BM25 beats BM25's first alone


# --- what the question asks for ----------------------------------------------------------------

@pytest.mark.parametrize("question, kinds", [
    ("查封的财物最长能扣多久？", ("duration",)),
    ("受理后几个工作日内要答复？", ("duration",)),
    ("不按规定标注会被怎么罚？", ("penalty",)),
    ("这部法律所说的“物项”是什么？", ("definition",)),
    ("什么叫多点执业？", ("definition",)),
    ("这项工作由哪个部门牵头？", ("responsible",)),
    ("这部规定从哪天起施行？", ("date",)),
    ("最晚什么时候申请？", ("duration", "date")),  # a deadline is said either way
    ("How long may a road be occupied?", ("duration",)),
    ("To whom must the director report?", ("responsible",)),
    ("到2027年地区生产总值要达到多少？", ()),  # a figure, not a kind of statement
])
def test_the_kind_of_answer_a_question_asks_for(question, kinds):
    assert asked_types(question) == kinds


def test_a_clause_answers_a_kind_by_what_it_states():
    assert answers_type("临时占用道路的期限，不超过九十日。", ("duration",)) == 1.0
    assert answers_type("申请人应当自受理之日起十五个工作日内补正。", ("duration",)) == 1.0
    assert answers_type("到2025年，全市新能源装机达到500万千瓦。", ("duration",)) == 0.0  # a year is no span
    assert answers_type("本法所称物项，是指货物、技术和服务。", ("definition",)) == 1.0
    assert answers_type("违反前款规定的，处五千元以下的罚款。", ("penalty",)) == 1.0
    assert answers_type("市市场监管局牵头，各部门配合。", ("responsible", "duration")) == 0.5
    assert answers_type("本规定自2018年12月1日起施行。", ("date",)) == 1.0
    assert answers_type("到2025年，全市新能源装机达到500万千瓦。", ("date",)) == 0.0


def _hits(*rows: tuple[str, str, float, str]) -> list[Hit]:
    return [Hit(clause=_clause(cid, text, doc), score=score) for cid, text, score, doc in rows]


def test_a_near_tie_goes_to_the_clause_stating_what_is_asked():
    """The shape of 「…最长能扣多久？」: every article of the section shares the question's words,
    the one stating the period is a hair behind."""
    hits = _hits(("law:26", "查封、扣押的财物应当妥善保管。", 1.20, "law"),
                 ("law:25", "查封、扣押的期限不得超过三十日。", 1.15, "law"),
                 ("law:24", "查封、扣押应当制作现场笔录。", 0.40, "law"),
                 ("law:1", "为了规范行政强制，制定本法。", -0.50, "law"))
    question = "行政机关查封的财物最长能扣多久？"
    assert [h.clause_id for h in rerank(hits, question, set(), 0.0, 0.0)][0] == "law:26"
    assert [h.clause_id for h in rerank(hits, question, set(), 0.0, 0.5)][0] == "law:25"


def test_a_question_without_an_answer_kind_keeps_the_fused_order():
    hits = _hits(("law:2", "甲", 1.0, "law"), ("law:1", "乙的期限为三十日", 0.9, "law"))
    assert rerank(hits, "乙是什么样的", set(), 2.0, 0.5) == hits


def test_the_named_document_outranks_a_footnote_of_another_that_mentions_it():
    hits = _hits(("speech:note", "（本文摘自示例市委书记在市委全会上的讲话。）", 2.0, "speech"),
                 ("decision:5", "打造国际仲裁中心，完善多元纠纷解决机制。", 1.2, "decision"),
                 ("speech:3", "建设法治环境。", 0.3, "speech"),
                 ("decision:1", "总体要求。", 0.1, "decision"))
    reranked = rerank(hits, "示例市委决定提出打造什么中心？", {"decision"}, 2.0, 0.5)
    assert reranked[0].clause_id == "decision:5"
    assert [h.clause_id for h in rerank(hits, "示例市委决定提出打造什么中心？", set(), 2.0, 0.5)][0] == "speech:note"


def test_bonuses_scale_with_the_spread_of_the_fused_scores():
    """The same reordering whatever the fusion method's scale (RRF scores are hundredths)."""
    wide = _hits(("law:a", "甲", 1.0, "law"), ("law:b", "乙的期限为三十日", 0.9, "law"), ("law:c", "丙", -1.0, "law"))
    narrow = [Hit(clause=h.clause, score=h.score / 100) for h in wide]
    order = [h.clause_id for h in rerank(wide, "乙要多久", set(), 0.0, 0.5)]
    assert order == [h.clause_id for h in rerank(narrow, "乙要多久", set(), 0.0, 0.5)] and order[0] == "law:b"


# --- documents named, figures spelt either way --------------------------------------------------

LAWS = [DocumentMeta("arb", "中华人民共和国仲裁法", "仲裁法"),
        DocumentMeta("labour", "中华人民共和国劳动争议调解仲裁法", "劳动争议调解仲裁法"),
        DocumentMeta("blood", "中华人民共和国献血法", "中华人民共和国献血法"),
        DocumentMeta("cd", "中共成都市委关于…的决定", "成都市委决定")]


def _named(question: str) -> list[str]:
    return [m.doc_id for m in document_mentions(question, LAWS)]


def test_a_law_is_named_by_its_short_title_without_a_kind_word():
    assert _named("标准和劳动争议调解仲裁法规定的时效是多长？") == ["labour"]  # not 仲裁法 inside it
    assert _named("仲裁法和劳动争议调解仲裁法有什么不同？") == ["arb", "labour"]
    assert _named("献血法提倡哪些公民献血？") == ["blood"]  # cited without 中华人民共和国
    assert _named("成都市委决定提出什么？") == ["cd"]
    assert _named("申请仲裁的时效是多长？") == []


def test_figures_are_searched_in_both_spellings():
    assert set(figure_spellings("满16岁后多久申领")) >= {"十六"}
    assert "15" in figure_spellings("应当在十五日内作出决定")
    assert figure_spellings("到2027年地区生产总值") == []  # a year stays as written
    assert figure_spellings("十四五规划和一体化发展") == []  # names, not numbers


# --- through real retrieval -------------------------------------------------------------------

LAW = """示例道路占用管理条例

第一章 总则
第一条 为了规范城市道路的管理，制定本条例。
第二章 占用许可
第二条 临时占用道路的申请，由市政部门受理。
第三条 临时占用道路的期限，不超过九十日。
第四条 临时占用道路的范围，以批准为准。
第五条 年满十六周岁的申请人，可以自行提出申请。
第三章 法律责任
第六条 临时占用道路超出范围的，处二千元罚款。
"""
NOTE = """示例讲话

一、加强道路管理
各区要把道路管理作为重点工作，确保道路通行安全。

（本文摘自示例道路占用管理条例起草说明会上的讲话。）
"""


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    from standin_embedder import StandInEmbedder

    from index.build import build_index, open_index

    root = tmp_path_factory.mktemp("rerank")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "road.txt").write_text(LAW, encoding="utf-8")
    (corpus / "speech.txt").write_text(NOTE, encoding="utf-8")
    embedder = StandInEmbedder()
    build_index(corpus, root / "index", embedder, root / "cache")
    return open_index(root / "index", embedder), embedder


def _search(small_index, question: str, sources=("dense", "bm25"), **fusion) -> list[str]:
    from qa.retrieve.hybrid import HybridRetriever

    reader, embedder = small_index
    retriever = HybridRetriever(reader=reader, embedder=embedder, k=4, fusion=FusionConfig(**fusion), sources=sources)
    return [h.clause.labels[-1] for h in retriever.search(question)]


def test_the_article_stating_a_period_rises_over_its_neighbours(small_index):
    without = _search(small_index, "临时占用道路能占多久？", answer_type_bonus=0.0)
    found = _search(small_index, "临时占用道路能占多久？")
    assert found.index("第三条") < without.index("第三条")
    assert found.index("第三条") < found.index("第四条")  # the same words, no period stated


def test_a_count_in_digits_finds_the_article_that_writes_it_in_words(small_index):
    assert _search(small_index, "满16岁的人有什么规定？", sources=("bm25",))[0] == "第五条"


def test_a_question_naming_a_document_is_answered_from_it_not_from_a_note_that_cites_it(small_index):
    from qa.core.text import to_search_text

    question = "示例道路占用管理条例对道路管理有什么要求？"
    reader, _ = small_index
    # The failure's shape: the words of the name alone find the other document's note that cites it.
    assert reader.bm25_search(to_search_text(question), 3)[0][0].labels[-1] == "附注"
    found = _search(small_index, question)
    assert found[0].startswith("第") and "附注" not in found[:2]  # an article of the named law first


@pytest.mark.parametrize(("question", "kind"), [
    ("Which ministries signed off on the measures?", "responsible"),
    ("What government agencies supervise the fund?", "responsible"),
    ("How far in advance must a business post a notice?", "duration"),
    ("Within what period must the systems be connected?", "duration"),
    ("What does prepaid balance mean in the rules?", "definition"),
    ("What does the term single-purpose card refer to?", "definition"),
])
def test_english_wordings_of_the_answer_kinds(question, kind):
    assert kind in asked_types(question)


def test_english_questions_that_ask_for_no_kind_get_no_bonus():
    assert asked_types("Which key technologies does the plan name?") == ()


def test_the_cover_notice_goes_below_the_documents_clauses_unless_the_issuing_is_asked():
    from dataclasses import replace

    cover = replace(_clause("plan:印发通知", "各区人民政府：《某市标准提升行动方案》已经市人民政府同意，现印发给你们。"),
                    labels=("印发通知",))
    task = replace(_clause("plan:三/（一）", "（一）加强组织领导。市市场监管局牵头会同各相关部门推进。"), labels=("三", "（一）"))
    other = _clause("plan:二", "二、重点任务。推进标准制定。")
    hits = [Hit(clause=c, score=s, text=c.text) for c, s in ((cover, 3.0), (other, 2.0), (task, 1.9))]
    assert [h.clause_id for h in rerank(hits, "标准提升行动由哪个部门牵头？", set(), 0.0, 0.0, 5.0)][-1] == "plan:印发通知"
    assert [h.clause_id for h in rerank(hits, "标准提升行动方案是哪天印发的？", set(), 0.0, 0.0, 5.0)][0] == "plan:印发通知"
