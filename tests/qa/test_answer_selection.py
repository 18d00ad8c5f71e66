"""The offline answerer on hand-built clauses (no index, no embedder): one test per failure class
of issue 11 — the year, the measure and the unit asked, who leads a task, a list named by its
heading or count (items the context lacks fetched from the document), a colon that introduces
the answer, 今年 in a dated document, a figure stated elsewhere in the same document, and a
question the clauses cannot answer, refused with what was missing named."""
from __future__ import annotations

from qa.answer.extractive import ExtractiveAnswerer
from qa.core.types import Clause, DocumentMeta

from handmade import clause, items_of


class Library:
    """What the index reader offers the answerer: document metadata and a document's clauses."""

    def __init__(self, clauses: list[Clause], dates: dict[str, str]) -> None:
        self._clauses, self._dates = clauses, dates

    def documents(self) -> list[DocumentMeta]:
        return [DocumentMeta(doc_id=d, title="某区发展行动方案", short_title="方案", date=date) for d, date in self._dates.items()]

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        return [c for c in self._clauses if doc_id is None or c.doc_id == doc_id]


ANSWERER = ExtractiveAnswerer()


def answer_of(question: str, *clauses):
    return ANSWERER.answer(question, items_of(*clauses))


def test_a_year_question_quotes_that_years_figure():
    c = clause("d", ("二、主要目标",), "到2025年，全区地区生产总值达到1500亿元。到2027年，全区地区生产总值达到2100亿元。", 1)
    draft = ANSWERER.answer("到2027年全区地区生产总值要达到多少？", items_of(c))
    assert not draft.refused and "2100亿元" in draft.text and "1500亿元" not in draft.text


def test_a_total_question_does_not_quote_the_per_head_figure():
    text = ("——经济能级显著提升。发展能级和综合竞争力全市领先，经济发展速度紧跟全市发展步伐，经济总量保持全市前列，"
            "人均地区生产总值达到33万元左右，地区生产总值迈上2100亿元台阶，楼均生产总值保持全市前列，初步建成创新之城。")
    draft = ANSWERER.answer("地区生产总值要达到多少？", items_of(clause("d", ("二、主要目标", "——经济能级显著提升"), text, 2)))
    assert not draft.refused and "2100亿元" in draft.text and "33万元" not in draft.text


def test_a_duration_question_is_answered_with_the_span_of_time():
    rule = clause("d", ("第八条",), "第八条 审批机关应当自受理申请之日起十五个工作日内作出决定。", 8)
    other = clause("d", ("第九条",), "第九条 审批机关作出决定后应当及时通知申请人并说明理由。", 9)
    draft = ANSWERER.answer("审批机关作出决定的期限是多少个工作日？", items_of(other, rule))
    assert not draft.refused and "十五个工作日" in draft.text


def test_who_leads_is_answered_with_the_responsibility_note():
    task = clause("d", ("三、重点任务", "6."), "6.助力建设航运中心。有效实施长江干线航道整治工程。（牵头单位：区交通局，责任单位：区住建委等）", 6)
    draft = ANSWERER.answer("助力建设航运中心由哪个单位牵头？", items_of(task))
    assert not draft.refused and "区交通局" in draft.text


def test_who_is_responsible_for_the_second_task_of_a_clause_gets_that_tasks_note():
    text = ("（一）建立标准计量体系\n统筹推进本区相关标准研制工作，逐步扩大标准覆盖范围。（责任单位：区发展改革委、区统计局）\n"
            "制定实施重点行业计量规范，完善能源资源分项计量。（责任单位：区市场监管局、区经济信息化委）")
    task = clause("d", ("二、重点任务", "（一）建立标准计量体系"), text, 4)
    draft = ANSWERER.answer("制定重点行业计量规范由哪些单位负责？", items_of(task))
    assert not draft.refused and "区市场监管局" in draft.text and "区统计局" not in draft.text


def test_a_bare_heading_is_not_the_answer_to_a_question_that_asks_no_list():
    heading = clause("d", ("三、 规划评估工作安排",), "三、规划评估工作安排", 3)  # its content in the clauses under it
    body = clause("d", ("二、 规划管理", "（一） 深化评估"), "（一）深化评估\n规划实施过程中开展中期评估，规划期结束后开展总结评估。", 2)
    ranked, _ = ANSWERER.assess("规划评估工作如何开展？", items_of(heading, body))  # a tie on words without the rule
    assert "中期评估" in ranked[0].sentence


def test_a_list_named_by_its_heading_gets_every_item_even_those_outside_the_context():
    heading = clause("d", ("三、基本原则",), "三、基本原则", 3)
    kids = [clause("d", ("三、基本原则", f"（{n}）"), f"（{n}）坚持{word}。{word}是发展的重要原则。", 4 + i)
            for i, (n, word) in enumerate(zip("一二三四", ["创新驱动", "协调联动", "绿色低碳", "开放共享"]))]
    library = Library([heading, *kids], {"d": "2023-05-01"})
    draft = ANSWERER.answer("基本原则有哪些？", items_of(heading, kids[0]), library=library)
    assert not draft.refused
    assert all(word in draft.text for word in ["创新驱动", "协调联动", "绿色低碳", "开放共享"])
    assert len(draft.items) == 5 and all(f"[{n}]" in draft.text for n in (2, 3, 4, 5))


def test_a_list_named_by_its_count_gets_that_many_items():
    top = clause("d", ("三、重点任务",), "三、重点任务", 3)
    actions = [clause("d", ("三、重点任务", f"（{n}） 全力推进{w}行动"), f"（{n}）全力推进{w}行动。围绕{w}开展工作，形成支撑。", 4 + i)
               for i, (n, w) in enumerate(zip("一二三", ["产业升级", "城市更新", "开放合作"]))]
    library = Library([top, *actions], {"d": "2023-05-01"})
    draft = ANSWERER.answer("三项行动有哪些？", items_of(actions[1]), library=library)
    assert all(w in draft.text for w in ["产业升级", "城市更新", "开放合作"]) and "……" not in draft.text


