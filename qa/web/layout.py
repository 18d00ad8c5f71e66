"""The Gradio page: its components, the events that call ChatApp (qa/web/callbacks.py), its theme,
and serving it. The only module that imports gradio.

Importing this module imports gradio, which reads its analytics switches at import time: import it
only after PolicyQA(settings) has run qa.offline.prepare_offline (app.main does).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import gradio as gr

from qa.core.errors import PolicyQAError
from qa.library import UPLOAD_TYPES
from qa.settings import Settings
from qa.web import render
from qa.web.callbacks import COMPARE_EXAMPLE, EXAMPLES, KEEP_BOX, ChatApp
from qa.web.history import STORAGE_KEY, Opened, remembered

CONCURRENCY = 4  # answers computed at once; the rest wait in gradio's queue
SYSTEM_FONTS = ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "system-ui", "sans-serif")

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
# Deleting a saved conversation asks first; not confirmed, the server is sent no selection.
CONFIRM_DELETE = "(selected, current) => [selected && confirm('删除这个已保存的对话？删除后无法恢复。') ? selected : null, current]"


@dataclass(frozen=True)
class HistoryBox:
    pick: gr.Dropdown  # the saved conversations; choosing one reopens it
    delete: gr.Button


@dataclass(frozen=True)
class ChatTab:
    doc_filter: gr.Dropdown
    issuer_filter: gr.Dropdown
    lead_filter: gr.Dropdown
    date_from: gr.Textbox
    date_to: gr.Textbox
    top_k: gr.Slider
    mode: gr.Radio
    chat: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button
    scope: gr.Radio
    export_md: gr.Button
    export_docx: gr.Button
    export_file: gr.File
    history: HistoryBox


@dataclass(frozen=True)
class CompareTab:
    question: gr.Textbox
    docs: gr.Dropdown
    button: gr.Button
    out: gr.HTML


@dataclass(frozen=True)
class UploadTab:
    file: gr.File
    preview: gr.HTML
    title: gr.Textbox
    issuer: gr.Textbox
    date: gr.Textbox
    button: gr.Button
    status: gr.Markdown


@dataclass(frozen=True)
class Page:
    """Everything the events read or write: the session state, the three tabs and the clause panel."""
    turns: gr.State  # the session's Answers, one per chat turn
    staged: gr.State  # the upload previewed but not yet added
    chat: ChatTab
    compare: CompareTab
    upload: UploadTab
    panel: gr.HTML
    conversation: gr.State  # the id of the saved conversation the chat is in, "" before its first answer
    remembered: gr.BrowserState  # {"id": that id}, kept by the browser so a reload reopens it


def build_ui(app: ChatApp) -> gr.Blocks:
    docs = app.document_choices()
    with gr.Blocks(title="policyqa 政策文件问答", fill_width=True) as demo:
        turns = gr.State([])
        staged = gr.State(None)
        conversation = gr.State("")
        kept = gr.BrowserState(remembered(""), storage_key=STORAGE_KEY, secret=app.history.browser_secret())
        gr.Markdown(f"## policyqa 政策文件问答\n{app.backend_status()}", elem_id="pq-header")
        with gr.Row():
            with gr.Column(scale=3):
                with gr.Tabs():
                    chat = _chat_tab(app, docs)
                    compare = _compare_tab(docs)
                    upload = _upload_tab(app)
            with gr.Column(scale=2):
                panel = gr.HTML(render.clause_panel_html(None), js_on_load=LINK_HANDLER, elem_id="pq-panel")
        page = Page(turns, staged, chat, compare, upload, panel, conversation, kept)
        _wire_chat(app, page)
        _wire_history(app, page, demo)
        _wire_tools(app, page)
    return demo


def _chat_tab(app: ChatApp, docs: list[tuple[str, str]]) -> ChatTab:
    modes = app.mode_choices()
    with gr.Tab("问答", id="chat"):
        with gr.Accordion("筛选与设置", open=False):
            with gr.Row():
                doc_filter = gr.Dropdown(docs, multiselect=True, label="文件", scale=3, elem_id="pq-doc-filter")
                issuer_filter = gr.Dropdown(app.issuer_choices(), multiselect=True, label="发文机关", scale=2)
                lead_filter = gr.Dropdown(app.lead_unit_choices(), multiselect=True, label="牵头单位", scale=2,
                                          elem_id="pq-lead-filter")
            with gr.Row():
                date_from = gr.Textbox(label="起始日期", placeholder="如 2020 或 2020-07-01")
                date_to = gr.Textbox(label="截止日期", placeholder="如 2023-12-31")
                top_k = gr.Slider(1, 20, value=app.settings.top_k, step=1, label="检索条款数 (top-k)")
                mode = gr.Radio(modes, value="auto", label="回答方式")
        with gr.Accordion("历史对话", open=False, elem_id="pq-history"):
            with gr.Row():
                # custom values pass: deleting a choice from a list gone stale (deleted in another tab)
                # reaches the handler, instead of failing gradio's check against the choices
                pick = gr.Dropdown(app.history.choices(), value=None, label="已保存的对话（选择即打开）", scale=5,
                                   allow_custom_value=True, elem_id="pq-history-list")
                delete = gr.Button("删除所选对话", scale=1, elem_id="pq-history-delete")
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
    return ChatTab(doc_filter, issuer_filter, lead_filter, date_from, date_to, top_k, mode, chat, question, send, clear,
                   scope, export_md, export_docx, export_file, HistoryBox(pick, delete))


def _compare_tab(docs: list[tuple[str, str]]) -> CompareTab:
    with gr.Tab("跨文件比较", id="compare"):
        question = gr.Textbox(value=COMPARE_EXAMPLE, label="比较的问题", elem_id="pq-compare-q")
        docs_box = gr.Dropdown(docs, multiselect=True, label="参与比较的文件（不选即全部）")
        button = gr.Button("比较", variant="primary", elem_id="pq-compare-btn")
        out = gr.HTML(elem_id="pq-compare-out")
    return CompareTab(question, docs_box, button, out)


def _upload_tab(app: ChatApp) -> UploadTab:
    with gr.Tab("添加文件", id="upload"):
        file = gr.File(label=f"上传文件（{' '.join(UPLOAD_TYPES)}，不超过 {app.settings.max_upload_mb} MB）",
                       file_types=list(UPLOAD_TYPES), type="filepath", elem_id="pq-upload")
        preview = gr.HTML(render.upload_preview_html(None), elem_id="pq-upload-preview")
        with gr.Row():
            title = gr.Textbox(label="标题（可改）", elem_id="pq-upload-title")
            issuer = gr.Textbox(label="发文机关（可填）", elem_id="pq-upload-issuer")
            date = gr.Textbox(label="日期（可填，如 2024-01-31）", elem_id="pq-upload-date")
        button = gr.Button("加入文件库并建立索引", variant="primary", elem_id="pq-add")
        status = gr.Markdown(elem_id="pq-add-status")
    return UploadTab(file, preview, title, issuer, date, button, status)


def _guarded(fn):
    """PolicyQAError becomes a visible message; the inputs are left as they were."""
    def call(*args):
        try:
            return fn(*args)
        except PolicyQAError as exc:
            raise gr.Error(exc.user_text()) from exc
    return call


def _keeping_the_box(ask):
    """ChatApp.ask with its KEEP_BOX question-box value turned into gr.skip()."""
    @functools.wraps(ask)
    def call(*args):
        for box, *rest in ask(*args):
            yield (gr.skip() if box is KEEP_BOX else box, *rest)
    return call


def _choice_updates(app: ChatApp):
    """New choices for the two document dropdowns (chat filter, compare), the issuer and lead-unit filters."""
    choices = app.document_choices()
    return (gr.Dropdown(choices=choices), gr.Dropdown(choices=choices), gr.Dropdown(choices=app.issuer_choices()),
            gr.Dropdown(choices=app.lead_unit_choices()))


def _history_update(app: ChatApp, current: str) -> gr.Dropdown:
    """The saved conversations, fresh, with the open one selected."""
    return gr.Dropdown(choices=app.history.choices(), value=current or None)


def _wire_chat(app: ChatApp, page: Page) -> None:
    """Asking (box, button, examples) and saving the turn, clearing (a new conversation; the old one
    stays saved), and opening a clause in the panel."""
    c, turns, panel, conv = page.chat, page.turns, page.panel, page.conversation
    chat_inputs = [c.question, c.chat, turns, c.doc_filter, c.issuer_filter, c.lead_filter, c.date_from, c.date_to, c.top_k, c.mode,
                   conv]
    chat_outputs = [c.question, c.chat, turns, conv]
    def remember(conversation_id):
        return remembered(conversation_id), _history_update(app, conversation_id)
    kept = dict(fn=remember, inputs=[conv], outputs=[page.remembered, c.history.pick], api_name=False)
    ask = _keeping_the_box(app.ask)
    # A question sent while an answer streams waits for it (always_last) instead of being dropped
    # (gradio's default, once): the box is empty from the moment a question is taken, so a second
    # Enter on the same question is a no-op, and a new one typed meanwhile is asked next.
    c.question.submit(ask, chat_inputs, chat_outputs, api_name="ask", trigger_mode="always_last").then(**kept)
    c.send.click(ask, chat_inputs, chat_outputs, api_name=False, trigger_mode="always_last").then(**kept)
    def fill_example(evt: gr.SelectData):
        return evt.value["text"]
    c.chat.example_select(fill_example, None, c.question, api_name=False).then(
        ask, chat_inputs, chat_outputs, api_name=False).then(**kept)
    def reset():
        return [], [], "", render.clause_panel_html(None), "", remembered(""), _history_update(app, "")
    reset_outputs = [c.chat, turns, c.question, panel, conv, page.remembered, c.history.pick]
    c.clear.click(reset, None, reset_outputs, api_name=False)
    c.chat.clear(reset, None, reset_outputs, api_name=False)
    def show_link(answers, evt: gr.EventData):
        return app.open_link(answers, evt.pq_key)
    panel.click(show_link, [turns], panel, api_name=False)


def _opened_outputs(page: Page) -> list:
    c = page.chat
    return [c.chat, page.turns, page.conversation, page.remembered, c.history.pick, page.panel,
            c.doc_filter, c.issuer_filter, c.lead_filter, c.date_from, c.date_to, c.mode]


def _opened_updates(app: ChatApp, opened: Opened) -> tuple:
    """A saved conversation in the chat (values for _opened_outputs), under its last turn's filters."""
    f = opened.filters
    return (opened.chat, opened.turns, opened.conversation_id, opened.remembered,
            _history_update(app, opened.conversation_id), render.clause_panel_html(None),
            gr.Dropdown(choices=app.document_choices(), value=list(f.doc_ids)),
            gr.Dropdown(choices=app.issuer_choices(), value=list(f.issuers)),
            gr.Dropdown(choices=app.lead_unit_choices(), value=list(f.lead_units)), f.date_from, f.date_to, opened.mode)


