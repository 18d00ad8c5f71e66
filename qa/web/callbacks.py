"""What the UI's callbacks do, without gradio: ChatApp's methods call PolicyQA (qa/service.py)
and the qa/ helpers, and format what they return with qa/web/render.py. Saved conversations
(storing each turn, listing, reopening, deleting) are ChatApp.history (qa/web/history.py).

qa/web/layout.py places the components and wires their events to these methods; app.py starts it all.
"""

import re
import tempfile
from pathlib import Path

from rich.console import Console

from qa.compare import compare_documents
from qa.core.dates import span_bound
from qa.core.errors import BadQuestion, IndexNotBuilt, NoMatchingDocuments, PolicyQAError
from qa.core.ids import doc_id_of
from qa.core.types import Answer, Filters
from qa.library import add_upload, preview_upload
from qa.memo import write_memo
from qa.progress import stage_bars
from qa.service import PolicyQA
from qa.settings import Settings
from qa.web import render
from qa.web.history import History

EXPORT_DIR = Path(tempfile.gettempdir()) / "policyqa-exports"  # gradio may serve files from tempdir
EXAMPLES = ("渝中区到2027年地区生产总值目标是多少？", "成德眉资同城化有哪些举措？", "天府新区成都片区面积多大？")
COMPARE_EXAMPLE = "各文件对成德眉资同城化的提法"
KEEP_BOX = object()  # a question-box value meaning "leave what is there" (layout.py maps it to gr.skip())
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def date_bound(value: str, upper: bool) -> str:
    """'2020' → '2020-01-01', or '2020-12-31' as an upper bound; '2021-02' → '2021-02-28'; '' stays ''."""
    value = (value or "").strip()
    if not value:
        return ""
    bound = span_bound(value, upper) if _DATE.fullmatch(value) else None
    if bound is None:
        raise BadQuestion(f"日期“{value}”格式不对。", hint="请写成 2020、2020-07 或 2020-07-15。")
    return bound.isoformat()


def make_filters(doc_ids, issuers, date_from: str, date_to: str, lead_units=()) -> Filters:
    return Filters(doc_ids=tuple(doc_ids or ()), issuers=tuple(issuers or ()), lead_units=tuple(lead_units or ()),
                   date_from=date_bound(date_from, upper=False), date_to=date_bound(date_to, upper=True))


def ensure_index(service: PolicyQA, console: Console) -> None:
    """On a fresh clone there is no index yet: build it (with progress) before serving."""
    try:
        service.documents()
    except IndexNotBuilt:
        console.print("[bold]首次启动：正在为文件库建立索引…[/]")
        with stage_bars() as progress:
            report = service.build_index(progress=progress)
        console.print(f"索引完成：{report.documents} 份文件，{report.clauses} 条条款，用时 {report.seconds:.1f} 秒。")


