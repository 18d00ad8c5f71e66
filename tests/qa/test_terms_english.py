"""English questions answered offline (issue 11, English key facts): what an English question
asks is read from its English (a span of time, an age, an amount of money, who is responsible,
one thing or a list), and its translated Chinese words choose the sentence as a Chinese
question's words do. Hand-built clauses, no index and no embedder."""
from __future__ import annotations

from qa.answer.asks import has_duration, read_question
from qa.answer.extractive import ExtractiveAnswerer
from qa.answer.terms import content_terms, held
from qa.core.text import to_search_text
from qa.core.types import Clause, ContextItem, Hit


def clause(path: tuple[str, ...], text: str, ordinal: int, title: str = "某某条例") -> Clause:
    labels = tuple(p.split(" ")[0] for p in path)
    return Clause(clause_id=f"d:{'/'.join(labels)}", doc_id="d", doc_title=title, ref=" ".join(path), path=path,
                  labels=labels, heading=path[-1], text=text, search_text=to_search_text(text), start=0,
                  end=len(text), ordinal=ordinal, level=len(path), parent_id=None)


def items_of(*clauses: Clause) -> list[ContextItem]:
    return [ContextItem(n=i, hit=Hit(clause=c, score=1.0, text=c.text), text=c.text)
            for i, c in enumerate(clauses, start=1)]


def answerer(*words: str) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(translate=lambda question: list(words))


# --- what the English asks --------------------------------------------------------------------

def test_which_with_a_plural_noun_asks_for_a_list_and_with_a_singular_one_does_not():
    assert read_question("Which groups does the state encourage to donate blood first?").listing
    assert read_question("Which key technologies does the city want to break through?").listing
    assert read_question("Which universities' building complexes does the plan name?").listing
    assert not read_question("Which organisation is responsible for the railway project?").listing
    assert not read_question("Which electricity tariff applies to chargers in residential compounds?").listing
    assert not read_question("Which national survey is the protection system built on?").listing
    # "what" with a plural noun asks the same as "which" does.
    assert read_question("On what grounds can a manufacturer escape liability?").listing
    assert not read_question("What does the law say about fines?").listing


def test_responsible_in_charge_and_which_agency_ask_who():
    for question in ("Which organisation is responsible for the railway project?",
                     "Which agency is in overall charge of coordinating the work?",
                     "Which department approves the plan?"):
        assert read_question(question).responsible, question
    assert not read_question("Which electricity tariff applies to chargers?").responsible


def test_what_fine_asks_an_amount_of_money_and_what_age_an_age():
    fine = read_question("What fine can a factory face if its noise still exceeds the limits?")
    assert fine.figure and fine.penalty and fine.asked_measure == "元"
    age = read_question("Up to what age can a child move in together with the applicant?")
    assert age.figure and age.asked_unit == "岁"
    assert read_question("How old must an applicant be?").asked_unit == "岁"


def test_how_long_asks_a_span_of_time_unless_it_asks_how_long_a_thing_is():
    assert read_question("How long must someone have lived in the city before applying?").duration
    assert read_question("How many working days does the office have to decide?").duration
    assert not read_question("How long is the stretch of riverside the district will upgrade?").duration


def test_when_asks_a_date_but_when_doing_something_sets_a_case():
    assert read_question("When did the regulation come into force?").date
    assert read_question("By when must the system be connected?").date
    assert not read_question("When binding offline, do users still need to present the original licence?").date


def test_half_a_year_is_a_span_of_time_but_the_first_half_of_a_year_is_not():
    assert has_duration("居住半年以上的，可以申领居住证")
    assert has_duration("应当在半个月内答复")
    assert not has_duration("上半年完成改造")


# --- the translated words ---------------------------------------------------------------------

def test_a_translated_word_jieba_cuts_into_characters_stays_whole():
    # 罚锾 (Taiwan's word for a fine) is 罚 + 锾 to jieba: as single characters it was no term at all.
    assert "罚锾" in content_terms("What fine can a factory face? 工厂 罚锾")
    assert "罚锾" not in content_terms("工厂要罚多少钱 罚锾")  # a Chinese question's words are jieba's


