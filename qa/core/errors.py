"""The project's errors. Raised deep, turned into user text only at the faces (CLI, web UI, eval).

Each carries a message a user can act on; `hint` says what to do next.
"""
from __future__ import annotations


class PolicyQAError(Exception):
    """Base for every error the project raises on purpose."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def user_text(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class UnreadableFile(PolicyQAError):
    """A file cannot be turned into text (empty, binary, unsupported, undecodable)."""


class FileTooLarge(UnreadableFile):
    """A file above the build's size limit, refused before it is read."""


class GarbledText(UnreadableFile):
    """A text layer that extracts as garbage (a PDF whose fonts have no usable character mapping)."""


class IndexNotBuilt(PolicyQAError):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"No index found at {where}.",
            hint="Build it first: policyqa index build  (or run the app, which builds it on first start)",
        )


class IndexMismatch(PolicyQAError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailable(PolicyQAError):
    """The Chroma server cannot be reached."""


class EmbeddingError(PolicyQAError):
    """The embedding backend failed."""


class BadQuestion(PolicyQAError):
    """A question that cannot be answered as given (empty, too long, no searchable text)."""


class NoMatchingDocuments(BadQuestion):
    """The filters in force leave no document to search."""


class LLMError(PolicyQAError):
    """The LLM endpoint failed after retries, or returned something unusable."""


class PromptError(PolicyQAError):
    """A prompt file is missing or its variables do not match."""


class GoldSetError(PolicyQAError):
    """An eval gold set is malformed or its evidence no longer resolves."""


class ConfigError(PolicyQAError):
    """A configuration file (a corpus's policyqa.toml) is malformed or names unknown settings."""


class IndexBusy(PolicyQAError):
    """Another build holds the index lock."""