def _wire_history(app: ChatApp, page: Page, demo: gr.Blocks) -> None:
    """Reopening a saved conversation (chosen in the list, or the one the browser remembers when the
    page loads) and deleting one. Handlers return {component: value}: outputs left out stay as they are."""
    c, opened_outputs = page.chat, _opened_outputs(page)
    def reopen(evt: gr.SelectData):  # on a choice only: `input` also fires each time the list loses focus
        try:
            return dict(zip(opened_outputs, _opened_updates(app, app.history.open(evt.value))))
        except PolicyQAError as exc:
            gr.Warning(exc.user_text())
            return {c.history.pick: _history_update(app, "")}
    c.history.pick.select(reopen, None, opened_outputs, api_name=False)

    def delete(selected, current):
        if not selected:  # nothing chosen, or the deletion not confirmed
            return gr.skip()
        if not app.history.delete(selected, current):
            return {c.history.pick: _history_update(app, current)}
        return {c.history.pick: _history_update(app, ""), c.chat: [], page.turns: [], page.conversation: "",
                page.remembered: remembered(""), page.panel: render.clause_panel_html(None)}
    c.history.delete.click(delete, [c.history.pick, page.conversation],
                           [c.history.pick, c.chat, page.turns, page.conversation, page.remembered, page.panel],
                           js=CONFIRM_DELETE, api_name=False)

    def on_load(kept):
        """Fresh choices for the document and issuer filters, compare and the saved list; and the
        conversation the browser remembers, reopened (with none, the chat is left alone)."""
        choices = app.document_choices()
        updates = {page.compare.docs: gr.Dropdown(choices=choices), c.doc_filter: gr.Dropdown(choices=choices),
                   c.issuer_filter: gr.Dropdown(choices=app.issuer_choices()),
                   c.lead_filter: gr.Dropdown(choices=app.lead_unit_choices()), c.history.pick: _history_update(app, "")}
        opened = app.history.restore(kept)
        if opened is not None:
            updates.update(zip(opened_outputs, _opened_updates(app, opened)))
        return updates
    demo.load(on_load, [page.remembered], [page.compare.docs, *opened_outputs], api_name=False)


