"""LLM-judged faithfulness: the share of an answer's claims that a judge model found supported by
the clauses the answer cites.

Unlike every other metric this one is model-judged: it depends on which model judged and can
differ between two runs of the same answers, so reports show it apart, labelled with the judge
model, and the CI gate refuses it (eval/gate.py). eval/judge.py asks the model; this module
only turns the model's reply into a Judgement and the Judgement into a score.

The reply is untrusted input from an endpoint we do not control. It is parsed strictly (a claim's
`supported` must be a JSON boolean, not "yes" or 1) because a lenient parser would quietly turn
a confused judge into a score; the one thing tolerated is a Markdown code fence around the
JSON, which chat models add even when told not to.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qa.core.errors import LLMError

NAME = "faithfulness_llm"
_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)
_EXCERPT = 80


class JudgeReplyError(LLMError):
    """The judge model answered, but not with the JSON the judge prompt asks for."""


class _ClaimReply(BaseModel):
    # Extra keys (a "reason" a model adds on its own) carry no score, so they are ignored, not fatal.
    model_config = ConfigDict(strict=True, extra="ignore")

    claim: str = Field(min_length=1)
    supported: bool
    citations: list[int] = Field(default_factory=list)


class _JudgeReply(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    claims: list[_ClaimReply]


@dataclass(frozen=True)
class JudgedClaim:
    claim: str
    supported: bool
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Judgement:
    claims: tuple[JudgedClaim, ...]

    @property
    def supported(self) -> int:
        return sum(1 for claim in self.claims if claim.supported)


def parse_judgement(reply: str) -> Judgement:
    """The judge's reply as a Judgement; JudgeReplyError (an LLMError, so the runner records it
    against the question) when it is not `{"claims": [{"claim", "supported", "citations"}]}`."""
    fenced = _FENCE.search(reply)
    body = (fenced.group(1) if fenced else reply).strip()
    try:
        parsed = _JudgeReply.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "reply"
        excerpt = " ".join(reply.split())[:_EXCERPT]
        raise JudgeReplyError(
            f"The judge's reply is not the expected JSON ({where}: {first['msg']}); it began {excerpt!r}.",
            hint='The judge prompt asks for {"claims": [{"claim": ..., "supported": true|false, "citations": [n]}]}.',
        ) from None
    return Judgement(tuple(
        JudgedClaim(c.claim.strip(), c.supported, tuple(dict.fromkeys(c.citations))) for c in parsed.claims
    ))


def faithfulness(judgement: Judgement | None, refused: bool) -> float:
    """Supported claims / claims. NaN when there is nothing to judge: a refusal states no claim,
    an answer the judge found no claim in has no denominator, and without a judgement (no judge
    configured, or the judge failed) the value is unknown, not 0."""
    if refused or judgement is None or not judgement.claims:
        return math.nan
    return judgement.supported / len(judgement.claims)
