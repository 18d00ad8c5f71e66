"""English questions offline: their terms in Chinese (CC-CEDICT, pinyin for names), so that the
keyword retriever finds what an English question asks about."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.retrieve import english_terms
from qa.retrieve.english_terms import chinese_terms

REPO = Path(__file__).resolve().parents[2]

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


# --- the general causes of English misses (realdocs dev): inflections, spelling, modal verbs,
# --- senses the documents do not use, names, and the words naming the source document ---------

def test_inflected_and_british_forms_find_the_dictionary_sense(cache_dir):
    assert set(chinese_terms("evaluated", cache_dir=cache_dir)) == set(chinese_terms("evaluate", cache_dir=cache_dir))
    assert chinese_terms("licence", cache_dir=cache_dir) == chinese_terms("license", cache_dir=cache_dir) != []
    assert chinese_terms("practise", cache_dir=cache_dir) == chinese_terms("practice", cache_dir=cache_dir) != []


def test_hyphenated_words_are_read_as_words_and_modal_verbs_add_nothing(cache_dir):
    assert set(chinese_terms("energy", cache_dir=cache_dir)) <= set(chinese_terms("energy-using", cache_dir=cache_dir))
    assert chinese_terms("new-energy", cache_dir=cache_dir) == chinese_terms("new energy", cache_dir=cache_dir)
    assert chinese_terms("Which must they have to need?", cache_dir=cache_dir) == []  # 必须 matches every article


def _documents_with(holdings: dict[str, set[str]]):
    """clauses_of for a corpus whose clauses hold the given words."""
    return lambda word: holdings.get(word, set())


def test_a_sense_the_documents_never_use_gives_way_to_one_they_do(cache_dir):
    senses = english_terms._senses(str(cache_dir))["doctor"]
    rare = senses[min(len(senses), 10) - 1]  # the last of the commonest ten, present in this corpus alone
    assert chinese_terms("doctor", cache_dir=cache_dir, clauses_of=_documents_with({rare: {"c1"}})) == [rare]
    # a phrase none of whose words occur gives way to its shorter parts instead of adding nothing
    assert chinese_terms("doctor", cache_dir=cache_dir, clauses_of=_documents_with({})) == []


def test_the_sense_the_clauses_nearest_by_meaning_hold_comes_first_even_a_rare_one(cache_dir):
    senses = english_terms._senses(str(cache_dir))["plan"]
    assert len(senses) > 12
    rare = senses[12]  # beyond the commonest ten the dictionary's order weighs
    holdings = {word: {"c1"} for word in senses}  # every sense occurs somewhere in the corpus
    near = [f"本{rare}自发布之日起施行。", f"{rare}的编制", "其他条款"]
    assert rare not in chinese_terms("plan", cache_dir=cache_dir, clauses_of=_documents_with(holdings))
    assert chinese_terms("plan", cache_dir=cache_dir, clauses_of=_documents_with(holdings), context=near)[0] == rare
    # a word the nearest clauses hold but no clause of the index does cannot help the keyword search
    assert rare not in chinese_terms("plan", cache_dir=cache_dir, clauses_of=_documents_with({senses[0]: {"c1"}}),
                                     context=near)


def test_of_several_senses_the_one_found_beside_the_other_terms_comes_first(cache_dir):
    senses = english_terms._senses(str(cache_dir))
    doctor, practice = senses["doctor"], senses["practice"]
    wanted = doctor[3]  # not among the dictionary's first two
    holdings = {word: {"elsewhere"} for word in doctor}  # every sense of "doctor" occurs somewhere
    holdings[wanted] = {"c7"}
    holdings[practice[0]] = {"c7"}  # but only this one beside a word of "practice"
    terms = chinese_terms("doctor practice", cache_dir=cache_dir, clauses_of=_documents_with(holdings))
    assert wanted in terms
    assert chinese_terms("doctor", cache_dir=cache_dir, clauses_of=_documents_with(holdings))[0] == doctor[0]


def test_a_proper_noun_of_the_dictionary_is_found_by_its_pinyin(cache_dir):
    assert "浦东" in chinese_terms("Pudong", cache_dir=cache_dir)
    assert "重庆" in chinese_terms("Chongqing", cache_dir=cache_dir)


def test_a_title_is_spelt_syllable_by_syllable_in_the_context_of_its_words(cache_dir):
    # 重 alone reads zhong; in 重庆 it reads chong, and only the title's context says so
    titles = ("2026年重庆市政府工作报告", "某某新区2025年节能重点工作安排")
    assert any(t.startswith("重庆") for t in chinese_terms("Chongqing's forest", titles, cache_dir=cache_dir))
    assert "某某" in chinese_terms("the Moumou plan", titles, cache_dir=cache_dir)


def test_words_naming_the_source_document_are_not_searched_for(cache_dir):
    asked = chinese_terms("What forest coverage rate does the city reach, according to its work report?", cache_dir=cache_dir)
    assert "森林" in asked and not set(asked) & set(chinese_terms("work report", cache_dir=cache_dir))
    # "about the plan" asks about it: only a trailing "in/according to <the document>" is dropped
    assert set(chinese_terms("plan", cache_dir=cache_dir)) & set(chinese_terms("What is in the report about the plan?", cache_dir=cache_dir))


def test_a_pinyin_name_names_the_documents_whose_title_has_it(cache_dir):
    from qa.core.types import DocumentMeta

    docs = [DocumentMeta("a", "某某新区2025年节能重点工作安排", "某某新区工作安排"),
            DocumentMeta("b", "上海市单用途预付消费卡管理规定", "上海市预付卡规定")]
    assert english_terms.named_documents("How many parks will Moumou build?", docs, cache_dir) == {"a"}
    assert english_terms.named_documents("How many parks will be built?", docs, cache_dir) == set()


def test_a_compound_sense_is_reachable_from_its_head_noun_after_the_nouns_own_words(cache_dir):
    grid = english_terms._senses(str(cache_dir))["grid"]
    assert "电网" in grid and grid.index("电网") > grid.index("网格")  # "power grid" → 电网
    holdings = {"电网": {"c1", "c2"}, "项目": {"c1"}, "网格": {"c9"}}
    terms = chinese_terms("grid project", cache_dir=cache_dir, clauses_of=_documents_with(holdings))
    assert "电网" in terms and "项目" in terms


# --- policy English (issue #11): a general dictionary's senses of policy phrases, and phrasal verbs

def test_coming_into_force_is_searched_as_the_words_laws_use_whatever_the_verb_form(cache_dir):
    for asked in ("When does the regulation come into force?", "The rules came into force in May",
                  "It comes into effect", "The measures took effect last year"):
        terms = chinese_terms(asked, cache_dir=cache_dir)
        assert "施行" in terms, asked
        assert not {"部队", "力量", "来到"} & set(terms), asked  # CC-CEDICT's "force", "come"


def test_a_policy_sense_comes_before_the_dictionarys_general_one(cache_dir):
    assert "试点" in chinese_terms("pilot", cache_dir=cache_dir)
    assert "飞行员" not in chinese_terms("evaluation of pilot applications", cache_dir=cache_dir)
    for asked in ("Who carries out the inspection?", "inspections carried out by the bureau", "to carry out"):
        terms = chinese_terms(asked, cache_dir=cache_dir)
        assert "开展" in terms and "运输" not in terms, asked
    assert "污染" in chinese_terms("dust pollution", cache_dir=cache_dir)  # the dictionary has only 环境污染, 水污染…
    assert "人民政府" in chinese_terms("the people's government at the county level", cache_dir=cache_dir)


def test_a_phrasal_verb_is_found_from_the_past_form_of_its_verb(cache_dir):
    assert "制定" in chinese_terms("the standards it drew up", cache_dir=cache_dir)
    assert set(chinese_terms("sets up", cache_dir=cache_dir)) == set(chinese_terms("set up", cache_dir=cache_dir))


def test_a_glossary_word_no_clause_holds_gives_way_to_the_dictionarys(cache_dir):
    # a corpus about aviation: 试点 is nowhere, 飞行员 is
    terms = chinese_terms("pilot", cache_dir=cache_dir, clauses_of=_documents_with({"飞行员": {"c1"}}))
    assert terms == ["飞行员"]


def test_the_dictionarys_own_form_of_a_word_beats_the_glossarys_entry_for_its_stem(cache_dir):
    # "advanced" (先进) is no inflection of "advance" (推进) here; the dictionary has the word itself
    assert "推进" not in chinese_terms("advanced level", cache_dir=cache_dir)
    assert "推进" in chinese_terms("advance", cache_dir=cache_dir)


def test_the_glossary_is_well_formed_and_shipped_with_the_package():
    import tomllib
    from pathlib import Path

    table = english_terms._glossary()
    written = [line for line in english_terms._GLOSSARY.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    assert 150 <= len(written) <= 330 and len(table) >= len(written)  # plural entries serve the singular too
    for english, chinese in table.items():
        assert english == english.lower() and chinese, english
        assert all(english_terms._CJK.match(word) or len(word) == 1 for word in chinese), english
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["qa.retrieve"]
    assert any(english_terms._GLOSSARY.match(pattern) for pattern in shipped)


def test_title_spellings_are_kept_so_a_later_process_needs_no_pypinyin(tmp_path):
    import subprocess
    import sys

    script = ("import sys, json\n"
              "from qa.retrieve.english_terms import _title_spellings\n"
              f"found = _title_spellings(('渝中区十项行动实施方案', '天府新区发展规划'), {str(tmp_path)!r})\n"
              "print(json.dumps({'yuzhong': found.get('yuzhong'), 'pypinyin': 'pypinyin' in sys.modules}))\n")
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                      cwd=REPO).stdout) for _ in range(2)]
    assert runs[0]["yuzhong"] == runs[1]["yuzhong"] and "渝中" in runs[0]["yuzhong"]
    assert runs[0]["pypinyin"] and not runs[1]["pypinyin"]  # built once, then read from the cache
    assert list(tmp_path.glob("title-spellings-*.pickle"))


def test_a_glossary_entry_written_in_the_plural_serves_the_singular(cache_dir):
    # "regulations" → 条例 in the glossary; "regulation" must not fall to CC-CEDICT's 规范/规则.
    assert "条例" in chinese_terms("When did the regulation come into force?", cache_dir=cache_dir)
    assert "施行" in chinese_terms("When did the regulation come into force?", cache_dir=cache_dir)


def test_the_asking_words_of_a_question_add_no_chinese(cache_dir):
    # "how long" was translated 高靿 (a tall boot); the answerer reads the asking from the English.
    assert chinese_terms("How long?", cache_dir=cache_dir) == []
    assert "高靿" not in chinese_terms("How long must residents wait for a permit?", cache_dir=cache_dir)
    assert chinese_terms("How many", cache_dir=cache_dir) == []


def test_a_word_in_brackets_is_a_gloss_not_an_abbreviation(cache_dir):
    # CC-CEDICT's "Central Bank (Taiwan)" made 中央银行 a sense of "Taiwan"; "(GDP)" is one of GDP.
    assert "中央银行" not in chinese_terms("Taiwan", cache_dir=cache_dir)
    assert "国内生产总值" in chinese_terms("GDP", cache_dir=cache_dir)


def test_a_fine_is_searched_as_the_documents_word_for_it(cache_dir):
    # Taiwan's laws say 罰鍰 (罚锾 once simplified) where the mainland's say 罚款.
    held = {"罚锾": ["c1"], "工厂": ["c1"]}
    terms = chinese_terms("What fine can a factory face?", cache_dir=cache_dir,
                          clauses_of=lambda word: held.get(word, []))
    assert "罚锾" in terms and "面向" not in terms


def test_a_numbered_five_year_plan_is_searched_as_the_period_plans_name(cache_dir):
    terms = chinese_terms("What does the 15th Five-Year Plan outline say about forest coverage?", cache_dir=cache_dir)
    assert terms[0] == "十五五" and "森林" in terms
    assert chinese_terms("Targets of the 14th five year plan?", cache_dir=cache_dir)[0] == "十四五"
    assert not any("th" == t for t in terms)


def test_an_english_ordinal_states_no_figure_and_is_no_topic_word():
    from qa.answer.asks import question_figures
    from qa.answer.terms import content_terms

    question = "What forest coverage rate does Shanghai aim for by 2030 in its 15th Five-Year Plan outline?"
    assert question_figures(question) == ("2030",)  # 15 is the plan's number, not a premise to check
    assert not any("15" in t for t in content_terms(question))


def test_the_places_an_english_question_names_come_with_their_chinese_spellings(cache_dir):
    from qa.retrieve.english_terms import place_names

    found = dict(place_names("What target has Hangzhou's transport sector set? And Xi'an?", cache_dir=cache_dir))
    assert found["Hangzhou"][0] == "杭州" and "西安" in found["Xi'an"]
    assert "What" not in found and "And" not in found  # capitalised, but no name
    # A name spelt like a document title's words takes the title's characters first.
    titled = dict(place_names("Which survey is Yangpu's standard based on?", ["上海杨浦生活秀带国家文物保护利用示范区三年行动计划"],
                              cache_dir=cache_dir))
    assert titled["Yangpu"][0] == "杨浦"


def test_a_place_known_in_english_by_a_name_of_its_own_is_found_and_china_is_home(cache_dir):
    from qa.places import unknown_places
    from qa.retrieve.english_terms import place_names

    found = dict(place_names("What restrictions apply to exports to Iran under China's law?", cache_dir=cache_dir))
    assert "伊朗" in found["Iran"]
    assert "Foreign" not in dict(place_names("Does the Foreign Relations Law allow it?", cache_dir=cache_dir))
    law = "第一条 为了维护国家安全和利益，制定本法。"
    assert unknown_places("", law, list(found.items())) == ("Iran (伊朗)",)  # China is where the law is from


def test_an_english_count_is_searched_as_a_chinese_text_writes_it(cache_dir):
    terms = chinese_terms("Are weekends counted in a time limit of ten days?", cache_dir=cache_dir)
    assert "10日" in terms and "旬时" not in terms  # not the dictionary's "ten-day period"
