"""Which words are place names: China's administrative divisions and the world's countries.

jieba tags a word ns (place) from its dictionary or, for a word it never listed, by guess, and
both err: 上路 (to take the road), 城市, 海岛 and 上岗 are ns in its dictionary, and 法里 in
「噪音管制法里」 is a guess. A question naming a place the documents never mention is refused
(qa/places.py), so each such tag was a false refusal waiting for a question that uses the word.
A place is therefore a word this gazetteer knows, whole (闵行区) or without its administrative
suffix (闵行).

Sources, both packaged, nothing fetched: cpca's table of China's divisions down to county level
(its adcodes.csv, read as a file: importing cpca would import pandas), and the Chinese (zh_CN)
names of ISO 3166-1 countries (and their common names) and of ISO 3166-2 subdivisions (东京都,
加利福尼亚州) that pycountry ships as gettext catalogues. Not known, so never refused on: cities
abroad (伦敦) and regions that are no division (长三角, 华北).
"""
from __future__ import annotations

import csv
import gettext
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

# Longest first, so 自治州 is taken off before 州.
_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|新区|林区|省|市|区|县|州|盟|旗|都|府)$")


def _bare(name: str) -> str:
    """The name without its administrative suffix (渝中区 → 渝中), or the name itself when that
    would leave less than two characters (城区 stays)."""
    stripped = _SUFFIX.sub("", name)
    return stripped if len(stripped) >= 2 else name


@lru_cache(maxsize=4096)
def is_known_place(word: str) -> bool:
    """A name the gazetteer holds, or one written as several (上海浦东新区, 重庆市渝中区: jieba lists
    such compounds as one word)."""
    names = _names()
    return word in names or any(word[:cut] in names and is_known_place(word[cut:]) for cut in range(2, len(word) - 1))


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    names = set(_divisions()) | set(_countries_and_subdivisions())
    return frozenset(names | {_bare(n) for n in names})


def _divisions() -> list[str]:
    spec = importlib.util.find_spec("cpca")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca, which policyqa needs for place names, is not installed: pip install -e .")
    table = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with table.open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f) if row.get("name")]


def _countries_and_subdivisions() -> list[str]:
    import pycountry

    catalogues = (("iso3166-1", pycountry.countries, ("name", "common_name", "official_name")),
                  ("iso3166-2", pycountry.subdivisions, ("name",)))
    names = []
    for domain, entries, fields in catalogues:
        zh = gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"])
        names += [zh.gettext(english) for entry in entries for field in fields
                  if (english := getattr(entry, field, None))]
    return [n for n in names if re.fullmatch(r"[\u3400-\u9fff]+", n)]  # an untranslated name stays English
