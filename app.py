"""The Gradio chat UI: `python app.py`. The only module that imports gradio.

Callbacks call PolicyQA (qa/service.py) and the qa/ helpers, and format what they return
with qa/render.py; nothing else happens here. gradio is imported inside `build_ui`, after
PolicyQA has run qa.offline.prepare_offline, so analytics are off before gradio loads.
"""

import calendar
import re
import tempfile
from datetime import date
from pathlib import Path

from rich.console import Console

from qa.core.errors import BadQuestion, IndexNotBuilt, PolicyQAError
from qa.web import render
from qa.compare import compare_documents
from qa.memo import write_memo
from qa.service import PolicyQA
from qa.settings import Settings, load_settings
from qa.core.types import Answer, Filters
from qa.library import UPLOAD_TYPES, add_upload, preview_upload

CONCURRENCY = 4  # answers computed at once; the rest wait in gradio's queue
EXPORT_DIR = Path(tempfile.gettempdir()) / "policyqa-exports"  # gradio may serve files from tempdir
EXAMPLES = ("渝中区到2027年地区生产总值目标是多少？", "成德眉资同城化有哪些举措？", "天府新区成都片区面积多大？")
COMPARE_EXAMPLE = "各文件对成德眉资同城化的提法"
SYSTEM_FONTS = ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "system-ui", "sans-serif")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

# Any link to "#pq:…" (a [n] marker, a reference, a clause in a table) opens the clause panel:
# the panel's own click event carries the link's key to the server.
LINK_HANDLER = """
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href^="#pq:"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  trigger('click', {pq_key: link.getAttribute('href').slice(4)});
}, true);
"""


