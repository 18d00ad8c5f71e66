"""Place names in questions: jieba's split pieces joined, and judged against a context."""
from __future__ import annotations

from qa.places import mentioned, places, unknown_places

CONTEXT = "四川天府新区发展规划 重庆市渝中区人民政府 学习借鉴深圳经验"


def names(text: str) -> list[str]:
    return [p.text for p in places(text)]


def test_split_area_names_are_joined():
    assert names("雄安新区要建设哪些大学？") == ["雄安新区"]
    assert names("四川天府新区的总定位是什么？") == ["四川天府新区"]
    assert names("推动天府新区建设") == ["天府新区"]  # the verb stays out of the name


def test_a_place_counts_as_mentioned_whole_bare_or_by_its_parts():
    def known(text: str) -> bool:
        return all(mentioned(p, CONTEXT) for p in places(text))

    assert known("四川天府新区的面积")
    assert known("重庆渝中区的目标")  # 重庆 and 渝中区 are both named, not side by side
    assert known("渝中区的目标") and known("深圳的经验")
    assert not known("雄安新区的目标")
    assert not known("上海市的目标")


def test_an_english_name_is_unknown_when_no_spelling_of_it_is_mentioned():
    hangzhou = [("Hangzhou", ("杭州",))]
    assert unknown_places("", "上海市交通领域光伏应用实施方案", hangzhou) == ("Hangzhou (杭州)",)
    assert unknown_places("", "杭州市交通运输局", hangzhou) == ()  # 杭州 named, without its 市
    # "Yuzhong" is 榆中 (a county, a place to jieba) or 渝中: known wherever either is.
    assert unknown_places("", "渝中区全力推进十项行动", [("Yuzhong", ("榆中", "渝中"))]) == ()
    assert unknown_places("", "渝中区全力推进十项行动", [("Planning", ("规划",))]) == ()  # no place at all
    assert unknown_places("上海市的目标是什么？", "渝中区", ()) == ("上海市",)  # Chinese places as before


def test_only_words_the_gazetteer_knows_are_places():
    # jieba tags 上路 (to take the road) a place in its dictionary and guesses 法里 (「管制法里」) is one.
    assert names("渣土车违反禁行规定上路，由哪个部门查处？") == []
    assert names("台湾噪音管制法里，中央一级的主管机关是哪个？") == ["台湾"]
    assert unknown_places("违反限行规定上路的渣土车由哪个部门查处", "渣土车不得在禁行时段行驶") == ()
    # Divisions whole or bare, countries and foreign subdivisions stay places.
    assert names("江门和闵行区的做法") == ["江门", "闵行区"]
    assert names("美国和东京都的经验") == ["美国", "东京都"]
    assert unknown_places("美国的经验是什么？", "渝中区") == ("美国",)


def test_an_administrative_suffix_makes_a_place_only_of_a_place():
    assert names("景观区内的设施") == []  # 景观 is no place, so 景观区 is none
    assert names("噪音管制区的划定") == []
    assert names("成都片区的面积") == ["成都片区"]  # a planning area takes any name before it


def test_a_word_jieba_lists_as_several_places_is_a_place():
    assert names("上海浦东新区打造引领区的主要目标是什么？") == ["上海浦东新区"]
    assert names("两江新区的定位") == ["两江新区"]  # a planning area, no division