def test_an_answer_never_stops_at_a_colon():
    rule = clause("d", ("第五条",), "第五条 外商投资电信企业的注册资本应当符合下列规定：\n"
                  "（一）经营全国的，最低注册资本为10亿元；\n（二）经营省内的，最低注册资本为1亿元。", 5)
    draft = ANSWERER.answer("外商投资电信企业的注册资本有什么规定？", items_of(rule))
    assert not draft.refused and "10亿元" in draft.text and "1亿元" in draft.text


def test_the_items_after_a_colon_may_be_child_clauses():
    head = clause("d", ("第五条",), "第五条 外商投资电信企业的注册资本应当符合下列规定：", 5)
    kids = [clause("d", ("第五条", "（一）"), "（一）经营全国的，最低注册资本为10亿元；", 6),
            clause("d", ("第五条", "（二）"), "（二）经营省内的，最低注册资本为1亿元。", 7)]
    draft = ANSWERER.answer("外商投资电信企业的注册资本应当符合什么规定？", items_of(head),
                            library=Library([head, *kids], {"d": "2022-01-01"}))
    assert not draft.refused and "10亿元" in draft.text and "1亿元" in draft.text


def test_this_year_in_a_dated_document_answers_a_question_naming_that_year():
    c = clause("d", ("一、年度目标",), "一、年度目标 今年全区新增就业岗位3万个，城镇调查失业率控制在5.5%以内。", 1)
    draft = ANSWERER.answer("2024年全区新增就业岗位目标是多少？", items_of(c), library=Library([c], {"d": "2024-02-01"}))
    assert not draft.refused and "3万个" in draft.text


def test_a_figure_stated_in_another_clause_of_the_document_is_no_false_premise():
    asked = clause("d", ("二、",), "二、推进一小时通勤圈建设，完善城际轨道交通网络，提升通勤效率。", 2)
    elsewhere = clause("d", ("五、",), "五、到2028年，基本建成1小时通勤圈。", 5)
    question = "为建成2028年目标中的1小时通勤圈，要完善什么网络？"
    alone = ANSWERER.answer(question, items_of(asked))
    assert alone.refused and "2028" in alone.evidence.unsupported_premises  # nothing said 2028
    draft = ANSWERER.answer(question, items_of(asked), library=Library([asked, elsewhere], {"d": "2024-01-01"}))
    assert not draft.refused and "城际轨道交通网络" in draft.text


def test_an_unrelated_line_is_refused_and_the_refusal_names_what_is_missing():
    note = clause("d", ("附则",), "本方案由区发展改革委负责解释，自印发之日起施行。", 9)
    draft = ANSWERER.answer("成都市2019年的房价调控政策是什么？", items_of(note))
    assert draft.refused and draft.notice
    assert "房价" in draft.notice or "调控" in draft.notice


def test_an_item_is_quoted_with_the_line_it_hangs_on_which_holds_the_figure():
    article = clause("d", ("第十八条",), "第十八条 有下列行为之一的，由卫生行政部门予以取缔，可以并处十万元以下的罚款：\n"
                     "（一）非法采集血液的；\n（二）出售无偿献血的血液的；\n（三）非法组织他人出卖血液的。", 18)
    draft = ANSWERER.answer("非法组织他人卖血，最高可以罚多少钱？", items_of(article))
    assert not draft.refused and "十万元以下的罚款" in draft.text and "非法组织他人出卖血液" in draft.text
    assert all(quote in article.text for quoted in draft.quotes.values() for quote in quoted.split("；"))


def test_a_count_written_in_chinese_answers_a_how_many_question():
    rule = clause("d", ("第十条",), "第十条 每个矿井必须有两个以上能行人的安全出口，出口之间的距离必须符合规范。", 10)
    other = clause("d", ("第十一条",), "第十一条 矿山必须有与外界相通的、符合安全要求的运输和通讯设施。", 11)
    draft = ANSWERER.answer("每个矿井至少要有几个能走人的安全出口？", items_of(other, rule))
    assert not draft.refused and "两个以上" in draft.text


def test_a_when_question_quotes_the_sentence_with_the_date():
    notice = clause("d", ("一、",), "一、调峰市场试运行以来，有力促进了新能源消纳。近日，运营机构申请适当延长市场运行时间。"
                    "经研究，决定将市场运行时间延长至2019年4月30日。", 1)
    draft = ANSWERER.answer("调峰市场的运行时间被延长到哪天？", items_of(notice))
    assert not draft.refused and "2019年4月30日" in draft.text


def test_which_two_in_a_question_is_asking_not_a_premise():
    rule = clause("d", ("（三）",), "（三）持续开展放心消费“双承诺”活动，落实“放心消费承诺”和“线下无理由退货承诺”活动规则。", 3)
    draft = ANSWERER.answer("放心消费“双承诺”指的是哪两项承诺？", items_of(rule))
    assert not draft.refused and "线下无理由退货承诺" in draft.text


def test_a_second_quote_must_bring_more_than_the_documents_name():
    rule = clause("d", ("第三十一条",), "第三十一条 本规定自2019年1月1日起施行。", 31, title="上海市预付卡管理规定")
    note = clause("d", ("附",), "2018年7月27日 上海市人大常委会会议通过。", 32, title="上海市预付卡管理规定")
    draft = ANSWERER.answer("《上海市预付卡管理规定》从哪天起施行？", items_of(rule, note))
    assert not draft.refused and "2019年1月1日" in draft.text and "[2]" not in draft.text


def test_asking_words_are_not_what_the_answer_must_contain():
    rule = clause("d", ("第二条",), "第二条 一人公司，是指由个体独立完成产品研发到市场投放全链路闭环的新型创业形态。", 2)
    draft = ANSWERER.answer("纲要里说的“一人公司”是什么意思？", items_of(rule))
    assert not draft.refused and "新型创业形态" in draft.text


