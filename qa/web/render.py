"""What the chat UI shows, as HTML: answers with clickable [n] markers, reference lists, the
clause panel, comparison tables. Pure functions of typed values, so they are tested without a
browser; qa/web/layout.py only passes their output to gradio.

Every piece of text that comes from a document, a user or a model is escaped here: the chat
renders these strings as HTML. Clickable elements are links to `#pq:cite:<turn>:<n>` (a
citation of an answer in this session) or `#pq:clause:<clause id>`: the chat's HTML sanitizer
keeps href and class but strips data attributes. qa/web/callbacks.py turns a click on one into the panel.
"""
from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qa.core.clause_parts import whole_clauses
from qa.core.dates import cn_date
from qa.core.ids import base_id
from qa.core.markers import MARKER, marker_numbers
from qa.core.messages import answer_state, backend_label
from qa.core.messages import check_reason as reason_text
from qa.core.text import sentences
from qa.core.types import Answer, Citation, Clause, DocumentMeta, Filters, Hit, SentenceCheck

_CONTEXT_WINDOW = 2  # clauses shown before and after the cited one in the document view


def esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def cite_href(turn: int, n: int) -> str:
    return f"#pq:cite:{turn}:{n}"


def clause_href(clause_id: str) -> str:
    return "#pq:clause:" + quote(clause_id, safe="")


@dataclass(frozen=True)
class LinkTarget:
    """What a clicked link points at: citation n of answer `turn`, or a clause by id."""

    turn: int = -1
    n: int = 0
    clause_id: str = ""


def parse_link(key: str) -> LinkTarget | None:
    """`key` is the href after '#pq:' (as the page's click handler sends it); None if malformed."""
    kind, _, rest = (key or "").partition(":")
    if kind == "cite":
        turn, _, n = rest.partition(":")
        if turn.isdigit() and n.isdigit():
            return LinkTarget(turn=int(turn), n=int(n))
    if kind == "clause" and rest:
        return LinkTarget(clause_id=unquote(rest))
    return None


def check_reason(check: SentenceCheck) -> str:
    return reason_text(check.reason == "uncited" or not check.markers, check.missing_figures, check.reason)


# --- answers ----------------------------------------------------------------------------------
def _inline(text: str, turn: int, cited: set[int]) -> str:
    """Escaped text with [n] markers made clickable; markers with no citation stay plain."""
    out, pos = [], 0
    for match in MARKER.finditer(text):
        out.append(esc(text[pos : match.start()]))
        for n in marker_numbers(match.group(1)):
            if n in cited:
                out.append(f'<a class="pq-cite" href="{cite_href(turn, n)}" title="查看条款 [{n}]">[{n}]</a>')
            else:
                out.append(f"[{n}]")
        pos = match.end()
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _unverified_spans(text: str, checks: Iterable[SentenceCheck]) -> list[tuple[int, int, SentenceCheck]]:
    """Where each unverified sentence sits in the answer text (in order, non-overlapping)."""
    spans, pos = [], 0
    for check in checks:
        sentence = check.sentence.strip()
        if check.verified or not sentence:
            continue
        start = text.find(sentence, pos)
        if start < 0:
            start = text.find(sentence)
        if start < 0 or any(s < start + len(sentence) and start < e for s, e, _ in spans):
            continue
        spans.append((start, start + len(sentence), check))
        pos = start + len(sentence)
    return sorted(spans, key=lambda span: span[0])


def answer_body_html(answer: Answer, turn: int) -> str:
    """The answer text with clickable markers and unverified sentences underlined."""
    cited = {c.n for c in answer.citations}
    out, pos = [], 0
    for start, end, check in _unverified_spans(answer.text, answer.checks):
        out.append(_inline(answer.text[pos:start], turn, cited))
        out.append(
            f'<span class="pq-unverified" title="未核实：{esc(check_reason(check))}">'
            f"{_inline(answer.text[start:end], turn, cited)}<sup>⚠</sup></span>"
        )
        pos = end
    out.append(_inline(answer.text[pos:], turn, cited))
    return "".join(out)


def reference_line(citation: Citation) -> str:
    return f"《{citation.doc_title}》{citation.ref}"


def references_html(answer: Answer, turn: int) -> str:
    if not answer.citations:
        return ""
    items = "".join(
        f'<li><a class="pq-ref" href="{cite_href(turn, c.n)}">[{c.n}] {esc(reference_line(c))}</a></li>'
        for c in sorted(answer.citations, key=lambda c: c.n)
    )
    return f'<div class="pq-refs"><div class="pq-refs-title">参考条款</div><ol>{items}</ol></div>'


