import pytest

from qa.answer.asks import read_question
from qa.core.numerals import amount, cn_to_int, extract_figures, figure_in, numeric_form, quantities, states_measure


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


def test_amounts_compare_by_value_across_magnitudes_and_numeral_systems():
    assert figure_in("1.2万亿", "地区生产总值达到12000亿元") and figure_in("12000亿", "达到1.2万亿元")
    assert figure_in("１２０００亿", "达到1.2万亿元")  # full-width digits
    assert figure_in("1", "打造一小时通勤圈") and figure_in("15", "十五个工作日内办结")
    assert figure_in("33万", "达到三十三万元")
    assert not figure_in("1.2万亿", "达到1.2亿元") and not figure_in("120", "达到1.2万亿元")


def test_a_plan_name_or_a_numeral_word_is_no_number():
    assert not figure_in("14", "“十四五”规划") and not figure_in("5", "“十四五”规划")
    assert numeric_form("一体化发展，千方百计") == "一体化发展,千方百计"
    assert numeric_form("十五个工作日，一小时，二〇三五年") == "15个工作日,1小时,2035年"
    assert amount("1.2万亿") == amount("12000亿") and amount("75%") != amount("75")


def test_counts_and_amounts_written_in_chinese_are_figures_but_asking_counts_are_not():
    assert extract_figures("每个矿井必须有两个以上的安全出口") == ("两个",)
    assert extract_figures("可以并处十万元以下的罚款") == ("十万",)
    assert extract_figures("一小时通勤圈") == ("一小时",)
    assert extract_figures("建立一个机制，推进一体化发展、两中心建设") == ()
    assert extract_figures("指的是哪两项承诺") == ()
    assert figure_in("两个", "每个矿井必须有2个以上出口") and figure_in("十万", "并处10万元以下罚款")


def test_a_rate_in_words_is_a_figure_equal_to_its_percentage():
    from qa.core.numerals import extract_figures, figure_in, numeric_form

    assert extract_figures("适用简易计税方法的征收率为百分之三") == ("百分之三",)
    assert numeric_form("降低百分之三点五，不超过千分之五") == "降低3.5%,不超过5‰"
    assert figure_in("3%", "征收率为百分之三") and figure_in("百分之十五", "比例提高到15%")
    assert not figure_in("5%", "征收率为百分之三")


def test_an_amount_in_another_unit_of_the_asked_dimension_states_the_measure():
    assert states_measure("永久基本农田保护面积12万亩", "公顷")  # area asked in 公顷, stated in 亩
    assert states_measure("每次采集不超过400毫升", "毫升") and states_measure("日供水5万立方米", "升")
    assert not states_measure("可以并处十万元以下的罚款", "毫升")  # money is no volume
    assert not states_measure("新建公园绿地100平方米", "公里")  # an area is no length


def test_an_english_question_names_its_unit():
    asked = {q: read_question(q).asked_measure for q in (
        "How many hectares of farmland are protected?", "What is the most blood a donor may give, in millilitres?",
        "How many square kilometers does the zone cover?", "How much subsidy per kilowatt is paid?",
        "How many days does the review take?", "What resident population does the plan aim for?", "罚款多少人民币？")}
    assert list(asked.values()) == ["公顷", "毫升", "平方公里", "元", "", "人", ""]
    assert read_question("What is the most blood a donor may give, in millilitres?").figure  # a figure is asked


def test_a_number_that_names_a_box_a_table_or_a_metro_line_counts_nothing():
    assert quantities("专栏3加快航运贸易领域数字化建设") == () and quantities("见表1和附件2") == ()
    assert quantities("助推轨道五号线一期、十八号线、二十七号线建成运营") == ()
    assert quantities("总投资120亿元（见表3），新建线路2条") == ("120亿", "2")  # the amounts stay
    assert quantities("选出代表3人") == ("3",)  # 代表 is no table