def test_an_abbreviated_issuer_names_the_document_not_the_answer():
    from qa.core.text import abbreviates

    assert abbreviates("国办", "国务院办公厅关于加强医疗保障基金使用常态化监管的实施意见")
    assert abbreviates("发改委", "国家发展和改革委员会")
    assert not abbreviates("工作", "国务院办公厅关于加强医疗保障基金使用常态化监管的实施意见")


def test_a_parents_long_text_does_not_lend_its_words_to_every_sentence_under_it():
    section = clause("d", ("一、",), "一、工作回顾\n刚刚过去的一年，全市地区生产总值增长5.3%。我们坚持改革创新。", 1, title="某市政府工作报告")
    task = clause("d", ("一、", "（一）"), "（一）扩大内需。全市上下扎实推进“六区一高地”建设。", 2, title="某市政府工作报告")
    draft = ANSWERER.answer("全市地区生产总值增长了多少？", items_of(task, section))
    assert not draft.refused and "5.3%" in draft.text and "六区一高地" not in draft.text


def test_a_close_paraphrase_answers_a_figure_question_with_fewer_shared_words():
    from qa.answer.refusal import Evidence, refuses
    from qa.core.config import RefusalThresholds

    limits = RefusalThresholds()
    paraphrase = Evidence(coverage=0.68, similarity=0.95, asks_figure=True, has_figure=True)
    loose = Evidence(coverage=0.68, similarity=0.89, asks_figure=True, has_figure=True)
    no_figure = Evidence(coverage=0.9, similarity=0.95, asks_figure=True, has_figure=False)
    assert not refuses(paraphrase, limits) and refuses(loose, limits) and refuses(no_figure, limits)


def test_a_counted_list_announced_by_a_short_sentence_is_answered_with_the_sentences_after_it():
    text = ("加快发展三大先导产业。集成电路聚焦提高装备能级和设计能力，推动全产业链整体突破。"
            "生物医药加强重要创新药械研发，加快成果转化。人工智能强化算力和模型供给，拓展应用场景。"
            "到2030年，三大先导产业总规模明显提升。")
    c = clause("d", ("二、", "1."), text, 2)
    draft = ANSWERER.answer("三大先导产业是哪三个？", items_of(c))
    assert not draft.refused
    assert all(w in draft.text for w in ("集成电路", "生物医药", "人工智能")) and "总规模" not in draft.text


def test_an_escalation_is_quoted_with_the_sentence_it_continues():
    text = ("第二十六条 经营者违反本规定第十条的规定，未报送有关信息的，由执法部门责令限期改正；逾期不改的，处二千元以上二万元以下罚款。"
            "经营者违反本规定第十五条的规定，未采取风险防范措施的，由执法部门责令限期改正；逾期不改的，处二万元以上二十万元以下罚款。")
    draft = ANSWERER.answer("经营者未按规定报送信息、逾期又不改正的，罚款幅度是多少？", items_of(clause("d", ("第二十六条",), text, 26)))
    assert not draft.refused and "二千元以上二万元以下罚款" in draft.text and "未报送有关信息" in draft.text
    assert "二十万元" not in draft.text


def test_a_continuation_as_close_as_the_sentence_before_it_is_quoted_with_it():
    text = ("涨价理由不充分的，如经营者自愿将价格调整到合理区间，应提交书面承诺函，并在承诺时间内调整到位；"
            "如拒不调整，可视情节采取提醒告诫、暂停挂网等措施。")
    draft = ANSWERER.answer("经营者涨价理由不充分又拒不调整价格的，可以怎么处理？", items_of(clause("d", ("二、", "（二）"), text, 3)))
    assert not draft.refused and "暂停挂网" in draft.text and "书面承诺函" in draft.text


def test_two_particles_glued_by_the_tokenizer_are_not_a_topic_word():
    from qa.answer.terms import content_terms

    terms = content_terms("定点医药机构在医保基金使用上要承担什么责任？")
    assert "上要" not in terms and "定点" in " ".join(terms) and "责任" in terms


def test_a_sentence_announcing_its_items_after_a_colon_is_the_list_not_the_sections_below():
    head = clause("d", ("三、",), "三、今年工作安排\n今年主要预期目标是：地区生产总值增长5%以上，固定资产投资增长3%，城镇新增就业65万人以上。", 3)
    tasks = [clause("d", ("三、", f"（{n}）"), f"（{n}）{t}。全力推进相关工作。", 4 + i)
             for i, (n, t) in enumerate([("一", "扩大内需"), ("二", "建设现代化产业体系"), ("三", "打造科技创新中心")])]
    draft = ANSWERER.answer("今年主要预期目标有哪些？", items_of(head, *tasks), library=Library([head, *tasks], {"d": "2026-01-28"}))
    assert not draft.refused and "增长5%以上" in draft.text and "65万人以上" in draft.text and "扩大内需" not in draft.text


def test_a_definition_asked_by_its_law_name_is_answered_by_the_clause_that_says_shi_zhi():
    rule = clause("d", ("第二条",), "第二条 本法所称标准，是指农业、工业、服务业等领域需要统一的技术要求。", 2, title="中华人民共和国标准化法")
    other = clause("d", ("第三条",), "第三条 标准化工作的任务是制定标准、组织实施标准。", 3, title="中华人民共和国标准化法")
    draft = ANSWERER.answer("标准化法所说的“标准”是什么？", items_of(rule, other))
    assert not draft.refused and "需要统一的技术要求" in draft.text


def test_one_paraphrased_word_beside_the_documents_name_does_not_zero_the_evidence():
    from qa.answer.strength import Cited, strength

    title = "中华人民共和国农村土地承包经营纠纷调解仲裁法"
    quote = "第四十七条 仲裁农村土地承包经营纠纷，应当自受理仲裁申请之日起六十日内结束。"
    found = strength("农村土地承包纠纷仲裁一般要在多少天内结案？", [Cited(quote, title, None, title)])
    assert found.missing == ("结案",) and 0.4 <= found.score < 0.75  # not refused, not shown as a close match
    unrelated = strength("农村土地承包纠纷仲裁一般要在多少天内结案？", [Cited("第一条 为了公正、及时解决纠纷，制定本法。", title, None, title)])
    assert unrelated.score < 0.4


