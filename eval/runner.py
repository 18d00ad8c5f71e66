"""Runs a gold set through the PolicyQA facade under one or more configurations and scores every
question. Reports (eval/report.py) and comparisons (eval/compare.py) read what this returns."""
from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal, get_args

from eval.goldset import GoldRow, GoldSet, Resolution, UnresolvedQuote, resolve
from eval.metrics import JUDGED_NAMES, METRIC_NAMES, mean_defined
from eval.metrics.faithfulness import NAME as FAITHFULNESS
from eval.metrics.faithfulness import Judgement
from eval.scoring import NAN, RETRIEVAL_DEPTH, Observation, score
from qa.core.errors import BadQuestion, LLMError

Retriever = Literal["hybrid", "dense", "bm25"]
Answerer = Literal["offline", "llm"]
RETRIEVER_SOURCES: dict[str, tuple[str, ...]] = {"hybrid": ("dense", "bm25"), "dense": ("dense",), "bm25": ("bm25",)}
ANSWERERS = get_args(Answerer)


@dataclass(frozen=True)
class RunConfig:
    retriever: Retriever = "hybrid"
    k: int = 8  # clauses handed to the answerer
    answerer: Answerer = "offline"

    def __post_init__(self) -> None:
        if self.retriever not in RETRIEVER_SOURCES:
            raise BadQuestion(f"Unknown retriever {self.retriever!r}.", hint="Use one of: " + ", ".join(RETRIEVER_SOURCES))
        if self.answerer not in ANSWERERS:
            raise BadQuestion(f"Unknown answerer {self.answerer!r}.", hint="Use one of: " + ", ".join(ANSWERERS))

    @property
    def name(self) -> str:
        return f"{self.retriever}-k{self.k}-{self.answerer}"


@dataclass(frozen=True)
class QuestionResult:
    id: str
    type: str
    question: str
    answerable: bool
    observation: Observation
    metrics: dict[str, float]
    seconds: float  # answering and retrieval only; judging is not the system's latency
    error: str = ""
    judgement: Judgement | None = None  # the judge model's claims, when the run was judged
    judge_error: str = ""  # why judging this question failed (its faithfulness is then NaN)
    split: str = ""  # the gold row's split (dev | test), "" when the gold set has none
    language: str = "zh"


@dataclass(frozen=True)
class ConfigResult:
    config: RunConfig
    questions: tuple[QuestionResult, ...]
    overall: dict[str, float]
    counted: dict[str, int]  # how many questions each overall value averages (NaNs are skipped)
    by_type: dict[str, dict[str, float]]
    seconds: float
    backend: str = ""
    # The same averages per split (dev and test apart) and per question language, each with its n.
    by_split: dict[str, dict[str, float]] = field(default_factory=dict)
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    split_counts: dict[str, int] = field(default_factory=dict)
    language_counts: dict[str, int] = field(default_factory=dict)

    @property
    def judge_errors(self) -> int:
        return sum(1 for q in self.questions if q.judge_error)


@dataclass(frozen=True)
class RunResult:
    gold_path: str
    gold_rows: int
    type_counts: dict[str, int]
    configs: tuple[ConfigResult, ...]
    unresolved: tuple[UnresolvedQuote, ...]
    started: str
    meta: dict = field(default_factory=dict)


def run_eval(
    make_service: Callable[[RunConfig], object],
    gold: GoldSet,
    configs: Sequence[RunConfig],
    progress: bool = True,
    judge=None,
) -> RunResult:
    """`make_service(config)` returns a PolicyQA whose retriever follows `config.retriever`
    (see `service_for`). Quotes are resolved once, against the clauses of the first service.
    With `judge` (an eval.judge.FaithfulnessJudge) every answer is also scored faithfulness_llm."""
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results = []
    resolution: Resolution | None = None
    with _progress(progress) as bar:
        for config in configs:
            service = make_service(config)
            if resolution is None:
                resolution = resolve(gold, service.clauses())
            task = bar.add_task(config.name, total=len(gold.rows)) if bar else None
            results.append(_run_config(service, gold, resolution, config, lambda: bar.advance(task) if bar else None, judge))
    return RunResult(
        gold_path=gold.path,
        gold_rows=len(gold.rows),
        type_counts=gold.count_by_type(),
        configs=tuple(results),
        unresolved=resolution.unresolved if resolution else (),
        started=started,
        meta={"judge": judge.describe()} if judge else {},
    )