def nearest_html(hits: Sequence[Hit]) -> str:
    if not hits:
        return ""
    items = "".join(
        f'<li><a class="pq-ref" href="{clause_href(h.clause_id)}">'
        f"{esc(f'《{h.clause.doc_title}》{h.clause.ref}')}</a></li>"
        for h in hits
    )
    return f'<div class="pq-refs"><div class="pq-refs-title">最接近的条款（供核对）</div><ul>{items}</ul></div>'


def _unverified_summary(answer: Answer) -> str:
    unverified = answer.unverified
    if not unverified:
        return ""
    items = "".join(f"<li>{esc(c.sentence.strip())} —— {esc(check_reason(c))}</li>" for c in unverified)
    return f'<div class="pq-warn">⚠ {len(unverified)} 句未能核实：<ul>{items}</ul></div>'


def answer_html(answer: Answer, turn: int, scope: str = "") -> str:
    """One assistant message: status line, answer, warnings, references (or nearest clauses), and
    `scope`, the filters it was asked under (filters_line), as a small line at the end.

    A single HTML block with no blank line, so the chat's Markdown renderer passes it through."""
    parts = [f'<div class="pq-answer">']
    badge = "pq-badge pq-refused" if answer.refused else "pq-badge"
    level = answer.evidence.level if answer.evidence and not answer.refused else ""
    state = answer_state(answer.refused, answer.verified, level)
    strength = f' title="证据强度 {answer.evidence.score:.2f}"' if level else ""
    parts.append(f'<div class="pq-meta"><span class="{badge}">{esc(backend_label(answer.backend))}</span>'
                 f'<span class="pq-state pq-evidence-{level or "none"}"{strength}>{esc(state)}</span></div>')
    if answer.notice:
        parts.append(f'<div class="pq-notice">ℹ {esc(answer.notice)}</div>')
    if answer.standalone_question and answer.standalone_question != answer.question:
        parts.append(f'<div class="pq-rewrite">按此理解追问：{esc(answer.standalone_question)}</div>')
    parts.append(f'<div class="pq-text">{answer_body_html(answer, turn)}</div>')
    parts.append(_unverified_summary(answer))
    parts.append(nearest_html(answer.nearest) if answer.refused else references_html(answer, turn))
    if scope:
        parts.append(f'<div class="pq-filters">筛选条件：{esc(scope)}</div>')
    parts.append("</div>")
    return "".join(parts)


def date_span(date_from: str, date_to: str) -> str:
    """'2020年1月1日 至 2023年12月31日', '2020年1月1日起', '至2023年12月31日', or ''."""
    if date_from and date_to:
        return f"{cn_date(date_from)} 至 {cn_date(date_to)}"
    if date_from:
        return f"{cn_date(date_from)}起"
    return f"至{cn_date(date_to)}" if date_to else ""


def filters_line(filters: Filters, titles: Mapping[str, str]) -> str:
    """The filters in force as plain text ('文件《…》、《…》；发文机关 …；日期 …'); '' when unfiltered.
    `titles` names documents by id; an id it lacks (a document since removed) is shown as is."""
    parts = []
    if filters.doc_ids:
        parts.append("文件" + "、".join(f"《{titles.get(d, d)}》" for d in filters.doc_ids))
    if filters.issuers:
        parts.append("发文机关 " + "、".join(filters.issuers))
    if filters.lead_units:
        parts.append("牵头单位 " + "、".join(filters.lead_units))
    if filters.date_from or filters.date_to:
        parts.append("日期 " + date_span(filters.date_from, filters.date_to))
    return "；".join(parts)


def no_match_html(scope: str) -> str:
    """The filters (filters_line) leave no document: said as such, not as a refusal or an error."""
    return (f'<div class="pq-answer pq-nomatch">⚠ 没有文件符合当前的筛选条件（{esc(scope)}），因此没有检索。'
            "<br>请放宽或清除筛选条件（文件、发文机关、牵头单位、日期）后再问。</div>")


def streaming_html(partial: str, backend: str) -> str:
    return (f'<div class="pq-answer pq-streaming"><div class="pq-meta"><span class="pq-badge">'
            f'{esc(backend_label(backend))}</span><span class="pq-state">生成中…</span></div>'
            f'<div class="pq-text">{esc(partial).replace(chr(10), "<br>")}</div></div>')


def error_html(message: str) -> str:
    return f'<div class="pq-answer pq-error">⚠ {esc(message).replace(chr(10), "<br>")}</div>'


