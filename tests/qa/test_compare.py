"""Cross-document comparison on the real corpus index: quoted, cited rows, 「未涉及」 where a
document says nothing, and nothing quoted that the cited clause does not contain."""
from __future__ import annotations

import pytest

from qa.core.errors import BadQuestion
from qa.core.text import to_search_text
from qa.compare import compare_documents

pytestmark = pytest.mark.slow
TOPIC = "各文件对成德眉资同城化的提法"


@pytest.fixture(scope="module")
def comparison(built_service):
    return compare_documents(built_service, TOPIC, [m.doc_id for m in built_service.documents()])


def test_one_row_per_document_in_index_order(comparison, built_service):
    assert [row.meta.doc_id for row in comparison.rows] == [m.doc_id for m in built_service.documents()]


def test_documents_that_never_mention_the_topic_are_not_addressed(comparison, built_service):
    for row in comparison.rows:
        whole = to_search_text("".join(c.text for c in built_service.clauses(row.meta.doc_id)))
        if "成德眉资" not in whole and "同城化" not in whole:
            assert not row.addressed, f"{row.meta.doc_id} has no such passage but got {row.citations}"


def test_documents_with_a_dedicated_clause_quote_it(comparison):
    addressed = {row.meta.doc_id: row for row in comparison.rows if row.addressed}
    assert "chengdu-2020-07-15-municipal-decision" in addressed
    assert "sichuan-2020-07-10-provincial-decision" in addressed  # traditional script, same topic
    for row in addressed.values():
        assert any("同城" in to_search_text(c.quote) for c in row.citations), row


def test_quotes_are_verbatim_from_the_cited_clause_of_that_document(comparison, built_service):
    for row in comparison.rows:
        for citation in row.citations:
            assert citation.doc_id == row.meta.doc_id
            clause_text = "".join(c.text for c in built_service.clauses(row.meta.doc_id)
                                  if c.base_id == citation.clause_id)
            assert citation.quote and citation.quote in clause_text


def test_selection_limits_the_rows_and_bad_input_is_rejected(built_service):
    chosen = ["yuzhong-2023-05-ten-actions-plan", "chengdu-2020-07-15-municipal-decision"]
    comparison = compare_documents(built_service, TOPIC, chosen)
    assert sorted(row.meta.doc_id for row in comparison.rows) == sorted(chosen)
    with pytest.raises(BadQuestion):
        compare_documents(built_service, "  ", chosen)
    with pytest.raises(BadQuestion, match="no-such-doc"):
        compare_documents(built_service, TOPIC, ["no-such-doc"])


def test_a_heading_only_quote_is_extended_with_the_clause_text_that_follows():
    from qa.core.config import TUNING

    MIN_QUOTE_CHARS = TUNING.answer.min_quote_chars
    from qa.compare import fuller_quote
    from qa.core.types import Citation

    text = "(七)加快同城化发展。协同推进体制机制创新,探索行政区与经济区适度分离。推动重大改革试点。"
    short = Citation(n=1, clause_id="d:七", doc_id="d", doc_title="t", ref="(七)", text=text, quote="(七)加快同城化发展。")
    extended = fuller_quote(short).quote
    assert extended.startswith("(七)加快同城化发展。协同推进") and extended in text
    assert len(extended) >= MIN_QUOTE_CHARS or extended == text
    long_quote = Citation(n=1, clause_id="d:七", doc_id="d", doc_title="t", ref="(七)", text=text,
                          quote=text[:MIN_QUOTE_CHARS + 2])
    assert fuller_quote(long_quote) == long_quote