def date_bound(value: str, upper: bool) -> str:
    """'2020' → '2020-01-01', or '2020-12-31' as an upper bound; '2021-02' → '2021-02-28'; '' stays ''."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        parts = [int(p) for p in value.split("-")]
        year, month = parts[0], parts[1] if len(parts) > 1 else (12 if upper else 1)
        day = parts[2] if len(parts) > 2 else (calendar.monthrange(year, month)[1] if upper else 1)
        return date(year, month, day).isoformat()
    except ValueError:
        raise BadQuestion(f"日期“{value}”格式不对。", hint="请写成 2020、2020-07 或 2020-07-15。") from None


def make_filters(doc_ids, issuers, date_from: str, date_to: str) -> Filters:
    return Filters(doc_ids=tuple(doc_ids or ()), issuers=tuple(issuers or ()),
                   date_from=date_bound(date_from, upper=False), date_to=date_bound(date_to, upper=True))


def ensure_index(service: PolicyQA, console: Console) -> None:
    """On a fresh clone there is no index yet: build it (with progress) before serving."""
    try:
        service.documents()
    except IndexNotBuilt:
        console.print("[bold]首次启动：正在为文件库建立索引…[/]")
        report = service.build_index(progress=True)
        console.print(f"索引完成：{report.documents} 份文件，{report.clauses} 条条款，用时 {report.seconds:.1f} 秒。")


class ChatApp:
    def __init__(self, service: PolicyQA) -> None:
        self.service = service
        self.settings: Settings = service.settings

    # --- helpers the callbacks share ----------------------------------------------------------
    def backend_status(self) -> str:
        s = self.settings
        if s.llm_configured:
            return f"回答方式：自动（模型 {s.llm_model}，失败时改用离线回答）"
        return "回答方式：离线抽取式（未配置模型；设置 OPENAI_API_KEY / OPENAI_BASE_URL 可启用）"

    def document_choices(self) -> list[tuple[str, str]]:
        return [(m.short_title or m.title, m.doc_id) for m in self.service.documents()]

    def issuer_choices(self) -> list[str]:
        return sorted({m.issuer for m in self.service.documents() if m.issuer})

    def meta(self, doc_id: str):
        return next(m for m in self.service.documents() if m.doc_id == doc_id)

    def panel_for(self, clause_id: str, quote: str = "", label: str = "") -> str:
        doc_id = clause_id.split(":", 1)[0]
        view = render.clause_view(self.service.clauses(doc_id), clause_id, self.meta(doc_id), quote=quote)
        return render.clause_panel_html(view, label=label)

    # --- chat ---------------------------------------------------------------------------------
    def ask(self, question, chat, turns, doc_ids, issuers, date_from, date_to, top_k, mode):
        """Streams the answer into the chat; yields (question box, chat, turns)."""
        question = (question or "").strip()
        if not question:
            yield "", chat, turns
            return
        chat = chat + [{"role": "user", "content": question},
                       {"role": "assistant", "content": render.streaming_html("", self.running_backend(mode))}]
        yield question, chat, turns
        try:
            filters = make_filters(doc_ids, issuers, date_from, date_to)
            answer, written = None, ""
            for event in self.service.ask_stream(question, history=turns, k=int(top_k), filters=filters, mode=mode):
                if isinstance(event, Answer):
                    answer = event
                else:
                    written += event
                    chat[-1] = {"role": "assistant", "content": render.streaming_html(written, self.running_backend(mode))}
                    yield question, chat, turns
        except PolicyQAError as exc:
            chat[-1] = {"role": "assistant", "content": render.error_html(exc.user_text())}
            yield question, chat, turns  # the question stays in the box to be fixed and resent
            return
        turns = turns + [answer]
        chat[-1] = {"role": "assistant", "content": render.answer_html(answer, len(turns) - 1)}
        yield "", chat, turns

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
        meta = add_upload(self.service, staged, title=title, issuer=issuer, date=date, progress=progress or False)
        return f"已加入：《{meta.title}》（{meta.doc_id}），现在可以提问，也可在筛选中选择它。", None


def build_ui(app: ChatApp):
    import gradio as gr

    def guarded(fn):
        """PolicyQAError becomes a visible message; the inputs are left as they were."""
        def call(*args):
            try:
                return fn(*args)
            except PolicyQAError as exc:
                raise gr.Error(exc.user_text()) from exc
        return call

    docs = app.document_choices()
    modes = [("自动", "auto"), ("离线", "offline")] + ([("模型", "llm")] if app.settings.llm_configured else [])
    with gr.Blocks(title="policyqa 政策文件问答", fill_width=True) as demo:
        turns = gr.State([])
        staged = gr.State(None)
        gr.Markdown(f"## policyqa 政策文件问答\n{app.backend_status()}", elem_id="pq-header")
        with gr.Row():
            with gr.Column(scale=3):
                with gr.Tabs():
                    with gr.Tab("问答", id="chat"):
                        with gr.Accordion("筛选与设置", open=False):
                            with gr.Row():
                                doc_filter = gr.Dropdown(docs, multiselect=True, label="文件", scale=3, elem_id="pq-doc-filter")
                                issuer_filter = gr.Dropdown(app.issuer_choices(), multiselect=True, label="发文机关", scale=2)
                            with gr.Row():
                                date_from = gr.Textbox(label="起始日期", placeholder="如 2020 或 2020-07-01")
                                date_to = gr.Textbox(label="截止日期", placeholder="如 2023-12-31")
                                top_k = gr.Slider(1, 20, value=app.settings.top_k, step=1, label="检索条款数 (top-k)")
                                mode = gr.Radio(modes, value="auto", label="回答方式")
                        chat = gr.Chatbot(label="对话", height=560, elem_id="pq-chat", buttons=["copy"],
                                          examples=[{"text": q} for q in EXAMPLES], feedback_options=None)
                        with gr.Row():
                            question = gr.Textbox(placeholder="输入问题，按回车发送", show_label=False, scale=5,
                                                  max_length=app.settings.max_question_chars, elem_id="pq-question")
                            send = gr.Button("发送", variant="primary", scale=1, elem_id="pq-send")
                            clear = gr.Button("清空对话", scale=1, elem_id="pq-clear")
                        with gr.Accordion("导出备忘录", open=False, elem_id="pq-export"):
                            with gr.Row():
                                scope = gr.Radio([("当前回答", "current"), ("整个对话", "all")], value="current", label="范围")
                                export_md = gr.Button("导出 Markdown", elem_id="pq-export-md")
                                export_docx = gr.Button("导出 Word (DOCX)", elem_id="pq-export-docx")
                            export_file = gr.File(label="备忘录文件", interactive=False, elem_id="pq-export-file")
                    with gr.Tab("跨文件比较", id="compare"):
                        compare_q = gr.Textbox(value=COMPARE_EXAMPLE, label="比较的问题", elem_id="pq-compare-q")
                        compare_docs = gr.Dropdown(docs, multiselect=True, label="参与比较的文件（不选即全部）")
                        compare_btn = gr.Button("比较", variant="primary", elem_id="pq-compare-btn")
                        compare_out = gr.HTML(elem_id="pq-compare-out")
                    with gr.Tab("添加文件", id="upload"):
                        upload = gr.File(label=f"上传文件（{' '.join(UPLOAD_TYPES)}，不超过 {app.settings.max_upload_mb} MB）",
                                         file_types=list(UPLOAD_TYPES), type="filepath", elem_id="pq-upload")
                        upload_preview = gr.HTML(render.upload_preview_html(None), elem_id="pq-upload-preview")
                        with gr.Row():
                            up_title = gr.Textbox(label="标题（可改）", elem_id="pq-upload-title")
                            up_issuer = gr.Textbox(label="发文机关（可填）", elem_id="pq-upload-issuer")
                            up_date = gr.Textbox(label="日期（可填，如 2024-01-31）", elem_id="pq-upload-date")
                        add_btn = gr.Button("加入文件库并建立索引", variant="primary", elem_id="pq-add")
                        add_status = gr.Markdown(elem_id="pq-add-status")
            with gr.Column(scale=2):
                panel = gr.HTML(render.clause_panel_html(None), js_on_load=LINK_HANDLER, elem_id="pq-panel")

        chat_inputs = [question, chat, turns, doc_filter, issuer_filter, date_from, date_to, top_k, mode]
        question.submit(app.ask, chat_inputs, [question, chat, turns], api_name="ask")
        send.click(app.ask, chat_inputs, [question, chat, turns], api_name=False)
        def fill_example(evt: gr.SelectData):
            return evt.value["text"]
        chat.example_select(fill_example, None, question, api_name=False).then(
            app.ask, chat_inputs, [question, chat, turns], api_name=False)
        def reset():
            return [], [], "", render.clause_panel_html(None)
        clear.click(reset, None, [chat, turns, question, panel], api_name=False)
        chat.clear(reset, None, [chat, turns, question, panel], api_name=False)
        def show_link(answers, evt: gr.EventData):
            return app.open_link(answers, evt.pq_key)
        panel.click(show_link, [turns], panel, api_name=False)
        export_md.click(guarded(lambda t, s: app.export(t, s, "md")), [turns, scope], export_file, api_name="export_md")
        export_docx.click(guarded(lambda t, s: app.export(t, s, "docx")), [turns, scope], export_file,
                          api_name="export_docx")
        compare_btn.click(guarded(app.compare), [compare_q, compare_docs], compare_out, api_name="compare")

        def on_upload(path):
            html, stage = guarded(app.preview)(path)
            meta = stage.parsed.document.meta if stage and stage.parsed else None
            return html, stage, *((meta.title, meta.issuer, meta.date) if meta else ("", "", ""))
        upload.change(on_upload, upload, [upload_preview, staged, up_title, up_issuer, up_date], api_name=False)

        def on_add(stage, title, issuer, date, progress=gr.Progress()):
            stages = {"read": "读取文件", "embed": "计算向量", "store": "写入索引"}
            def report(stage, done, total):
                progress((done, total), desc=stages.get(stage, stage))
            message, cleared = guarded(app.add)(stage, title, issuer, date, report)
            choices = app.document_choices()
            return (message, cleared, None, gr.Dropdown(choices=choices), gr.Dropdown(choices=choices),
                    gr.Dropdown(choices=app.issuer_choices()))
        add_btn.click(on_add, [staged, up_title, up_issuer, up_date],
                      [add_status, staged, upload, doc_filter, compare_docs, issuer_filter],
                      api_name="add_document", concurrency_limit=1, concurrency_id="index-write")

        def refresh_choices():
            choices = app.document_choices()
            return gr.Dropdown(choices=choices), gr.Dropdown(choices=choices), gr.Dropdown(choices=app.issuer_choices())
        demo.load(refresh_choices, None, [doc_filter, compare_docs, issuer_filter], api_name=False)
    return demo


def theme():
    import gradio as gr

    # System fonts with CJK coverage, named only: no font files to serve, and no GoogleFont,
    # whose stylesheet would send the browser to fonts.googleapis.com.
    fonts = [gr.themes.Font(name) for name in SYSTEM_FONTS[:-2]] + list(SYSTEM_FONTS[-2:])
    return gr.themes.Default(font=fonts, font_mono=["ui-monospace", "monospace"])


def main() -> None:
    console = Console()
    settings = load_settings()
    service = PolicyQA(settings)  # runs prepare_offline: analytics off before gradio is imported
    try:
        ensure_index(service, console)
    except PolicyQAError as exc:
        console.print(f"[bold red]Error:[/] {exc.user_text()}")
        raise SystemExit(1) from exc
    demo = build_ui(ChatApp(service))
    password = settings.auth_password.get_secret_value() if settings.auth_password else ""
    demo.queue(default_concurrency_limit=CONCURRENCY).launch(
        server_name=settings.server_name,
        server_port=settings.server_port,
        auth=(settings.auth_user, password) if settings.auth_user else None,
        max_file_size=f"{settings.max_upload_mb}mb",
        theme=theme(),
        css=render.CSS,
        ssr_mode=False,
        show_error=True,
    )


if __name__ == "__main__":
    main()