# --- the clause panel -------------------------------------------------------------------------
@dataclass(frozen=True)
class ClauseView:
    """A whole clause (parts joined) in its document, ready for the panel."""

    clause: Clause
    text: str
    meta: DocumentMeta
    neighbours: tuple[tuple[Clause, str], ...]  # (clause, whole text) around it, it included
    quote: str = ""


def clause_view(doc_clauses: Sequence[Clause], clause_id: str, meta: DocumentMeta, quote: str = "",
                window: int = _CONTEXT_WINDOW) -> ClauseView | None:
    """The clause `clause_id` (a base id or a part id) of one document, with its neighbours."""
    base = base_id(clause_id)
    whole = whole_clauses(doc_clauses)
    position = next((i for i, (c, _) in enumerate(whole) if c.base_id == base), None)
    if position is None:
        return None
    clause, text = whole[position]
    neighbours = tuple(whole[max(0, position - window) : position + window + 1])
    return ClauseView(clause=clause, text=text, meta=meta, neighbours=neighbours, quote=quote)


def quote_sentences(quote: str) -> list[str]:
    return [s for s in sentences(quote or "") if len(s) >= 4]


def highlight(text: str, quote: str) -> str:
    """Escaped `text` with the sentences of `quote` it contains wrapped in <mark>."""
    spans = []
    for sentence in quote_sentences(quote) or ([quote.strip()] if quote.strip() else []):
        start = text.find(sentence)
        if start >= 0 and not any(s < start + len(sentence) and start < e for s, e in spans):
            spans.append((start, start + len(sentence)))
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(esc(text[pos:start]) + f'<mark class="pq-quote">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def responsibility_html(clause: Clause) -> str:
    """The clause's responsibility note as a line of its own (牵头单位 · 责任单位); '' without one."""
    parts = []
    if clause.lead_units:
        parts.append("牵头单位：" + "、".join(clause.lead_units))
    if clause.responsible_units:
        parts.append("责任单位：" + "、".join(clause.responsible_units))
    if clause.page:
        parts.append(f"第{clause.page}页")
    return f'<div class="pq-units">{esc(" · ".join(parts))}</div>' if parts else ""


def clause_panel_html(view: ClauseView | None, label: str = "") -> str:
    if view is None:
        return '<div class="pq-panel pq-empty">点击回答中的 [n] 或参考条款，在此查看条款原文。</div>'
    meta, clause = view.meta, view.clause
    facts = " · ".join(esc(x) for x in (meta.issuer, cn_date(meta.date)) if x)
    path = " › ".join(esc(p) for p in clause.path) or esc(clause.ref)
    context = "".join(
        f'<div class="pq-ctx{" pq-ctx-current" if c.base_id == clause.base_id else ""}">'
        f'<a class="pq-ctx-ref" href="{clause_href(c.base_id)}">{esc(c.ref or "（序言）")}</a>'
        f'<div>{esc(text).replace(chr(10), "<br>")}</div></div>'
        for c, text in view.neighbours
    )
    return (
        f'<div class="pq-panel">'
        f'<div class="pq-panel-label">{esc(label)}</div>'
        f'<div class="pq-doc-title">《{esc(meta.title)}》</div>'
        f'<div class="pq-doc-facts">{facts}</div>'
        f'<div class="pq-path">{path}</div>'
        f"{responsibility_html(clause)}"
        f'<div class="pq-clause-text">{highlight(view.text, view.quote)}</div>'
        f'<details class="pq-context"><summary>在原文中查看（前后条款）</summary>{context}</details>'
        "</div>"
    )


# --- comparison and upload ----------------------------------------------------------------------
def comparison_html(comparison) -> str:
    """qa.compare.Comparison as a table: one row per document, quoted clauses or 「未涉及」."""
    rows = []
    for row in comparison.rows:
        meta = row.meta
        facts = " · ".join(esc(x) for x in (meta.issuer, cn_date(meta.date)) if x)
        if not row.addressed:
            cell = '<span class="pq-absent">未涉及</span>'
        else:
            cell = "".join(
                f'<div class="pq-cmp-quote">“{esc(c.quote or c.text)}”'
                f'<a class="pq-ref" href="{clause_href(c.clause_id)}">——{esc(c.ref)}</a></div>'
                for c in row.citations
            )
        rows.append(f'<tr><td><div class="pq-cmp-title">《{esc(meta.title)}》</div>'
                    f'<div class="pq-doc-facts">{facts}</div></td><td>{cell}</td></tr>')
    return (f'<div class="pq-compare"><div class="pq-cmp-q">问题：{esc(comparison.question)}</div>'
            '<table><thead><tr><th>文件</th><th>相关条款（原文摘录）</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<div class="pq-cmp-note">逐份文件检索；证据低于拒答阈值的文件记为「未涉及」。点击条款可查看原文。</div></div>')


def upload_preview_html(staged) -> str:
    """qa.library.StagedUpload (or None) as the parse result shown before adding."""
    if staged is None:
        return '<div class="pq-upload-empty">选择文件后，这里显示解析结果（标题、条款数），确认后再加入文件库。</div>'
    if staged.error:
        return f'<div class="pq-warn">⚠ 无法加入《{esc(staged.filename)}》：{esc(staged.error)}</div>'
    document, clauses = staged.parsed.document, staged.parsed.clauses
    refs = "".join(f"<li>{esc(c.ref or '（序言）')}</li>" for c in clauses[:8])
    more = f"<li>……共 {len(clauses)} 条</li>" if len(clauses) > 8 else ""
    return (f'<div class="pq-upload-ok"><div class="pq-doc-title">《{esc(document.meta.title)}》</div>'
            f'<div class="pq-doc-facts">{esc(staged.filename)} · {esc(document.format)} · '
            f"{len(clauses)} 条条款 · {len(document.text):,} 字</div><ul>{refs}{more}</ul></div>")


CSS = """
.pq-answer { line-height: 1.7; }
.pq-meta { font-size: 0.85em; color: #666; margin-bottom: 4px; }
.pq-badge { background: #eef3ff; color: #2850a8; border-radius: 4px; padding: 1px 6px; margin-right: 8px; }
.pq-badge.pq-refused { background: #fff4e5; color: #a35a00; }
.pq-notice { background: #fff8e1; border-left: 3px solid #f0b400; padding: 4px 8px; margin: 4px 0; }
.pq-rewrite { font-size: 0.85em; color: #666; }
a.pq-cite { color: #2850a8; font-weight: 600; text-decoration: none; cursor: pointer; padding: 0 1px; }
a.pq-cite:hover, a.pq-ref:hover, a.pq-ctx-ref:hover { text-decoration: underline; }
.pq-evidence-weak { color: #d9480f; font-weight: 600; }
.pq-evidence-partial { color: #b08900; }
.pq-unverified { text-decoration: underline wavy #d9480f; text-underline-offset: 3px; }
.pq-unverified sup { color: #d9480f; }
.pq-warn { background: #fff4f0; border-left: 3px solid #d9480f; padding: 4px 8px; margin: 6px 0; font-size: 0.9em; }
.pq-units { color: #555; font-size: 0.9em; margin: 2px 0 4px 0; }
.pq-refs { border-top: 1px solid #ddd; margin-top: 8px; padding-top: 4px; font-size: 0.9em; }
.pq-refs-title { color: #666; }
.pq-refs ol, .pq-refs ul { margin: 2px 0 0 0; padding-left: 1.2em; }
a.pq-ref, a.pq-ctx-ref { color: #2850a8; text-decoration: none; cursor: pointer; }
.pq-error { color: #b00020; }
.pq-filters { color: #777; font-size: 0.8em; margin-top: 6px; }
.pq-nomatch { background: #fff8e1; border-left: 3px solid #f0b400; padding: 4px 8px; }
.pq-panel { border: 1px solid #ddd; border-radius: 8px; padding: 12px; line-height: 1.7; }
.pq-panel.pq-empty, .pq-upload-empty { color: #888; }
.pq-panel-label { color: #2850a8; font-size: 0.85em; }
.pq-doc-title { font-weight: 600; font-size: 1.05em; }
.pq-doc-facts { color: #666; font-size: 0.85em; }
.pq-path { color: #444; font-size: 0.9em; margin: 6px 0; }
.pq-clause-text { background: #fafafa; padding: 8px; border-radius: 6px; }
mark.pq-quote { background: #ffe58f; }
.pq-context summary { cursor: pointer; color: #2850a8; margin-top: 8px; }
.pq-ctx { border-left: 3px solid #eee; padding: 4px 8px; margin: 6px 0; font-size: 0.9em; }
.pq-ctx-current { border-left-color: #f0b400; background: #fffbe6; }
.pq-compare table { width: 100%; border-collapse: collapse; }
.pq-compare th, .pq-compare td { border: 1px solid #ddd; padding: 6px 8px; vertical-align: top; }
.pq-cmp-title { font-weight: 600; }
.pq-cmp-quote { margin-bottom: 4px; }
.pq-absent { color: #999; }
.pq-cmp-q, .pq-cmp-note { color: #666; font-size: 0.9em; margin: 6px 0; }
"""
