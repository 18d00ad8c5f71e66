"""The web UI and the HTTP API, served together: `python app.py`. The entry point only.

  qa/web/callbacks.py  ChatApp: what each callback does, calling PolicyQA (qa/service.py) and
                       formatting with qa/web/render.py; no gradio.
  qa/web/layout.py     the page (components, events, theme) and serving it; the only module
                       that imports gradio.
  qa/api/              the HTTP API under /api (FastAPI, docs at /docs); layout.serve mounts the
                       page at / on it, so one process and one index serve both.

gradio is imported (with qa.web.layout) inside `main`, after PolicyQA has run
qa.offline.prepare_offline, so analytics are off before gradio loads.
"""

from rich.console import Console

from qa.core.errors import PolicyQAError
from qa.service import PolicyQA
from qa.settings import load_settings
from qa.web.callbacks import ChatApp, ensure_index


def main() -> None:
    console = Console()
    try:
        settings = load_settings()  # refuses half-configured sign-in or malformed API keys
        service = PolicyQA(settings)  # runs prepare_offline: analytics off before gradio is imported
        ensure_index(service, console)
    except PolicyQAError as exc:
        console.print(f"[bold red]Error:[/] {exc.user_text()}")
        raise SystemExit(1) from exc
    from qa.api.app import create_api
    from qa.web import layout  # imports gradio: only now, after prepare_offline

    layout.serve(ChatApp(service), settings, api=create_api(service))


if __name__ == "__main__":
    main()