def test_a_definition_question_quotes_the_sentence_saying_shi_zhi():
    scope = clause("d", ("第二条",), "第二条 国家对两用物项、军品等物项的出口管制，适用本法。本法所称两用物项，是指既有民事用途，又有军事用途的货物、技术和服务。", 2,
                   title="中华人民共和国出口管制法")
    apply = clause("d", ("第二十一条",), "第二十一条 出口经营者向国家两用物项出口管制管理部门申请出口两用物项时，应当如实提交相关材料。", 21,
                   title="中华人民共和国出口管制法")
    draft = ANSWERER.answer("出口管制法里的“两用物项”指的是什么？", items_of(apply, scope))
    assert not draft.refused and "既有民事用途" in draft.text and "提交相关材料" not in draft.text


def test_a_trimmed_rule_keeps_the_penalty_the_question_asks_for():
    rule = clause("d", ("第三十九条",), "第三十九条 违反本法规定，不具备省、自治区、直辖市气象主管机构规定的条件实施人工影响天气作业的，"
                  "或者实施人工影响天气作业使用不符合国务院气象主管机构要求的技术标准的作业设备的，由县级以上气象主管机构按照权限责令改正，"
                  "给予警告，可以并处十万元以下的罚款。", 39, title="中华人民共和国气象法")
    draft = ANSWERER.answer("不具备条件实施人工影响天气作业的，可以罚多少？", items_of(rule))
    assert not draft.refused and "十万元以下的罚款" in draft.text and "不具备" in draft.text
    fine = ANSWERER.answer("不具备条件实施人工影响天气作业的，怎么罚？", items_of(rule))
    assert not fine.refused and "十万元以下的罚款" in fine.text


def test_same_day_is_a_time_limit():
    text = ("对提交的绑定申请，符合条件的，原则上应当场受理、当日办结、当日返还有关材料。"
            "采用邮寄形式的，符合条件的，原则上应于材料收到之日起3个工作日内办结。")
    draft = ANSWERER.answer("供电企业受理绑定申请，办结时限是怎么要求的？", items_of(clause("d", ("三、",), text, 3)))
    assert not draft.refused and "当日办结" in draft.text


def test_counted_yishi_paragraphs_among_other_children_are_the_list():
    top = clause("d", ("二、",), "二、主要内容", 1)
    parts = [clause("d", ("二、", "第一部分"), "第一部分为总体要求。提出建设新能源产业高地的总体目标。", 2),
             clause("d", ("二、", "第二部分"), "第二部分为主要任务。推动新能源产业各领域深度融合。", 3)]
    actions = [clause("d", ("二、", f"{n}是"), f"{n}是实施{t}行动。围绕相关领域推进工作。", 4 + i)
               for i, (n, t) in enumerate([("一", "产业链式发展"), ("二", "技术创新突破"), ("三", "场景应用融合")])]
    tail = clause("d", ("二、", "第三部分"), "第三部分为保障措施。确保规划有效落地。", 9)
    every = [top, *parts, *actions, tail]
    draft = ANSWERER.answer("方案的主要任务包括哪三项行动？", items_of(parts[1], actions[0]), library=Library(every, {"d": "2026-01-01"}))
    assert not draft.refused
    assert all(w in draft.text for w in ("产业链式发展", "技术创新突破", "场景应用融合")) and "保障措施" not in draft.text


def test_items_counted_in_running_text_are_listed_by_their_first_sentence():
    from qa.answer.lists import ordinal_list

    text = ("推进产业转型要抓好三件事。一是实施产业链式发展行动。构建现代产业体系。二是实施技术创新突破行动。突破关键技术。"
            "三是实施开放合作拓展行动。构建服务网络。")
    item = items_of(clause("d", ("三、",), text, 3))[0]
    body, quotes = ordinal_list(item, 3)
    assert body.count("[1]") == 3 and "开放合作拓展行动" in body and "构建服务网络" not in body
    assert ordinal_list(item, 4) is None  # four asked, three said


def test_an_english_question_chooses_its_sentence_by_its_translated_words():
    text = ("推进公园城市建设，完善城市公共空间布局，提升城市功能品质和人居环境水平，打造宜居宜业的城市。"
            "全市森林覆盖率稳步提高，建设绿色生态屏障，筑牢长江上游重要生态安全屏障，守护好一江碧水。"
            "各单位要加强组织领导，明确责任分工，确保各项任务落到实处、取得实效，定期报送工作进展情况。")
    items = items_of(clause("d", ("二、",), text, 2))
    plain = ExtractiveAnswerer()
    translated = ExtractiveAnswerer(translate=lambda q: ["森林", "覆盖率"] if "forest" in q else [])
    question = "What does the plan say about forest coverage?"
    assert "森林覆盖率" in translated.answer(question, items, language="en").text
    assert "森林覆盖率" not in plain.answer(question, items, language="en").text  # similarity alone, and no embedder
    zh = "森林覆盖率有什么要求？"
    assert translated.answer(zh, items).text == plain.answer(zh, items).text  # a Chinese question is untouched


def test_an_english_answer_hedges_with_a_second_clause_only_when_the_retrievers_first_is_not_quoted():
    words = ["森林", "覆盖率", "全市", "提高", "生态", "屏障", "绿色", "水平", "稳步", "廊道"]
    best = clause("d", ("一、",), "全市森林覆盖率稳步提高，绿色生态水平稳步提高，建成生态廊道。", 1)
    other = clause("d", ("二、",), "筑牢绿色生态屏障，全市森林覆盖率稳步提高。", 2)
    answerer = ExtractiveAnswerer(translate=lambda q: words)
    question = "What does the plan say about forest coverage and the green ecological barrier?"
    agreed = answerer.answer(question, items_of(best, other), language="en")
    assert list(agreed.quotes) == [1]  # the best sentence is in the first clause: one quote
    hedged = answerer.answer(question, items_of(other, best), language="en")
    assert sorted(hedged.quotes) == [1, 2] and "屏障" in hedged.text  # the best is not: the first hedges


