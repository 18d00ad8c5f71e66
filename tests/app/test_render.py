"""The HTML the chat shows, from hand-made values (pure functions; the browser test uses real ones)."""
from __future__ import annotations

from html.parser import HTMLParser

from qa.core.types import Clause, DocumentMeta
from qa.web.render import LinkTarget, answer_html, parse_link, clause_panel_html, clause_view, highlight, streaming_html
from qa.core.clause_parts import join_parts
from qa.core.types import Answer, Citation, Hit, SentenceCheck

META = DocumentMeta(doc_id="yz", title="渝中区全力推进“十项行动”实施方案", short_title="渝中区方案",
                    issuer="重庆市渝中区人民政府", date="2023-05-23")


def clause(label: str, ordinal: int, text: str, part: int = 1, parts: int = 1, start: int = 0) -> Clause:
    base = f"yz:{label}"
    return Clause(clause_id=base if parts == 1 else f"{base}#{part}", doc_id="yz", doc_title=META.title,
                  ref=label, path=("二、主要目标", label), labels=(label,), heading="", text=text,
                  search_text=text, start=start, end=start + len(text), ordinal=ordinal, level=1,
                  part=part, parts=parts)


def cite(n: int, clause_id: str = "yz:二", quote: str = "") -> Citation:
    return Citation(n=n, clause_id=clause_id, doc_id="yz", doc_title=META.title, ref="二、主要目标",
                    text="到2027年，地区生产总值突破2000亿元。", quote=quote)


class Tags(HTMLParser):
    """Collects (tag, attrs) and checks the markup is balanced."""

    def __init__(self):
        super().__init__()
        self.found, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        if tag not in ("br", "img"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


def parse(markup: str) -> Tags:
    tags = Tags()
    tags.feed(markup)
    assert not tags.stack, f"unclosed {tags.stack}"
    return tags


def test_markers_become_links_to_their_citation_and_unknown_markers_stay_plain():
    answer = Answer(question="q", text="突破2000亿元[1]，另见[2, 3]与[7]。", citations=(cite(1), cite(2), cite(3)),
                    refused=False, backend="offline", verified=True)
    markup = answer_html(answer, turn=4)
    links = [a["href"] for tag, a in parse(markup).found if tag == "a" and a.get("class") == "pq-cite"]
    assert [parse_link(h.removeprefix("#pq:")) for h in links] == [LinkTarget(4, n) for n in (1, 2, 3)]
    assert "[7]" in markup and "#pq:cite:4:7" not in markup
    refs = [a["href"] for tag, a in parse(markup).found if tag == "a" and a.get("class") == "pq-ref"]
    assert refs == links
    assert "《渝中区全力推进“十项行动”实施方案》二、主要目标" in markup
    assert "\n\n" not in markup  # one HTML block for the Markdown renderer


def test_unverified_sentence_is_marked_with_its_reason_and_text_is_escaped():
    checks = (SentenceCheck("突破2000亿元[1]。", (1,), ("2000亿元",), (), True),
              SentenceCheck("人口<b>3000万</b>。", (), ("3000万",), ("3000万",), False, "uncited"))
    answer = Answer(question="q", text="突破2000亿元[1]。人口<b>3000万</b>。", citations=(cite(1),),
                    refused=False, backend="gpt-4o-mini", verified=False, checks=checks,
                    notice="模型调用失败，已改用离线回答。")
    markup = answer_html(answer, turn=0)
    spans = [a for tag, a in parse(markup).found if a.get("class") == "pq-unverified"]
    assert len(spans) == 1 and "没有引用" in spans[0]["title"]
    assert "<b>" not in markup and "&lt;b&gt;3000万" in markup
    assert "模型 gpt-4o-mini" in markup and "已改用离线回答" in markup


def test_refusal_lists_nearest_clauses_as_clickable_clause_ids():
    hit = Hit(clause=clause("三", 3, "文本"), score=0.1)
    answer = Answer(question="q", text="文件中没有相关内容。", citations=(), refused=True, backend="offline",
                    verified=True, nearest=(hit,))
    found = parse(answer_html(answer, turn=1)).found
    hrefs = [a["href"].removeprefix("#pq:") for tag, a in found if tag == "a"]
    assert [parse_link(h) for h in hrefs] == [LinkTarget(clause_id="yz:三")]


def test_malformed_link_keys_are_rejected():
    assert [parse_link(k) for k in ("", "cite:x:1", "cite:1", "clause:", "other:1:2")] == [None] * 5


def test_clause_view_joins_parts_and_keeps_neighbours_by_ordinal():
    clauses = [clause("一", 0, "甲。"), clause("二", 1, "乙一。", 1, 2, 10), clause("二", 1, "乙二。", 2, 2, 14),
               clause("三", 2, "丙。"), clause("四", 3, "丁。"), clause("五", 4, "戊。")]
    view = clause_view(clauses, "yz:二#2", META, quote="乙二。", window=1)
    assert view.clause.base_id == "yz:二" and view.text == join_parts(clauses[1:3])
    assert [c.base_id for c, _ in view.neighbours] == ["yz:一", "yz:二", "yz:三"]
    panel = clause_panel_html(view, label="[1]")
    assert '<mark class="pq-quote">乙二。</mark>' in panel
    assert "重庆市渝中区人民政府" in panel and "2023年5月23日" in panel and "二、主要目标 › 二" in panel
    parse(panel)
    assert clause_view(clauses, "yz:九", META) is None


def test_highlight_marks_each_quoted_sentence_found_and_ignores_others():
    text = "第一句话内容。第二句话内容；第三句话内容。"
    marked = highlight(text, "第一句话内容。第三句话内容。不存在的句子。")
    assert marked.count("<mark") == 2 and "第二句话内容；" in marked.replace("<mark", "|")


def test_streaming_view_escapes_partial_model_output():
    assert "&lt;script&gt;" in streaming_html("<script>x", "m")
