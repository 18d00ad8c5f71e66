"""The Chinese tokenizer: jieba, set up once, and the word lists every stage builds on it.

BM25 indexing and BM25 queries use `keyword_terms` (so a question meets a clause in the same
terms), the offline answerer weighs `search_words`, the eval compares `words`, and names of
places come from `tagged`. Nothing else imports jieba.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from qa.core.text import to_search_text


_TABLES: list[Path | None] = [None]


def use_cache_dir(folder: Path | str) -> None:
    """Open jieba's dictionaries from tables kept in `folder` (POLICYQA_HOME/cache/jieba, written
    there once from jieba's own files; qa/core/jieba_tables.py): a process that cuts one question
    starts in a fraction of the time. Takes effect when set before the first cut."""
    _TABLES[0] = Path(folder)


@lru_cache(maxsize=1)
def _jieba():
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is noise to users
    if _TABLES[0] is None:
        import jieba.posseg

        jieba.initialize()
        return jieba
    _open_tables(jieba, _TABLES[0])
    return jieba


def _import_jieba():
    """jieba, imported without pkg_resources: jieba only uses it to find its own data files, which
    it otherwise opens by path, and importing pkg_resources costs a quarter of a second of a
    question's cold start. Nothing changes when another module has imported pkg_resources."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes jieba's own fallback run
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _open_tables(jieba, folder: Path) -> None:
    """jieba's prefix dictionary and jieba.posseg's word tags as lazy tables (same answers)."""
    import io
    import sys

    from qa.core import jieba_tables

    dt = jieba.dt
    stamp = (jieba.__version__, str(dt.dictionary))

    def whole_dictionary():
        dt.initialize()  # jieba's own load (its cache, or the dictionary file)
        return dt.FREQ, dt.total

    prefixes = jieba_tables.open_table(folder / "prefix.bin", whole_dictionary, stamp,
                                       lambda whole: setattr(dt, "FREQ", whole))
    if not dt.initialized:
        dt.FREQ, dt.total, dt.initialized = prefixes, prefixes.extra[1], True
    if "jieba.posseg" not in sys.modules:
        tag_file = dt.get_dict_file
        dt.get_dict_file = lambda: io.BytesIO()  # its import would parse the whole tag dictionary
        try:
            import jieba.posseg
        finally:
            del dt.get_dict_file
        pos = jieba.posseg.dt

        def whole_tags():
            pos.load_word_tag(tag_file())
            return pos.word_tag_tab, None

        tags = jieba_tables.open_table(folder / "tags.bin", whole_tags, stamp,
                                       lambda whole: setattr(pos, "word_tag_tab", whole))
        if not pos.word_tag_tab:
            pos.word_tag_tab = tags


# Figures joined by operators or separators are one term in policy prose: 「5+1」, 「3+9+n」,
# 「2022-2027」, 「3.5%」. jieba splits them apart; we add them back whole.
_COMPOSITE = re.compile(r"[0-9a-z]+(?:[+\-×*/.:][0-9a-z]+)+%?|[0-9]+(?:\.[0-9]+)?%")
_PIECES = re.compile(r"[^0-9a-z]+")

# Function words that carry no topic; a general list, not tuned to any document.
_STOP = frozenset(
    "的 了 和 与 及 或 等 在 是 对 为 以 将 把 被 由 从 向 于 其 之 而 并 也 都 又 就 这 那 "
    "个 各 该 此 有 要 到 中 上 下 着 过 我们 你们 他们 一个 一些 以及 进行 通过 按照 关于".split()
)


def _is_term(token: str) -> bool:
    """A token with a letter, digit or CJK character that is not a function word."""
    return token not in _STOP and any(unicodedata.category(ch)[0] in "LN" for ch in token)


def keyword_terms(search_text: str) -> list[str]:
    """Words (jieba's search mode, which adds the short words inside long ones), adjacent word
    pairs, and composite figures. Pairs reward a clause that has the question's words in the
    question's order (「营造_良好」「创新_生态」) over one that scatters them."""
    tokens: list[str] = []
    for match in _COMPOSITE.finditer(search_text):
        # The composite is the term; of its pieces only long ones (years, amounts) mean anything
        # alone: 「5+1」 must not match every line that mentions 5 and 1.
        tokens.append(match.group())
        tokens += [piece for piece in _PIECES.split(match.group()) if len(piece) >= 3]
    rest = _COMPOSITE.sub(" ", search_text)
    jieba = _jieba()
    words = jieba.lcut(rest)
    tokens += [t for t in _for_search(jieba, words) if _is_term(t)]
    # Consecutive in jieba's output, so punctuation or a space between two words breaks a pair.
    tokens += [f"{a}_{b}" for a, b in zip(words, words[1:]) if _is_term(a) and _is_term(b)]
    return tokens


def _for_search(jieba, words: list[str]) -> list[str]:
    """jieba.lcut_for_search from the words of jieba.lcut, which it re-cuts itself otherwise:
    the same terms for half the time (cutting is most of an index build's parsing)."""
    found: list[str] = []
    for w in words:
        for n in (2, 3):
            if len(w) > n:
                found += [w[i : i + n] for i in range(len(w) - n + 1) if jieba.dt.FREQ.get(w[i : i + n])]
        found.append(w)
    return found


def search_words(text: str) -> list[str]:
    """jieba's search-mode words (long words and the short words inside them) of the search
    form of `text`, blanks dropped."""
    return [t for t in _jieba().lcut_for_search(to_search_text(text)) if t.strip()]


def words(text: str) -> list[str]:
    """jieba's words of `text` as given (callers normalise first when they need to)."""
    return _jieba().lcut(text)


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech flag) pairs: ns/nt mark places and organisations."""
    return [(pair.word, pair.flag) for pair in _jieba().posseg.cut(text)]


def word_frequency(word: str) -> int:
    """How common `word` is in jieba's dictionary (0 when absent): a prior for choosing among
    a dictionary's several translations the one a document is likeliest to use."""
    return int(_jieba().dt.FREQ.get(word, 0) or 0)