def test_the_sentence_defining_the_asked_term_answers_a_definition_question_over_one_holding_more_words():
    duties = clause("d", ("4",), "中央主管机关之主管事项如下：一、全国性噪音管制政策之策划。二、全国性噪音管制法规之制定、研议及释示。", 1,
                    title="环境法规汇编")
    define = clause("d", ("3",), "本法所称噪音，指超过管制标准之声音。", 2, title="环境法规汇编")
    draft = ANSWERER.answer("噪音管制法所说的“噪音”是怎么界定的？", items_of(duties, define))
    assert draft.text.startswith("本法所称噪音，指超过管制标准之声音[2]")


def test_a_year_stated_earlier_in_the_clause_dates_the_sentences_after_it():
    text = ("2020年是全面建成小康社会的收官之年，是实现新时代“三步走”战略第一步目标的关键之年。"
            "全市上下要坚持稳中求进工作总基调，以“创新提能年”为主题，推动经济社会持续健康发展。")
    year = clause("d", ("一",), text, 1, title="某市委书记署名文章")
    other = clause("d", ("二",), "2021年要以“质量提升年”为主题，推动各项工作。", 2, title="某市委书记署名文章")
    draft = answer_of("文章提出2020年的工作以什么为主题？", year, other)
    assert not draft.refused and "创新提能年" in draft.text and "质量提升年" not in draft.text
    # the later year is no answer to the earlier one, whichever comes first
    assert "创新提能年" not in answer_of("文章提出2021年的工作以什么为主题？", year, other).text


def test_a_latin_acronym_in_a_chinese_question_is_one_of_its_words():
    from qa.answer.terms import content_terms

    paper = clause("d", ("第六十八条",), "第六十八条 采用纸质材料制作居住证的地方，公安机关应当自受理之日起三十日内完成证件制作并发放。", 1)
    card = clause("d", ("第六十九条",), "第六十九条 采用IC卡材质制作居住证的地方，公安机关应当自受理之日起十五日内完成证件制作并发放。", 2)
    draft = answer_of("用IC卡做居住证的地方，受理以后多少天内要把证发下去？", paper, card)
    assert "十五日" in draft.text and "[2]" in draft.text and "三十日" not in draft.text
    assert "ic" in content_terms("推动AI赋能、IC卡应用有哪些内容？") and "ai" in content_terms("推动AI赋能、IC卡应用有哪些内容？")
    # an English question's own words are no Chinese question's acronyms, translated words beside them or not
    assert not [t for t in content_terms("How long is the IC card residence permit valid? 居住证 有效期 居住") if t.isascii()]


def test_pointing_words_and_a_year_glued_to_the_next_word_are_not_topic_words():
    from qa.answer.terms import content_terms

    terms = content_terms("这份方案给2025年定了什么标准数量目标？一共布点了多少座？")
    assert "这份" not in terms and "一共" not in terms and not any(t.startswith("年") for t in terms)
    assert {"2025", "标准", "数量"} <= set(terms)
    assert "年底" in content_terms("到2027年底要建成多少个充电站？")  # 年 opening a word of its own stays


def test_a_work_reports_title_year_does_not_frame_the_review_of_the_year_before():
    title = "2026年某市政府工作报告"
    review = clause("d", ("一、 2025年工作回顾",), "一、2025年工作回顾", 1, title)
    done = clause("d", ("一、 2025年工作回顾", "各位代表！ 过去一年"),
                  "过去一年，一般公共预算收入增长5.2%，居民收入稳步增加。", 2, title)
    ranked, _ = ANSWERER.assess("2026年一般公共预算收入的增长目标是多少？", items_of(review, done))
    assert ranked[0].fit < 1.0  # the 2025 figure, said under a 2025 heading, is not the 2026 target


def test_a_clauses_own_heading_line_sets_the_year_of_the_paragraph_under_it():
    title = "2026年某市政府工作报告"
    review = clause("d", ("一、 2025年工作回顾",),
                    "一、2025年工作回顾\n我们坚持稳中求进，推动经济顶压前行，全市地区生产总值达到3000亿元、增长5.3%。"
                    "一年来，主要抓了九个方面工作。", 1, title)
    plan = clause("d", ("三、 今年工作安排",), "三、今年工作安排\n单位地区生产总值能耗下降2%。", 3, title)
    ranked, _ = ANSWERER.assess("2025年地区生产总值是多少，增长了多少？", items_of(plan, review))
    assert "3000亿元" in ranked[0].sentence and ranked[0].fit == 1.0  # not the title's 2026


def test_a_trimmed_definition_keeps_what_follows_shi_zhi_verbatim():
    from qa.answer.asks import read_question
    from qa.answer.quotes import trim
    from qa.answer.terms import content_terms

    sentence = ("第三条 本条例所称扬尘污染，是指在建设工程施工、建筑物拆除、物料运输和堆放、道路养护和保洁、绿化作业、"
                "矿产开采、农业生产等活动中以及因土地裸露产生颗粒物对大气造成的污染。")
    question = "条例里说的“扬尘污染”具体指什么？"
    quote = trim(sentence, content_terms(question), False, asks=read_question(question), max_chars=30)
    assert "扬尘污染，是指" in quote and "对大气造成的污染" in quote


def test_a_penalty_in_the_condition_does_not_stand_for_the_consequence():
    from qa.answer.asks import read_question
    from qa.answer.quotes import trim
    from qa.answer.terms import content_terms

    sentence = ("违反本条例规定，建筑施工未采取有效措施防治扬尘污染，受到罚款处罚，被责令改正，拒不改正的，"
                "依法作出处罚决定的行政机关可以自责令改正之日的次日起，按照原处罚数额按日连续处罚。")
    question = "建筑施工因扬尘被罚款并责令改正后仍拒不改正，会面临什么后果？"
    quote = trim(sentence, content_terms(question), False, asks=read_question(question), max_chars=40)
    assert quote.endswith("按日连续处罚")


