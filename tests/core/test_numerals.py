import pytest

from qa.core.numerals import cn_to_int, extract_figures, figure_in


@pytest.mark.parametrize("numeral, value", [
    ("十二", 12), ("二十一", 21), ("一百零五", 105), ("二〇二〇", 2020), ("两", 2), ("兩", 2), ("17", 17),
    ("十四五", None), ("千方百计", None), ("三万", None), ("", None),
])
def test_numerals_read_as_numbers_or_not_at_all(numeral, value):
    assert cn_to_int(numeral) == value


def test_figures_match_across_numeral_systems_width_and_digit_grouping():
    assert figure_in("2035", "展望二〇三五年") and figure_in("33", "三十三个项目")
    assert figure_in("１４８４", "面积1,484平方公里")
    assert not figure_in("33", "133个") and not figure_in("2100亿", "2100万元")


def test_list_enumerators_and_citation_markers_are_not_figures():
    assert extract_figures("1. 推进项目[12]") == ()
    assert extract_figures("（2）到2027年达到75%【3】") == ("2027", "75%")