def test_only_the_translated_words_the_context_holds_weigh():
    assert held(["居住证", "直辖市", "自治县"], ["公民居住半年以上的，可以申领居住证。"]) == ["居住证"]
    assert held(["直辖市"], ["公民居住半年以上的。"]) == ["直辖市"]  # none held: nothing to drop on


# --- the sentence quoted ----------------------------------------------------------------------

def test_what_fine_quotes_the_fine_not_the_deadline_its_words_also_match():
    period = clause(("第二十四条",), "前项限期改善之期限规定如下：工厂不得超过九十日。", 1)
    fine = clause(("第二十四条", "一"), "经限期改善仍未符合噪音管制标准者，工厂处新台币六千元以上六万元以下罚锾。", 2)
    # "deadline" translates as 限期 期限: a word of the topic, not a question asking for a span of time
    draft = answerer("工厂", "噪音", "限期", "期限", "罚锾").answer(
        "What fine can a factory face if its noise still exceeds the limits after the improvement deadline?",
        items_of(period, fine), language="en")
    assert not draft.refused and "六千元" in draft.text and "九十日" not in draft.text


def test_a_count_the_english_question_states_picks_the_sentence_that_states_it():
    holidays = clause(("第四十三条",), "第四十三条　行政机关不得在夜间或者法定节假日实施行政强制执行。", 1)
    days = clause(("第六十九条",), "第六十九条　本法中十日以内期限的规定是指工作日，不含法定节假日。", 2)
    assert read_question("Is a time limit of ten days counted in working days?").counts == (("10日", "10天"),)
    question = "When the law sets a time limit of ten days or fewer, are public holidays counted?"
    ranked, _ = ExtractiveAnswerer().assess(question, items_of(holidays, days),
                                            wording=f"{question} 10日 行政 强制 法定节假日 节假日")
    assert "工作日" in ranked[0].sentence  # not the article on 节假日 that its other words match as well


def test_how_long_quotes_the_sentence_with_half_a_year():
    other = clause(("第七十条",), "第七十条　居住证持有人在居住地连续居住的，应当办理签注手续，申领居住证需提交居住证明。", 1)
    rule = clause(("第六十三条",), "第六十三条　公民到其他市、县居住半年以上的，可以在居住地申领居住证。", 2)
    draft = answerer("居住", "居住证", "申领", "直辖市").answer(
        "How long must someone have lived in another city before they can apply for a residence permit?",
        items_of(other, rule), language="en")
    assert not draft.refused and "半年" in draft.text and "签注" not in draft.text


def test_which_body_is_responsible_quotes_the_note_naming_it_not_a_list_of_projects():
    subway = clause(("三", "1"), "“光伏+地铁”工程。推进地铁车辆基地屋顶光伏建设。（责任单位：地铁集团）", 1)
    railway = clause(("三", "2"), "“光伏+铁路”工程。充分研究铁路沿线边坡光伏应用。（责任单位：铁路局）", 2)
    draft = answerer("光伏", "铁路", "工程").answer(
        "Which organisation is responsible for the 'PV + railway' project?", items_of(subway, railway), language="en")
    assert not draft.refused and "铁路局" in draft.text and "\n" not in draft.text


def test_an_english_question_whose_translated_words_the_sentence_holds_needs_a_lower_cosine():
    from qa.answer.refusal import Evidence, refuses
    from qa.core.config import TUNING

    def evidence(translated):
        return Evidence(coverage=1.0, similarity=0.755, asks_figure=False, has_figure=True, translated_coverage=translated)

    assert not refuses(evidence(0.9), TUNING.refusal)  # e5 puts English further from Chinese text
    assert refuses(evidence(0.5), TUNING.refusal)  # few of its words there: the cosine alone decides
    assert refuses(evidence(None), TUNING.refusal)  # a Chinese question keeps the usual floor
