"""The Chinese tokenizer: jieba, set up once, and the word lists every stage builds on it.

BM25 indexing and BM25 queries use `keyword_terms` (so a question meets a clause in the same
terms), the offline answerer weighs `search_words`, the eval compares `words`, and names of
places come from `tagged`. Nothing else imports jieba.
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
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


@lru_cache(maxsize=1 << 18)  # a build asks about the same few thousand words millions of times
def _is_term(token: str) -> bool:
    """A token with a letter, digit or CJK character that is not a function word."""
    return token not in _STOP and any(unicodedata.category(ch)[0] in "LN" for ch in token)


def keyword_terms(search_text: str) -> list[str]:
    """Words (jieba's search mode, which adds the short words inside long ones), adjacent word
    pairs, and composite figures. Pairs reward a clause that has the question's words in the
    question's order (「营造_良好」「创新_生态」) over one that scatters them."""
    jieba = _jieba()
    return _terms(search_text, jieba, jieba.lcut)


def keyword_terms_many(search_texts: Iterable[str]) -> list[list[str]]:
    """keyword_terms of each text, for an index build: the same terms, cut several times faster
    (_block_cut)."""
    jieba = _dictionary()
    cut = _block_cut(jieba) or jieba.lcut
    return [_terms(text, jieba, cut) for text in search_texts]


def _dictionary():
    """jieba with its word dictionary, for cutting only: a build's worker process never tags, and
    jieba.posseg's tag dictionary is a third of a worker's start (0.65 s of 2 s)."""
    if _TABLES[0] is not None or _jieba.cache_info().currsize:
        return _jieba()
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _terms(search_text: str, jieba, cut: Callable[[str], list[str]]) -> list[str]:
    tokens: list[str] = []
    for match in _COMPOSITE.finditer(search_text):
        # The composite is the term; of its pieces only long ones (years, amounts) mean anything
        # alone: 「5+1」 must not match every line that mentions 5 and 1.
        tokens.append(match.group())
        tokens += [piece for piece in _PIECES.split(match.group()) if len(piece) >= 3]
    rest = _COMPOSITE.sub(" ", search_text)
    words = cut(rest)
    tokens += [t for t in _for_search(jieba, words) if _is_term(t)]
    # Consecutive in jieba's output, so punctuation or a space between two words breaks a pair.
    tokens += [f"{a}_{b}" for a, b in zip(words, words[1:]) if _is_term(a) and _is_term(b)]
    return tokens


# A block of jieba's made of Chinese characters (its own range), letters and digits only.
_PLAIN_BLOCK = re.compile("[\u4E00-\u9FD5a-zA-Z0-9]+")


@lru_cache(maxsize=1)
def _block_cut(jieba) -> Callable[[str], list[str]] | None:
    """jieba.lcut's words from rjieba (jieba-rs, about 20 times faster) where the two agree, or
    None without rjieba. jieba cuts a text block by block (runs of Chinese characters, letters,
    digits and +#&._%-; everything else on its own). On a block of Chinese characters, letters
    and digits rjieba gives jieba's words (every such block of data/corpus, data/realdocs and
    data/laws: 36,435, 1,328 of them with letters or digits); with a separator it keeps 「Wi-Fi」
    「2022-2027」 whole where jieba splits them, so those blocks and everything between blocks
    are cut by jieba's own code. A question is always cut by jieba itself (keyword_terms)."""
    try:
        import rjieba
    except ImportError:
        return None
    fast, dt, blocks, skip = rjieba.cut, jieba.dt, jieba.re_han_default, jieba.re_skip_default

    def cut(text: str) -> list[str]:
        words: list[str] = []
        for block in blocks.split(text):
            if not block:
                continue
            if _PLAIN_BLOCK.fullmatch(block):
                words += fast(block, True)
            elif blocks.match(block):
                words += dt.cut(block)
            else:  # what jieba.cut does outside its blocks: spaces kept whole, other characters one by one
                for piece in skip.split(block):
                    words += [piece] if skip.match(piece) else piece
        return words

    return cut


def _for_search(jieba, words: list[str]) -> list[str]:
    """jieba.lcut_for_search from the words of jieba.lcut, which it re-cuts itself otherwise:
    the same terms for half the time (cutting is most of an index build's parsing)."""
    found: list[str] = []
    known = jieba.dt.FREQ.get  # once, not per gram: an index build asks it millions of times
    for w in words:
        if len(w) > 2:
            found += [w[i : i + 2] for i in range(len(w) - 1) if known(w[i : i + 2])]
            if len(w) > 3:
                found += [w[i : i + 3] for i in range(len(w) - 2) if known(w[i : i + 3])]
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


def word_rarity(word: str) -> float:
    """How rare `word` is in general Chinese: the log of jieba's dictionary total over the word's
    count (about 3 for 的, 7–9 for everyday words, 18 for a word the dictionary does not list)."""
    dt = _jieba().dt
    return math.log(max(dt.total, 1) / (int(dt.FREQ.get(word, 0) or 0) + 1))
