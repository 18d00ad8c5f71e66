"""The HTTP API face (FastAPI): qa/api/app.py builds it, qa/web/layout.py serves it beside the web UI.

  app.py        create_api: the routes under /api and docs at /docs; API keys and the body size limit
  answers.py    ask (JSON or Server-Sent Events), retrieve, compare
  resources.py  what the server keeps: the document library, saved conversations, memo export
  schemas.py    request bodies (pydantic: the untrusted edge) → the project's frozen types → response JSON
  errors.py     every failure as {"error": {code, message, hint}}, never a traceback
"""