def _wire_tools(app: ChatApp, page: Page) -> None:
    """Exporting a memo, comparing documents, and previewing then adding an upload."""
    c, compare, up, turns = page.chat, page.compare, page.upload, page.turns
    c.export_md.click(_guarded(lambda t, s: app.export(t, s, "md")), [turns, c.scope], c.export_file,
                      api_name="export_md")
    c.export_docx.click(_guarded(lambda t, s: app.export(t, s, "docx")), [turns, c.scope], c.export_file,
                        api_name="export_docx")
    compare.button.click(_guarded(app.compare), [compare.question, compare.docs], compare.out, api_name="compare")

    def on_upload(path):
        html, stage = _guarded(app.preview)(path)
        meta = stage.parsed.document.meta if stage and stage.parsed else None
        return html, stage, *((meta.title, meta.issuer, meta.date) if meta else ("", "", ""))
    up.file.change(on_upload, up.file, [up.preview, page.staged, up.title, up.issuer, up.date], api_name=False)

    def on_add(stage, title, issuer, date, progress=gr.Progress()):
        stages = {"read": "读取文件", "embed": "计算向量", "sentences": "计算句向量", "store": "写入索引"}
        def report(stage, done, total):
            progress((done, total), desc=stages.get(stage, stage))
        message, cleared = _guarded(app.add)(stage, title, issuer, date, report)
        return message, cleared, None, *_choice_updates(app)
    up.button.click(on_add, [page.staged, up.title, up.issuer, up.date],
                    [up.status, page.staged, up.file, c.doc_filter, compare.docs, c.issuer_filter, c.lead_filter],
                    api_name="add_document", concurrency_limit=1, concurrency_id="index-write")


