"""The model-judged part of the eval harness (`eval run --judge`): a judge model splits each
answer into claims and says which ones the answer's cited clauses support; this module asks it
(through qa.answer.llm.LLMAnswerer, the only door to the LLM client), eval/metrics/faithfulness.py
turns the reply into a score, and `judged_section` writes the report section that presents it
under the judge model's name, apart from the offline figures."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from eval.metrics.faithfulness import NAME, Judgement, faithfulness, parse_judgement
from qa.core.errors import LLMError

# The judge prompt wraps the answer in <answer>; the shared defuse() covers the other delimiters.
_ANSWER_TAG = re.compile(r"</?\s*answer\s*>", re.IGNORECASE)
MAX_LISTED = 25


@dataclass(frozen=True)
class JudgeOutcome:
    value: float  # the question's faithfulness_llm; NaN when nothing was (or could be) judged
    judgement: Judgement | None = None
    error: str = ""  # why the judge failed on this question; "" when it did not


class FaithfulnessJudge:
    """`llm` is a qa.answer.llm.LLMAnswerer (anything with `complete(messages)`, `model`, `where`)."""

    def __init__(self, llm) -> None:
        from qa.answer.prompts import LANGUAGES, load_prompt

        # A broken prompt file fails here, before the run, not on the first answer after minutes of work.
        for language in LANGUAGES:
            load_prompt("judge_faithfulness", language)
        self.llm = llm

    @classmethod
    def from_service(cls, service, model: str = "") -> FaithfulnessJudge:
        """A judge at the configured endpoint; `model` overrides POLICYQA_LLM_MODEL so a stronger
        model can judge answers written by a weaker one (a model grading itself is lenient)."""
        if not service.settings.llm_configured:
            raise LLMError("--judge needs an LLM endpoint.",
                           hint="Set OPENAI_API_KEY and/or OPENAI_BASE_URL (see README), or run without --judge.")
        return cls(service.llm(model))

    @property
    def model(self) -> str:
        return self.llm.model

    def describe(self) -> dict[str, str]:
        """What results.json records about the judge, so a reader knows whose opinion the score is."""
        return {"metric": NAME, "model": self.llm.model, "where": self.llm.where}

    def messages(self, answer) -> list:
        """The judge prompt for a qa.core.types.Answer, in the question's language; [] when the answer
        has no sentence to judge."""
        from qa.core.markers import split_sentences
        from qa.answer.prompts import load_prompt
        from qa.core.text import question_language

        sentences = split_sentences(answer.text)
        if not sentences:
            return []
        cited = {c.n: c for c in answer.citations}
        # Headed like the answer prompt's context, so [n] means the same clause to both models.
        context = "\n\n".join(f"[{n}] 《{c.doc_title}》{c.ref}".rstrip() + "\n" + _defuse(c.text)
                                for n, c in sorted(cited.items()))
        # A follow-up is judged against the question as the answerer saw it, rewritten to stand alone.
        question = answer.standalone_question or answer.question
        language = question_language(question)
        return load_prompt("judge_faithfulness", language).invoke({
            "question": _defuse(question),
            "answer": "\n".join(_defuse(sentence) for sentence in sentences),
            "context": context or ("（无）" if language == "zh" else "(none)"),
        }).to_messages()

    def assess(self, answer) -> JudgeOutcome:
        """The question's faithfulness. A refusal or an empty answer is not sent to the model; an
        LLMError (endpoint down, garbage reply) is caught here so the run goes on without it."""
        if answer.refused:
            return JudgeOutcome(math.nan)
        messages = self.messages(answer)
        if not messages:
            return JudgeOutcome(math.nan)
        try:
            judgement = parse_judgement(self.llm.complete(messages))
        except LLMError as exc:
            return JudgeOutcome(math.nan, error=exc.message)
        return JudgeOutcome(faithfulness(judgement, answer.refused), judgement)


def _defuse(text: str) -> str:
    from qa.answer.prompts import defuse

    return _ANSWER_TAG.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), defuse(text))


def judged_section(data: dict, fmt, cell) -> list[str]:
    """report.md's section for a judged run (results.json as `data`); [] for an unjudged one."""
    judge = data.get("meta", {}).get("judge")
    if not judge:
        return []
    lines = ["", f"## Faithfulness — model-judged (judge model: {judge['model']})", "",
             f"Not an offline measurement: the language model {judge['where']} split each answer into claims and "
             f"judged whether the clauses the answer cites support each claim. `{NAME}` = supported claims / claims, "
             "undefined for refusals, answers without claims and questions the judge failed on. Another judge model "
             "may score the same answers differently, so compare it only between runs judged by the same model; "
             "it is not part of the CI gate.", "",
             f"| configuration | {NAME} ↑ | claims | supported | judge errors |", "| --- | ---: | ---: | ---: | ---: |"]
    for config in data["configs"]:
        claims = [c for q in config["questions"] for c in q.get("judged_claims", [])]
        errors = sum(1 for q in config["questions"] if q.get("judge_error"))
        lines.append(f"| {config['name']} | {fmt(config['overall'].get(NAME))} (n={config['counted'].get(NAME, 0)}) "
                     f"| {len(claims)} | {sum(1 for c in claims if c['supported'])} | {errors} |")
    for config in data["configs"]:
        failed = [q for q in config["questions"] if q.get("judge_error")]
        unsupported = [(q["id"], c) for q in config["questions"] for c in q.get("judged_claims", []) if not c["supported"]]
        if failed:
            lines += ["", f"### Judge errors — {config['name']} ({len(failed)})", "", "| id | error |", "| --- | --- |"]
            lines += [f"| {q['id']} | {cell(q['judge_error'], 160)} |" for q in failed[:MAX_LISTED]]
        if unsupported:
            lines += ["", f"### Claims the judge found unsupported — {config['name']} ({len(unsupported)})", "",
                      "| id | claim | cites |", "| --- | --- | --- |"]
            lines += [f"| {qid} | {cell(c['claim'], 80)} | {' '.join(f'[{n}]' for n in c['citations'])} |"
                      for qid, c in unsupported[:MAX_LISTED]]
    return lines