def test_a_trimmed_figure_is_the_one_of_the_thing_asked():
    from qa.answer.asks import read_question
    from qa.answer.quotes import trim
    from qa.answer.terms import content_terms

    sentence = ("若对锅炉和电机设备进行更新，则工业锅炉平均运行热效率提高5个百分点、电机平均运行能效提高5个百分点，"
                "可实现年节能量约6000万吨标准煤和年减排二氧化碳约1.6亿吨。")
    question = "锅炉和电机设备更新后每年大约能节约多少标准煤？"
    quote = trim(sentence, content_terms(question), True, asks=read_question(question), max_chars=30)
    assert "6000万吨标准煤" in quote


def test_which_units_in_other_words_is_answered_with_the_responsibility_note():
    task = clause("d", ("二、 重点任务", "（五） 加强知识产权保护"),
                  "（五）加强知识产权保护\n落实知识产权保护制度，培育纠纷调解组织。（责任单位：区知识产权局、区司法局）", 5)
    draft = ANSWERER.answer("知识产权保护工作落在哪几个单位身上？", items_of(task))
    assert not draft.refused and "区知识产权局" in draft.text


def test_a_figure_question_prefers_the_figure_of_the_thing_it_names():
    # the title names the thing too, so on words alone both sentences cover the question alike
    c = clause("d", ("三、 布局规划",), "三、布局规划\n全市布局加油站817座，加气站192座。全市布局138个综合能源站，其中高速点34个。",
               3, title="某市综合能源站专项规划")
    draft = ANSWERER.answer("全市一共布局了多少座综合能源站？", items_of(c))
    assert "138个综合能源站" in draft.text and "817座" not in draft.text


def test_a_list_question_answered_by_an_item_gets_the_items_its_colon_line_announces():
    duties = clause("d", ("第二章 建设", "第十条"), "第十条 建设单位应当履行下列职责：\n（一）进行环境影响评价时包括扬尘污染防治措施。\n"
                    "（二）将扬尘污染防治费用列入工程造价。\n（三）将扬尘污染防治内容纳入工程监理合同。", 10)
    builders = clause("d", ("第二章 建设", "第十一条"), "第十一条 施工单位应当制定扬尘污染防治实施方案，建立扬尘污染防治工作台账。", 11)
    supervisors = clause("d", ("第二章 建设", "第十二条"), "第十二条 监理单位应当将扬尘污染防治纳入监理范围。", 12)
    draft = ANSWERER.answer("建设单位在扬尘污染防治上承担哪些职责？", items_of(duties, builders, supervisors))
    assert all(w in draft.text for w in ("环境影响评价", "工程造价", "工程监理合同")) and "施工单位" not in draft.text


def test_a_case_after_a_semicolon_is_read_with_the_rule_it_continues():
    rule = clause("d", ("三、 规范经营", "（十二） 规范互联网销售"),
                  "（十二）规范互联网销售\n禁止向电商平台颁发成品油零售经营批准证书；已经颁发的，自本意见发布之日起6个月内由发证部门依法予以整改。", 12)
    draft = ANSWERER.answer("已经发给电商平台的成品油零售经营批准证书要在多长时间内整改？", items_of(rule))
    assert not draft.refused and "6个月内" in draft.text and "电商平台" in draft.text


def test_two_hours_with_its_measure_word_is_the_texts_2_hours_not_a_false_premise():
    rule = clause("d", ("二、 试点方向", "（一） 系统友好型电站"),
                  "（一）系统友好型电站\n推动电站在高峰时段（不低于2小时）置信出力提升至10%以上。", 2)
    draft = ANSWERER.answer("电站在至少两个小时的高峰时段里，置信出力要提升到多少？", items_of(rule))
    assert not draft.refused and "10%" in draft.text


def test_a_question_asking_an_amount_of_money_is_not_answered_by_a_sentence_without_one():
    # 「二十七号线」 is a figure, but not an amount in 元: the investment asked for is not stated.
    task = clause("d", ("三、 重点任务", "7."), "7.实施轨道交通建设规划项目，助推轨道五号线一期、二十七号线建成运营。", 7)
    draft = ANSWERER.answer("轨道二十七号线的总投资是多少亿元？", items_of(task))
    assert draft.refused and "亿元" in draft.notice
    priced = clause("d", ("三、 重点任务", "8."), "8.实施轨道二十七号线建设，总投资约120亿元，2026年建成运营。", 8)
    answered = ANSWERER.answer("轨道二十七号线的总投资是多少亿元？", items_of(task, priced))
    assert not answered.refused and "120亿元" in answered.text


def test_a_maximum_fine_asked_in_english_needs_an_amount_in_yuan():
    rule = clause("d", ("第十八条",), "第十八条 矿山企业必须对下列危害安全的事故隐患采取预防措施：冒顶、片帮、瓦斯爆炸。", 18)
    draft = ANSWERER.answer("What is the maximum fine for a mine that fails to prevent gas explosions?", items_of(rule),
                            language="en")
    assert draft.refused


def test_items_run_on_after_a_colon_are_the_list():
    article = clause("d", ("8",), "8 噪音管制區內，於主管機關公告之時間不得從事下列行為致妨害他人生活環境安寧：一、燃放爆竹。"
                     "二、神壇、廟會、婚喪等民俗活動。三、其他經主管機關公告之行為。\n釋：一、條次變更。", 8, title="某某管制法")
    draft = ANSWERER.answer("在噪音管制区内，公告的时间不准从事哪些扰人安宁的行为？", items_of(article))
    assert not draft.refused and all(x in draft.text for x in ("燃放爆竹", "神壇", "其他經主管機關公告之行為"))
    assert "條次變更" not in draft.text
    answer = clause("d", ("2",), "2.申请需要具备哪些基本条件？\n答：需要具备以下基本条件：（一）在本市合法稳定就业；"
                    "（二）年龄在45周岁以下；（三）缴纳社会保险满4年。", 2, title="某市积分入户热点问答")
    listed = ANSWERER.answer("申请积分入户要满足哪些基本条件？", items_of(answer))
    assert all(x in listed.text for x in ("合法稳定就业", "45周岁以下", "社会保险满4年"))


