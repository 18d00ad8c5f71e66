"""The LLM answerer: any OpenAI-compatible chat endpoint through langchain-openai.

The only module that imports openai / langchain_openai. Retries with back-off on 429, 5xx,
connection errors and timeouts are the openai client's own (max_retries from the settings;
it honours Retry-After). Whatever still goes wrong — the endpoint down, a timeout after the
last retry, a body that is not JSON, an empty reply — leaves here as one LLMError naming the
endpoint, which the chain turns into the offline answer plus a notice.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import openai
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableLambda
from langchain_openai import ChatOpenAI

from qa.core.errors import ConfigError, LLMError

# Local servers (vLLM, Ollama, llama.cpp) accept any key; the client refuses to start without one.
_PLACEHOLDER_KEY = "not-needed"
_DEFAULT_ENDPOINT = "https://api.openai.com/v1"


class LLMAnswerer:
    """Sends a chat prompt and returns (or streams) the model's text."""

    def __init__(self, model: str, base_url: str = "", api_key: str = "", temperature: float = 0.0,
                 timeout: float = 60.0, max_retries: int = 2) -> None:
        """Built by the service from the settings; the client itself connects on first use."""
        if not model.strip():  # settings refuse this at startup; a hand-built answerer must too
            raise ConfigError(f"No model is named for the LLM at {base_url or _DEFAULT_ENDPOINT}.",
                              hint="Set POLICYQA_LLM_MODEL (or OPENAI_MODEL) to a model that endpoint serves.")
        self.model = model
        self.endpoint = base_url or _DEFAULT_ENDPOINT
        self.chat = ChatOpenAI(
            model=model,
            base_url=base_url or None,
            api_key=api_key or _PLACEHOLDER_KEY,
            temperature=temperature,
            timeout=timeout,
            max_retries=max_retries,
        )

    @property
    def where(self) -> str:
        parts = urlsplit(self.endpoint)
        return f"{self.model} at {parts.scheme}://{parts.netloc}"

    def complete(self, messages: list[BaseMessage]) -> str:
        try:
            reply = self.chat.invoke(messages)
        except Exception as exc:  # noqa: BLE001 — narrowed and re-raised by _failure
            raise self._failure(exc) from exc
        return self._require_text(reply.content)

    def stream(self, messages: list[BaseMessage]) -> Iterator[str]:
        """Text deltas as they arrive; raises LLMError (possibly after some deltas) on failure."""
        received = False
        try:
            for chunk in self.chat.stream(messages):
                text = _text(chunk.content)
                if text:
                    received = True
                    yield text
        except Exception as exc:  # noqa: BLE001 — narrowed and re-raised by _failure
            raise self._failure(exc) from exc
        if not received:
            raise LLMError(f"The model {self.where} returned an empty answer.")

    def as_runnable(self) -> RunnableLambda:
        """The answerer as a chain step: chat messages in, answer text out."""
        return RunnableLambda(self.complete, name="llm_answer")

    def _require_text(self, content: object) -> str:
        text = _text(content).strip()
        if not text:
            raise LLMError(f"The model {self.where} returned an empty answer.")
        return text

    def _failure(self, exc: Exception) -> LLMError:
        """An LLMError that says what happened, for the user-facing notice."""
        if isinstance(exc, LLMError):
            return exc
        retried = True
        if isinstance(exc, openai.APITimeoutError):
            reason = f"timed out after {self.chat.request_timeout:g} s"
        elif isinstance(exc, openai.APIStatusError):
            said = _server_message(exc)
            reason = f"answered HTTP {exc.status_code}" + (f" ({said})" if said else "")
            retried = exc.status_code in (408, 409, 429) or exc.status_code >= 500
        elif isinstance(exc, openai.APIConnectionError):
            reason = "could not be reached"
        elif isinstance(exc, (json.JSONDecodeError, openai.APIResponseValidationError)):
            reason, retried = "returned a malformed response", False
        elif isinstance(exc, (openai.OpenAIError, httpx.HTTPError, ValueError, KeyError, TypeError)):
            reason, retried = f"failed ({type(exc).__name__}: {str(exc)[:200]})", False
        else:
            raise exc  # a programming error here must surface, not read as an LLM outage
        retries = self.chat.max_retries or 0
        suffix = f" (after {retries} retr{'y' if retries == 1 else 'ies'})" if retries and retried else ""
        return LLMError(
            f"The model {self.where} {reason}{suffix}.",
            hint="Check OPENAI_BASE_URL, OPENAI_API_KEY and POLICYQA_LLM_MODEL, or ask with --mode offline.",
        )


def _server_message(exc: openai.APIStatusError, limit: int = 300) -> str:
    """What the server itself said, on one line: 「The model `x` does not exist.」 tells the user
    what to fix where the bare status does not. OpenAI nests it ({"error": {"message"}}, which
    the client unwraps), vLLM puts it at the top ({"message"}), Ollama says {"error": "..."}."""
    body = exc.body
    if isinstance(body, dict):
        body = body.get("message") or body.get("error") or body.get("detail") or ""
        if isinstance(body, dict):
            body = body.get("message") or ""
    if not isinstance(body, str):
        body = str(body) if body else ""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(content: object) -> str:
    """Message content as text: a string, or the text parts of a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", "")) for part in content
            if isinstance(part, (str, dict))
        )
    return ""
