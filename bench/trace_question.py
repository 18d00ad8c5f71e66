"""Which project modules and functions one question passes through, from the web UI's callback
to the verified answer: the measure of how much a reader must open to follow a question.

    .venv/bin/python bench/trace_question.py ["问题"] [--mode offline]

Prints every project module the question visits, with the number of its functions that ran,
grouped by layer (core helpers are listed apart: they are read by name, not opened).
Needs a built index (POLICYQA_HOME), like the app.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTION = "渝中区到2027年地区生产总值目标是多少？"


def trace(question: str, mode: str) -> dict[str, set[str]]:
    from qa.service import PolicyQA
    from qa.settings import load_settings
    from qa.web.callbacks import ChatApp

    app = ChatApp(PolicyQA(load_settings()))
    list(app.ask("预热", [], [], [], [], "", "", 8, mode))  # load models and the index first
    visited: dict[str, set[str]] = defaultdict(set)

    def tracer(frame, event, arg):
        name = frame.f_code.co_qualname
        if event == "call" and frame.f_code.co_filename.endswith(".py") and not name.rsplit(".", 1)[-1].startswith("<"):
            path = Path(frame.f_code.co_filename).resolve()
            if ROOT in path.parents and ".venv" not in path.parts and "bench" not in path.parts:
                visited[str(path.relative_to(ROOT))].add(name)
        return None

    sys.setprofile(tracer)
    try:
        list(app.ask(question, [], [], [], [], "", "", 8, mode))
    finally:
        sys.setprofile(None)
    return visited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("question", nargs="?", default=QUESTION)
    parser.add_argument("--mode", default="offline")
    args = parser.parse_args()
    visited = trace(args.question, args.mode)
    core = {m: f for m, f in visited.items() if m.startswith("qa/core/")}
    opened = {m: f for m, f in visited.items() if m not in core}
    print(f"question: {args.question}")
    print(f"{len(visited)} project modules, {sum(map(len, visited.values()))} functions in all")
    print(f"\nstage modules ({len(opened)}):")
    for module, functions in sorted(opened.items()):
        print(f"  {module:40s} {len(functions):3d}  {', '.join(sorted(functions))[:90]}")
    print(f"\ncore helpers ({len(core)}):")
    for module, functions in sorted(core.items()):
        print(f"  {module:40s} {len(functions):3d}")


if __name__ == "__main__":
    main()