class ChatApp:
    def __init__(self, service: PolicyQA) -> None:
        self.service = service
        self.settings: Settings = service.settings
        self.history = History(service)  # saved conversations (qa/web/history.py)

    # --- helpers the callbacks share ----------------------------------------------------------
    def backend_status(self) -> str:
        s = self.settings
        if s.llm_configured:
            return f"回答方式：自动（模型 {s.llm_model}，失败时改用离线回答）"
        return "回答方式：离线抽取式（未配置模型；设置 OPENAI_API_KEY / OPENAI_BASE_URL 可启用）"

    def mode_choices(self) -> list[tuple[str, str]]:
        return [("自动", "auto"), ("离线", "offline")] + ([("模型", "llm")] if self.settings.llm_configured else [])

    def document_choices(self) -> list[tuple[str, str]]:
        return [(m.short_title or m.title, m.doc_id) for m in self.service.documents()]

    def issuer_choices(self) -> list[str]:
        return sorted({m.issuer for m in self.service.documents() if m.issuer})

    def lead_unit_choices(self) -> list[tuple[str, str]]:
        """Lead units with how many clauses each leads, most first: '区发改委（12）' → '区发改委'."""
        return [(f"{unit}（{n}）", unit) for unit, n in self.service.lead_unit_counts().items()]

    def meta(self, doc_id: str):
        return next(m for m in self.service.documents() if m.doc_id == doc_id)

    def panel_for(self, clause_id: str, quote: str = "", label: str = "") -> str:
        doc_id = doc_id_of(clause_id)
        view = render.clause_view(self.service.clauses(doc_id), clause_id, self.meta(doc_id), quote=quote)
        return render.clause_panel_html(view, label=label)

    # --- chat ---------------------------------------------------------------------------------
    def ask(self, question, chat, turns, doc_ids, issuers, lead_units, date_from, date_to, top_k, mode, conversation=""):
        """Streams the answer into the chat and stores the turn in the open conversation (a new one
        on a chat's first question); yields (question box, chat, turns, conversation id).

        The question leaves the box as it enters the chat, and later updates leave the box as it is
        (KEEP_BOX): what the user types while the answer streams is the next question, not erased."""
        question = (question or "").strip()
        if not question:
            yield KEEP_BOX, chat, turns, conversation
            return
        chat = chat + [{"role": "user", "content": question},
                       {"role": "assistant", "content": render.streaming_html("", self.running_backend(mode))}]
        yield "", chat, turns, conversation
        try:
            filters = make_filters(doc_ids, issuers, date_from, date_to, lead_units)
            answer, written = None, ""
            for event in self.service.ask_stream(question, history=turns, k=int(top_k), filters=filters, mode=mode):
                if isinstance(event, Answer):
                    answer = event
                else:
                    written += event
                    chat[-1] = {"role": "assistant", "content": render.streaming_html(written, self.running_backend(mode))}
                    yield KEEP_BOX, chat, turns, conversation
        except NoMatchingDocuments:
            chat[-1] = {"role": "assistant", "content": self.history.no_match(filters)}
            yield question, chat, turns, conversation  # the question goes back in the box, to resend
            return
        except PolicyQAError as exc:
            chat[-1] = {"role": "assistant", "content": render.error_html(exc.user_text())}
            yield question, chat, turns, conversation  # the question goes back in the box to be fixed and resent
            return
        turns = [*turns, answer]
        conversation = self.history.record(conversation, answer, filters, mode)
        chat[-1] = {"role": "assistant", "content": self.history.message(answer, len(turns) - 1, filters)}
        yield KEEP_BOX, chat, turns, conversation

    def running_backend(self, mode: str) -> str:
        return self.settings.llm_model if mode != "offline" and self.settings.llm_configured else "offline"

    def open_link(self, turns, key: str) -> str:
        target = render.parse_link(key)
        if target is None:
            return render.clause_panel_html(None)
        if target.clause_id:
            return self.panel_for(target.clause_id)
        if not 0 <= target.turn < len(turns):
            return render.clause_panel_html(None)
        citation = next((c for c in turns[target.turn].citations if c.n == target.n), None)
        if citation is None:
            return render.clause_panel_html(None)
        return self.panel_for(citation.clause_id, quote=citation.quote, label=f"[{citation.n}] 引用条款")

    def export(self, turns, scope: str, fmt: str) -> str:
        if not turns:
            raise BadQuestion("还没有可导出的回答。", hint="先提一个问题。")
        answers = turns[-1:] if scope == "current" else turns
        documents = {m.doc_id: m for m in self.service.documents()}
        return str(write_memo(answers, EXPORT_DIR, fmt, documents))

    # --- compare and upload ------------------------------------------------------------------
    def compare(self, question: str, doc_ids) -> str:
        comparison = compare_documents(self.service, question, doc_ids or [d for _, d in self.document_choices()])
        return render.comparison_html(comparison)

    def preview(self, path):
        if not path:
            return render.upload_preview_html(None), None
        known = {m.doc_id for m in self.service.documents()}
        staged = preview_upload(self.settings, Path(path), known)
        return render.upload_preview_html(staged), staged

    def add(self, staged, title: str, issuer: str, date: str, progress=None):
        """Index a previewed upload; `progress(stage, done, total)` follows the build."""
        meta = add_upload(self.service, staged, title=title, issuer=issuer, date=date, progress=progress)
        return f"已加入：《{meta.title}》（{meta.doc_id}），现在可以提问，也可在筛选中选择它。", None