def test_who_leads_keeps_the_phrase_naming_the_lead_when_the_sentence_is_trimmed():
    task = clause("d", ("三、 保障措施", "（一） 加强组织领导"),
                  "（一）加强组织领导\n成立由市交通委牵头，市发展改革委、市住房城乡建设管理委、市经济信息化委、市规划资源局等部门参与的"
                  "交通领域光伏推广应用工作推进机制，统筹推进交通领域光伏应用推广示范试点工作，协调解决重大问题。", 12,
                  title="某市交通领域光伏推广应用实施方案")
    draft = ANSWERER.answer("交通领域光伏推广应用的推进机制由哪个部门牵头？", items_of(task))
    assert not draft.refused and "由市交通委牵头" in draft.text


def test_an_age_is_no_span_of_time():
    rules = [clause("d", ("第九条",), "第九条 年满十六周岁首次申领居民身份证的，公安机关应当进行人像比对。", 9),
             clause("d", ("第七十四条",), "第七十四条 公民应当自年满十六周岁之日起三个月内，向公安派出所申请领取居民身份证。", 74)]
    draft = ANSWERER.answer("公民满16周岁以后，应当在几个月内去申领居民身份证？", items_of(*rules))
    assert not draft.refused and "三个月内" in draft.text


def test_a_length_asked_with_duo_chang_is_no_span_of_time():
    plan = clause("d", ("一、 重点任务", "（二） 农村公路"),
                  "（二）农村公路\n结合农村公路规划建设，推进高质量发展。通过对农村道路路基、路面进行改造提升，完成农村公路提档升级改造600公里。", 2,
                  title="某市交通精细化管理三年行动计划")
    draft = ANSWERER.answer("三年内农村公路要完成多长里程的提档升级？", items_of(plan))
    assert not draft.refused and "600公里" in draft.text


def test_a_traditional_script_definition_is_found_by_its_simplified_form():
    rules = [clause("d", ("3",), "3 本法所稱噪音，指超過管制標準之聲音。", 3, title="噪音管制法"),
             clause("d", ("4",), "4 中央主管機關之主管事項如下：噪音管制法規之制定、研議及釋示。", 4, title="噪音管制法")]
    draft = ANSWERER.answer("噪音管制法所说的“噪音”是怎么界定的？", items_of(*rules))
    assert not draft.refused and "超過管制標準之聲音" in draft.text


def test_an_articles_bare_number_is_no_figure_and_the_trimmed_quote_keeps_the_period():
    article = clause("d", ("14",), "14 快速道路、高速公路、鐵路及大眾捷運系統等陸上運輸系統內，車輛行駛所發出之聲音，經主管機關量測該路段音量，"
                     "超過陸上運輸系統噪音管制標準者，營運或管理機關（構）應自主管機關通知之日起一百八十日內，訂定該路段噪音改善計畫。",
                     14, title="噪音管制法")
    draft = ANSWERER.answer("高速公路、铁路这类陆上运输系统噪音超标，营运单位接到通知后要在多少天内订出改善计划？", items_of(article))
    assert not draft.refused and "一百八十日內" in draft.text


def test_a_quote_never_ends_on_the_label_of_what_it_announces():
    goal = clause("d", ("一、 主要目标",), "一、主要目标\n远期目标：到2035年，光伏在交通各子领域得到全面推广，交通领域能源结构明显优化，"
                  "可再生能源在交通行业内的占比持续提升，与超大城市相适应的交通能源体系基本建立，交通领域光伏装机规模达到较高水平。", 1,
                  title="某市交通领域光伏推广应用实施方案")
    draft = ANSWERER.answer("到2035年的远期目标是什么？", items_of(goal))
    assert not draft.refused and "光伏在交通各子领域得到全面推广" in draft.text


def test_a_large_count_in_a_list_question_is_a_premise_checked_against_the_text():
    task = clause("d", ("二、 重点任务", "3."), "3.推动老旧厂区更新转型。到2030年，完成20个以上老旧厂区改造。", 3, title="某区城市更新规划")
    draft = ANSWERER.answer("规划要在2030年前完成30个以上老旧厂区改造，主要集中在哪些园区？", items_of(task))
    assert draft.refused and draft.evidence.unsupported_premises == ("30",)  # named in the premise notice


def test_a_currency_the_documents_never_count_in_is_a_premise_they_do_not_share():
    fine = clause("d", ("第六十六条",), "第六十六条 情节严重的，处五千万元以下或者上一年度营业额百分之五以下罚款。", 66, title="个人信息保护法")
    for question, premise in (("个人信息保护法规定的罚款最高是多少欧元？", "欧元"),
                              ("What is the maximum fine in euros under the law?", "euros (欧元)")):
        draft = ANSWERER.answer(question, items_of(fine), language="en" if question.isascii() else "zh")
        assert draft.refused and premise in draft.evidence.unsupported_premises, question
    assert not ANSWERER.answer("个人信息保护法规定的罚款最高是多少元？", items_of(fine)).refused
    # "dollars" alone is any dollar: a Taiwan law fining in 新臺幣 states it.
    taiwan = clause("t", ("第二十四条",), "第二十四条 違反者，處新臺幣三千元以上三萬元以下罰鍰。", 24, title="噪音管制法")
    assert "dollars (美元)" not in ANSWERER.answer("How many dollars is the fine?", items_of(taiwan),
                                                 language="en").evidence.unsupported_premises


def test_a_count_an_english_question_spells_out_is_a_premise_checked_like_a_figure():
    from qa.core.numerals import english_quantities

    assert english_quantities("a ten-year review cycle, twenty-five percent, 30 working days, one day") \
        == ("10年", "25%", "30个工作日")
    review = clause("d", ("第二十九条",), "第二十九条 标准的复审周期一般不超过五年。", 29, title="标准化法")
    draft = ANSWERER.answer("Why does the law set a ten-year review cycle for standards?", items_of(review), language="en")
    assert draft.refused and "10年" in draft.evidence.unsupported_premises
    draft = ANSWERER.answer("Why does the law set a five-year review cycle for standards?", items_of(review), language="en")
    assert "5年" not in draft.evidence.unsupported_premises


