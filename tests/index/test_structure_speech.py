"""Speech- and web-style documents: subtitles and bylines, —— bullets, intro paragraphs and lines
broken at hyperlinks. Hand-made documents through the real parser, checked by clause ids."""
from __future__ import annotations

import hashlib

from index.ingest.clauses import parse_clauses
from qa.core.types import Document, DocumentMeta

REPORT = """政府工作报告
——2024年3月5日在第十四届全国人民代表大会第二次会议上
国务院总理 张三
各位代表：
现在，我代表国务院，向大会报告政府工作，请予审议。
一、过去一年工作回顾
过去一年，我们坚持稳中求进，主要做了以下工作。
——经济运行回升向好。国内生产总值增长百分之五。
——改革开放持续深化。营商环境不断优化。
这些成绩来之不易，是全国人民共同奋斗的结果。
二、今年政府工作任务
为实现上述目标，重点抓好以下工作：
（一）着力扩大国内需求。推动消费从疫后恢复转向持续扩大。
（二）深化改革开放。完善产权保护制度。
"""


def parse(text: str, title: str) -> dict:
    meta = DocumentMeta(doc_id="doc", title=title, short_title=title)
    doc = Document(meta, "doc.txt", "txt", "utf-8", text, hashlib.sha256(text.encode()).hexdigest())
    return {"/".join(c.labels): c for c in parse_clauses(doc)}


def test_a_subtitle_and_byline_are_no_parent_of_the_text():
    tree = parse(REPORT, "政府工作报告")
    assert {"一", "二", "二/（一）", "二/（二）"} <= set(tree)
    assert not any("2024年3月5日" in c.text or "张三" in c.text for c in tree.values())
    assert tree["前言"].text.startswith("各位代表")


def test_bullets_attach_to_their_heading_and_the_last_one_stops_at_its_paragraph():
    tree = parse(REPORT, "政府工作报告")
    bullets = [k for k in tree if "——" in k]
    assert bullets == ["一/——经济运行回升向好", "一/——改革开放持续深化"]
    assert tree["一/——改革开放持续深化"].text == "——改革开放持续深化。营商环境不断优化。"
    closing = next(c for c in tree.values() if c.text.startswith("这些成绩"))
    assert closing.parent_id == "doc:一"  # the section's closing paragraph, not the last bullet's
    assert tree["二"].parent_id is None


def test_an_intro_paragraph_is_the_section_text_not_the_parent_of_its_items():
    tree = parse(REPORT, "政府工作报告")
    assert tree["二"].text == "二、今年政府工作任务\n为实现上述目标，重点抓好以下工作："
    assert tree["二/（一）"].parent_id == "doc:二"


def test_a_dash_line_in_the_body_is_still_a_bullet():
    tree = parse("关于做好测试工作的意见\n一、发展定位\n——科技创新策源地。加快建设科学城。\n"
                 "——内陆开放门户。建设开放平台。\n二、保障措施\n加强组织领导。", "关于做好测试工作的意见")
    assert [k for k in tree if "——" in k] == ["一/——科技创新策源地", "一/——内陆开放门户"]


def test_lines_broken_at_hyperlinks_do_not_become_headings():
    text = ("学习贯彻全会精神的体会\n我们要深入学习\n党的二十大精神\n和\n第三个历史决议\n"
            "，全面贯彻落实各项部署要求，推动各项工作落地见效，确保取得实实在在的成效。\n"
            "各地区要加强组织领导，确保各项任务落到实处，形成工作合力，久久为功。")
    tree = parse(text, "学习贯彻全会精神的体会")
    assert not any(k.startswith(("和", "第三个历史决议", "党的二十大精神")) for k in tree)
    assert len(tree) == 1 and "第三个历史决议" in next(iter(tree.values())).text


def test_short_heading_lines_between_finished_paragraphs_stay_headings():
    text = ("关于做好测试工作的体会\n正确处理好发展与安全的关系\n发展是安全的基础，安全是发展的条件，二者相辅相成。\n"
            "正确处理好当前与长远的关系\n既要立足当前，又要着眼长远，统筹兼顾各方面工作。")
    tree = parse(text, "关于做好测试工作的体会")
    assert {"正确处理好发展与安全的关系", "正确处理好当前与长远的关系"} <= {c.path[0] for c in tree.values()}


def test_the_closing_signature_block_is_a_note_not_part_of_the_last_item():
    text = ("关于延长市场运行时间的通知\n各有关单位：\n经研究，现就有关事项通知如下。\n一、延长市场运行时间至4月30日。\n"
            "二、各单位要严格执行市场规则。\n执行中如遇重大问题，请及时报告。\n测试能源监管局\n2019年3月15日\n"
            "抄送：测试市发展和改革委员会，测试市工业和信息化局。")
    tree = parse(text, "关于延长市场运行时间的通知")
    assert tree["二"].text == "二、各单位要严格执行市场规则。\n执行中如遇重大问题，请及时报告。"
    assert tree["落款"].text.startswith("测试能源监管局\n2019年3月15日") and tree["落款"].text.endswith("工业和信息化局。")