def service_for(settings, config: RunConfig):
    """A PolicyQA over the built index whose retriever uses only the configured sources, and
    whose embedder remembers vectors across questions and runs: the chain, the extractive
    answerer and the runner's own retrieval embed the same question, and the answerer embeds
    the same clause sentences for many questions; a re-run of an unchanged gold set computes
    nothing."""
    from qa.service import PolicyQA

    return PolicyQA(settings, sources=RETRIEVER_SOURCES[config.retriever],
                    embedding_cache=settings.cache_dir / "eval-embeddings")


def _run_config(service, gold: GoldSet, resolution: Resolution, config: RunConfig, advance, judge=None) -> ConfigResult:
    began = time.perf_counter()
    questions = []
    backend = ""
    for row in gold.rows:
        result, row_backend = _run_question(service, row, resolution.groups.get(row.id, ()), config, judge)
        backend = backend or row_backend
        questions.append(result)
        advance()
    overall, counted = _aggregate(questions)
    by_type = _grouped(questions, lambda q: q.type)
    by_split = _grouped([q for q in questions if q.split], lambda q: q.split)
    by_language = _grouped(questions, lambda q: q.language)
    return ConfigResult(config, tuple(questions), overall, counted, by_type, time.perf_counter() - began, backend,
                        by_split=by_split, by_language=by_language,
                        split_counts=_counts(q.split for q in questions if q.split),
                        language_counts=_counts(q.language for q in questions))


def _grouped(questions: Sequence[QuestionResult], key) -> dict[str, dict[str, float]]:
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for question in questions:
        groups[key(question)].append(question)
    return {name: _aggregate(rows)[0] for name, rows in sorted(groups.items())}


def _counts(keys) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for key in keys:
        counts[key] += 1
    return dict(sorted(counts.items()))


def _run_question(service, row: GoldRow, gold: tuple[frozenset[str], ...], config: RunConfig,
                  judge=None) -> tuple[QuestionResult, str]:
    began = time.perf_counter()
    history = [(turn.question, turn.answer) for turn in row.history]
    error = ""
    backend = ""
    answer = None
    try:
        answer = service.ask(row.question, history=history, k=config.k, mode=config.answerer)
        backend = answer.backend
        # A follow-up is retrieved the way the answer chain saw it: rewritten to stand alone.
        search_question = answer.standalone_question or row.question
        hits = service.retrieve(search_question, k=max(RETRIEVAL_DEPTH, config.k))
        seen = Observation(
            retrieved=tuple(hit.clause_id for hit in hits),
            answer=answer.text,
            refused=answer.refused,
            verified=answer.verified,
            cited=tuple(dict.fromkeys(citation.clause_id.split("#", 1)[0] for citation in answer.citations)),
        )
    except (BadQuestion, LLMError) as exc:  # this question failed; the run goes on
        error = exc.message
        seen = Observation(retrieved=(), answer="", refused=False, verified=False, cited=())
    seconds = time.perf_counter() - began
    metrics = score(row, gold, seen)
    if error:
        metrics = {**metrics, **{name: NAN for name in metrics if name.startswith(("hit@", "recall@", "mrr", "ndcg"))}}
    judged = judge.assess(answer) if judge and answer is not None else None
    if judge:
        metrics[FAITHFULNESS] = judged.value if judged else NAN
    result = QuestionResult(row.id, row.type, row.question, row.answerable, seen, metrics, seconds, error,
                            judged.judgement if judged else None, judged.error if judged else "",
                            split=row.split or "", language=row.lang)
    return result, backend


def _aggregate(questions: Sequence[QuestionResult]) -> tuple[dict[str, float], dict[str, int]]:
    overall, counted = {}, {}
    judged = tuple(name for name in JUDGED_NAMES if any(name in q.metrics for q in questions))
    for name in METRIC_NAMES + judged:
        overall[name], counted[name] = mean_defined(q.metrics.get(name, NAN) for q in questions)
    return overall, counted


def _progress(enabled: bool):
    if not enabled:
        return contextlib.nullcontext()
    from qa.progress import bars

    return bars()

