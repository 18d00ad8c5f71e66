"""English questions offline: their terms in Chinese (CC-CEDICT, pinyin for names), so that the
keyword retriever finds what an English question asks about."""
from __future__ import annotations

import pytest

from qa.retrieve import english_terms
from qa.retrieve.english_terms import chinese_terms

TITLES = ("某某区推进城市更新三年行动方案", "关于加快发展数字经济的实施意见")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    english_terms._senses.cache_clear()
    return tmp_path_factory.mktemp("cedict-cache")


def test_phrases_map_longest_first_and_question_words_add_nothing(cache_dir):
    terms = chinese_terms("What is the per capita gross domestic product target?", cache_dir=cache_dir)
    assert "人均" in terms and "国内生产总值" in terms
    assert "何为" not in terms  # "what is" is in the dictionary, but says nothing of the topic
    assert chinese_terms("How many digital economy enterprises?", cache_dir=cache_dir)


def test_abbreviations_and_plurals_are_found(cache_dir):
    assert "国内生产总值" in chinese_terms("GDP", cache_dir=cache_dir)
    assert set(chinese_terms("targets", cache_dir=cache_dir)) == set(chinese_terms("target", cache_dir=cache_dir))


def test_a_name_in_pinyin_is_matched_to_a_word_of_a_document_title(cache_dir):
    assert any(t.startswith("某某") for t in chinese_terms("the Moumou district plan", TITLES, cache_dir=cache_dir))
    assert not any(t.startswith("某某") for t in chinese_terms("the district plan", TITLES, cache_dir=cache_dir))


def test_a_pinyin_name_with_u_umlaut_matches_however_it_is_spelled(cache_dir):
    titles = ("吕梁市能源发展规划",)
    for spelling in ("Lüliang", "Lvliang", "Luliang", "Lüliang's"):
        assert any(t.startswith("吕梁") for t in chinese_terms(f"{spelling} energy plan", titles, cache_dir=cache_dir))


def test_a_chinese_question_gets_no_translation(cache_dir):
    assert chinese_terms("地区生产总值目标是多少？", TITLES, cache_dir=cache_dir) == []


def test_the_index_is_cached_on_disk_and_read_back(cache_dir):
    chinese_terms("innovation", cache_dir=cache_dir)
    cached = list(cache_dir.glob("cedict-senses-*.pickle"))
    assert len(cached) == 1 and cached[0].stat().st_size > 1_000_000
    english_terms._senses.cache_clear()
    cached[0].write_bytes(b"torn")  # a damaged cache is rebuilt, not an error
    assert "创新" in chinese_terms("innovation", cache_dir=cache_dir)
    assert cached[0].stat().st_size > 1_000_000