def test_a_year_inside_a_cited_documents_name_is_no_target_for_that_year():
    plan = clause("d", ("一、 规划背景",), "一、规划背景\n结合《某市氢能产业中长期发展规划（2022—2035）》打造氢都的总体目标，到2030年全市建成综合能源站138座。",
                  1, title="某市综合能源站专项规划（2025－2030年）")
    draft = ANSWERER.answer("专项规划提出到2035年全市要建成多少座综合能源站？", items_of(plan))
    assert draft.refused and draft.evidence.unsupported_premises == ("2035",)


def test_a_definition_in_a_glossary_list_is_quoted_for_what_a_term_means():
    # 「（一）夜间施工：指…」: a list of terms defines each after a colon, not after 是指.
    terms = clause("d", ("第四十条",), "第四十条 本办法下列用语：（一）夜间施工：指22时至次日6时之间进行的建筑施工作业。"
                   "（二）噪声敏感建筑物：指医院、学校、住宅等需要保持安静的建筑物。", 40)
    rule = clause("d", ("第十条",), "第十条 在噪声敏感建筑物集中区域内夜间施工的，施工单位应当取得生态环境部门的证明，并公告附近居民。", 10)
    night = ANSWERER.answer("夜间施工指的是什么？", items_of(rule, terms))
    assert not night.refused and "22时至次日6时" in night.text and "公告附近居民" not in night.text
    quiet = ANSWERER.answer("噪声敏感建筑物是什么意思？", items_of(rule, terms))
    assert not quiet.refused and "需要保持安静" in quiet.text and "公告附近居民" not in quiet.text


def test_how_long_and_its_edge_are_asking_words_not_missing_topic():
    rule = clause("d", ("第七条",), "第七条 公民应当自年满十六周岁之日起三个月内，向常住户口所在地的公安机关申请领取居民身份证。", 7)
    draft = ANSWERER.answer("满16岁后要在多长时间内去申领身份证？", items_of(rule))
    assert not draft.refused and "三个月内" in draft.text


def test_a_cut_sentence_keeps_the_date_of_the_word_the_question_asks_about():
    order = clause("d", ("前言",), "《城市公共停车设施建设运营管理暂行办法》已经2025年12月26日第26次市人民政府常务会议审议通过和"
                   "市发展改革委、市住房城乡建设委、市交通运输委、市公安局、市规划和自然资源局审签，现予公布，自2026年8月1日起施行。", 1)
    draft = ANSWERER.answer("城市公共停车设施建设运营管理暂行办法从什么时候起施行？", items_of(order))
    assert not draft.refused and "2026年8月1日起施行" in draft.text


def test_the_words_naming_a_document_are_no_premise_of_the_question():
    # 「“十五五”纲要」 is how the asker names the plan its title calls 第十五个五年规划纲要
    works = clause("w", ("二、",), "二、落实既有建筑节能改造不少于100万平方米。", 2, title="某市2025年节能重点工作安排")
    plan = clause("p", ("十四、",), "十四、加快既有建筑节能改造，推广超低能耗建筑。", 14,
                  title="某市国民经济和社会发展第十五个五年规划纲要")
    question = "2025年节能工作安排和“十五五”纲要对既有建筑节能改造分别提出了什么要求？"
    named = {"w": "某市2025年节能重点工作安排", "p": "某市“十五五”规划纲要"}
    draft = ANSWERER.answer(question, items_of(works, plan), documents=named, topic="对既有建筑节能改造分别提出了什么要求？")
    assert not draft.refused and "100万平方米" in draft.text and "超低能耗建筑" in draft.text
    assert ANSWERER.answer(question, items_of(works, plan)).evidence.unsupported_premises == ("十五五",)


def test_an_amount_asked_in_a_unit_needs_a_sentence_stating_that_dimension():
    fine = clause("b", ("第十八条",), "第十八条 血站出售无偿献血的血液的，可以并处十万元以下的罚款。", 18)
    assert ANSWERER.answer("What is the most blood a donor may give each time, in millilitres?", items_of(fine),
                           language="en").refused  # a fine in 元 is no volume
    farmland = clause("t", ("三、",), "三、严守耕地保护红线，永久基本农田保护面积不低于12万亩。", 3)
    draft = ANSWERER.answer("永久基本农田保护面积是多少公顷？", items_of(farmland))
    assert not draft.refused and "12万亩" in draft.text  # an area asked in 公顷, stated in 亩


def test_an_investment_asked_in_english_is_not_answered_by_a_line_number():
    lines = clause("y", ("三、",), "三、助推轨道五号线一期、十八号线、二十七号线建成运营。", 3)
    refused = ANSWERER.answer("What is the total investment in Metro Line 27?", items_of(lines), language="en")
    assert refused.refused and "an amount in 元 (yuan)" in refused.notice  # the refusal says what was missing
    assert "以元计的数额" in ANSWERER.answer("二十七号线总投资多少亿元？", items_of(lines)).notice
    cost = clause("y", ("四、",), "四、轨道交通二十七号线总投资约300亿元。", 4)
    draft = ANSWERER.answer("What is the total investment in Metro Line 27?", items_of(lines, cost), language="en")
    assert not draft.refused and "300亿元" in draft.text


def test_a_population_is_answered_by_a_number_of_people_not_by_another_count():
    beds = clause("s", ("五、",), "五、到2030年认知障碍照护床位数达到2.5万张。", 5)
    question = "What ceiling on the resident population does the plan set for 2030?"
    assert ANSWERER.answer(question, items_of(beds), language="en").refused
    people = clause("s", ("一、",), "一、到2030年常住人口规模控制在2500万人左右。", 1)
    draft = ANSWERER.answer(question, items_of(beds, people), language="en")
    assert not draft.refused and "2500万人" in draft.text