def theme() -> gr.themes.Base:
    # System fonts with CJK coverage, named only: no font files to serve, and no GoogleFont,
    # whose stylesheet would send the browser to fonts.googleapis.com.
    fonts = [gr.themes.Font(name) for name in SYSTEM_FONTS[:-2]] + list(SYSTEM_FONTS[-2:])
    return gr.themes.Default(font=fonts, font_mono=["ui-monospace", "monospace"])


def serve(app: ChatApp, settings: Settings, api=None) -> None:
    """Build the page, mount it at / on `api` (the FastAPI app of qa/api: its /api routes and
    /docs, added first, keep precedence) and serve both from one uvicorn process until interrupted."""
    import uvicorn
    from fastapi import FastAPI

    demo = build_ui(app).queue(default_concurrency_limit=CONCURRENCY)
    password = settings.auth_password.get_secret_value() if settings.auth_password else ""
    server = gr.mount_gradio_app(
        api or FastAPI(docs_url=None, redoc_url=None, openapi_url=None), demo, path="/",
        server_name=settings.server_name,
        server_port=settings.server_port,
        auth=(settings.auth_user.strip(), password) if settings.auth_enabled else None,
        max_file_size=f"{settings.max_upload_mb}mb",
        theme=theme(),
        css=render.CSS,
        ssr_mode=False,
        show_error=True,
    )
    print(f"policyqa: http://{settings.server_name}:{settings.server_port}/  (HTTP API docs: /docs)", flush=True)
    uvicorn.run(server, host=settings.server_name, port=settings.server_port, log_level="warning",
                timeout_graceful_shutdown=5)
