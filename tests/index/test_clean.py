"""index/ingest/clean on the real corpus (boilerplate gone, body intact, PDF artefacts repaired, TOC
returned) and on made-up pages whose chrome the corpus does not contain, so the rules are shown
to be general."""
from __future__ import annotations

import json
import re

import pytest

from ingest_helpers import CORPUS
from index.ingest.clean import clean_text
from qa.core.text import detect_script, to_simplified

TIANFU = "tianfu-new-area-plan-2022-2027-draft.txt"
BOILERPLATE = re.compile(r"ICP|扫一扫|掃一掃|编辑[:：]|編輯[:：]|联系电话|版权所有|版权声明|版權所有|相关推荐|责编|責編|来源[:：]|來源[:：]|加载中|"
                         r"欢迎访问|原标题|原標題|转自|许可证|咨询热线|服务时间|您的位置|官方微信|主办单位|电子邮箱|地 址|>>")
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
FILES = [entry["file"] for entry in MANIFEST]


def raw(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def cleaned():
    return {name: clean_text(raw(name), "txt") for name in FILES}


@pytest.mark.parametrize("name", FILES)
def test_output_contract_and_no_boilerplate(cleaned, name):
    text = cleaned[name].text
    lines = text.split("\n")
    assert all(line and line == line.strip() for line in lines)
    assert "\r" not in text and "\f" not in text
    assert [line for line in lines if BOILERPLATE.search(line)] == []
    assert cleaned[name].removed_lines > 0


@pytest.mark.parametrize("name", FILES)
def test_every_body_paragraph_survives(cleaned, name):
    """Each raw line that is a sentence-ending paragraph (of the document, not of a news item
    quoting it) is still there, modulo spaces."""
    body = squash(cleaned[name].text)
    lines = raw(name).splitlines()
    quoted_from = next((i + 1 for i, line in enumerate(lines) if line.strip() in ("原文如下:", "原文如下：")), 0)
    paragraphs = [line for line in lines[quoted_from:] if len(line.strip()) > 20 and line.strip().endswith("。")]
    assert paragraphs
    assert [p for p in paragraphs if squash(p) not in body] == []


@pytest.mark.parametrize("name", FILES)
def test_cleaning_is_idempotent(cleaned, name):
    again = clean_text(cleaned[name].text, "txt")
    assert again.text == cleaned[name].text and again.removed_lines == 0


@pytest.mark.parametrize("entry", MANIFEST, ids=FILES)
def test_title_block_stays_on_top_in_original_script(cleaned, entry):
    lines = cleaned[entry["file"]].text.split("\n")
    top = [squash(to_simplified(line)) for line in lines[:8]]
    title = squash(entry["title"])
    assert title in top or any(a + b == title for a, b in zip(top, top[1:]))
    assert detect_script(cleaned[entry["file"]].text) == entry["script"]
    adoption = [line.strip() for line in raw(entry["file"]).splitlines() if re.fullmatch(r"\(\d{4}年.*通[过過]\)", line.strip())]
    if adoption:  # the adoption line stays right under the title
        assert lines[top.index(title) + 1] == adoption[0]


def test_news_wrapper_is_dropped(cleaned):
    name = next(n for n in FILES if "原文如下" in raw(n))
    lines = raw(name).splitlines()
    marker = next(i for i, line in enumerate(lines) if line.strip().startswith("原文如下"))
    wrapper = [line.strip() for line in lines[:marker] if line.strip()]
    assert wrapper and not set(wrapper) & set(cleaned[name].text.split("\n"))


# --- the PDF extraction --------------------------------------------------------------------------


def test_tianfu_artefacts_repaired(cleaned):
    text = cleaned[TIANFU].text
    lines = text.split("\n")
    assert not re.search(r"\.{3,}|…{2,}", text)  # TOC dot leaders
    assert not re.search(r"-\s*\d+\s*-", text)  # page markers
    assert not re.search(r"[\u4e00-\u9fff，。、：；“”（）《》][ \u3000]+[\u4e00-\u9fff，。、：；“”（）《》]", text)
    assert "1484平方公里" in text and "1484 平" not in text
    assert "Wi-Fi 6" in text and "GEP和GDP" in text and "2022-2027年" in text
    assert not [line for line in lines if re.match(r"^[图圖]\s*\d", line)]  # figure caption
    assert not re.search(r"(?<![-\d])\d+\s+年", text)


def test_tianfu_broken_lines_joined(cleaned):
    """A raw body line stopping mid-sentence continues on the next line: both halves end up in
    one cleaned paragraph."""
    lines = [line.strip() for line in raw(TIANFU).splitlines()]
    body_start = max(i for i, line in enumerate(lines) if re.search(r"-\s*\d+\s*-$", line)) + 1
    cleaned_lines = [squash(line) for line in cleaned[TIANFU].text.split("\n")]
    broken = [i for i in range(body_start, len(lines) - 1)
              if lines[i] and not re.search(r"[。：:；！？”）)]$", lines[i]) and not re.match(r"(第.+篇|图\s*\d)", lines[i])
              and not re.search(r"第.{1,4}章 .{4,20}$", lines[i]) and re.match(r"[\u4e00-\u9fff(（]", lines[i + 1])
              and not re.match(r"(服务时间|咨询热线|周)", lines[i + 1])]
    assert len(broken) >= 3
    for i in broken:
        seam = squash(lines[i])[-8:] + squash(lines[i + 1])[:8]
        assert any(seam in line for line in cleaned_lines), lines[i][-20:]


def test_tianfu_toc_entries(cleaned):
    toc = cleaned[TIANFU].toc
    toc_text = "\n".join(line for line in raw(TIANFU).splitlines() if re.search(r"\.{3,}", line))
    for unit, level in (("篇", 1), ("章", 2), ("节", 3)):
        expected = re.findall(rf"第[一二三四五六七八九十]+{unit}", toc_text)
        found = [e for e in toc if e.label.endswith(unit)]
        assert [e.label for e in found] == expected and {e.level for e in found} == {level}
    assert len([e for e in toc if e.label.endswith("篇")]) == 9 and len([e for e in toc if e.label.endswith("章")]) == 30
    pages = [e.page for e in toc]
    assert pages == sorted(pages) and pages[0] == 2
    glued = next(e for e in toc if e.label == "第七章")  # second entry of a glued line
    assert glued.title == "打造有利于强化策源功能的创新创业环境" and glued.page == 18
    assert all(e.title and "." not in e.title and not re.search(r"\s", e.title) for e in toc)


# --- general rules on pages the corpus does not contain ------------------------------------------

WEB_PAGE = """当前位置：首页 > 政策文件 > 正文
某某市人民政府关于加强版权保护工作的意见
发布时间：2024-01-02  来源：市政府办公室
分享到：微信 微博
某某市人民政府关于加强版权保护工作的意见
一、总体要求
加强版权保护，完善地址编码体系，推进电子邮箱实名管理。
二、重点任务
（一）完善制度。建立版权登记便利化机制。
责任编辑：张三
上一篇：关于印发某某办法的通知
Copyright © 2024 某某市人民政府 版权所有
京ICP备12345678号  京公网安备 11010502030000号
联系电话：010-12345678
"""


def test_general_web_chrome():
    clean = clean_text(WEB_PAGE, "html")
    assert clean.text.split("\n") == [
        "某某市人民政府关于加强版权保护工作的意见",
        "一、总体要求",
        "加强版权保护，完善地址编码体系，推进电子邮箱实名管理。",
        "二、重点任务",
        "（一）完善制度。建立版权登记便利化机制。",
    ]
    assert clean.removed_lines == 9


def test_general_news_wrapper():
    page = "要闻\n某区发布实施方案\n2024-03-01 09:00:00 某区人民政府\n文件提出，加快建设。\n全文如下：\n" + \
           "某区实施方案\n一、总体目标\n到2025年，建成示范区，形成完整的产业体系和治理体系。\n二、保障措施\n（一）加强领导。建立工作机制并明确责任分工。\n"
    assert clean_text(page, "txt").text.split("\n")[:2] == ["某区实施方案", "一、总体目标"]


def test_pdf_pages_running_headers_and_indented_paragraphs():
    """A hard-wrapped PDF extraction: a 目录 with glued entries, a running header and page numbers
    on every page, paragraphs indented, one paragraph running across a page break."""
    header = "某某新区发展规划（2024-2028年）"
    pages = [
        f"{header}\n目 录\n第一章 总体要求........1 第二章 重点任务........2\n第一节 产业 发展 .......2\n- 1 -",
        f"{header}\n\u3000\u3000第一章 总体要求\n\u3000\u3000坚持 创新 驱动，推动高质量发展，加快建设现代化\n产业体系和 2035 年远景目标\n- 2 -",
        f"{header}\n纲要，形成新的增长极。\n\u3000\u3000第二章 重点任务\n\u3000\u3000建设 Wi-Fi 6 网络。\n- 3 -",
    ]
    clean = clean_text("\f".join(pages), "pdf")
    assert clean.text.split("\n") == [
        "第一章总体要求",
        "坚持创新驱动，推动高质量发展，加快建设现代化产业体系和2035年远景目标纲要，形成新的增长极。",
        "第二章重点任务",
        "建设Wi-Fi 6网络。",
    ]
    assert [(e.label, e.title, e.level, e.page) for e in clean.toc] == [
        ("第一章", "总体要求", 1, 1), ("第二章", "重点任务", 1, 2), ("第一节", "产业发展", 2, 2)]


def test_markdown_markup_removed():
    md = "# 青川市行动计划\n\n## 一、总体目标\n\n- 到2026年，产业规模突破**318亿元**。\n\n| 指标 | 目标 |\n|---|---|\n| 机场 | 4个 |\n"
    assert clean_text(md, "md").text.split("\n") == [
        "青川市行动计划", "一、总体目标", "到2026年，产业规模突破318亿元。", "指标", "目标", "机场", "4个"]


def test_markdown_with_inline_html_entities_containers_and_attributes():
    """A static-site capture (VuePress-style): articles wrapped in <p>/<b> with &emsp; entities,
    an attribute list after a heading, a container fence, a generated contents line, a tab switch,
    a table of contents of anchor links and an autolink to the original page."""
    md = ("::: details 目录\n[[toc]]\n@tab 条目\n- [1](#t1)&emsp;[2](#t2)\n:::\n\n"
          "## 第一章&emsp;总则{align=\"center\"}\n\n"
          "<p id=\"t1\">&emsp;&emsp;<b>第一条</b>&emsp;为了规范管理，制定本办法。</p>\n"
          "<p id=\"t2\">&emsp;&emsp;<b>第二条</b>&emsp;本办法所称A&amp;B，是指甲和乙。</p>\n\n"
          "::: warning 原文链接\n<http://example.gov.cn/a/t1.html>\n:::\n")
    assert clean_text(md, "md").text.split("\n") == [
        "第一章 总则", "第一条 为了规范管理，制定本办法。", "第二条 本办法所称A&B，是指甲和乙。"]


def test_leave_site_dialog_desktop_switch_print_button_and_related_box_are_chrome():
    page = ("一、总体要求\n推动数字经济高质量发展，加快建设现代化产业体系。\n某某办公厅\n2025年1月27日\n"
            "\\[打印\\]仅打印内容\n您可能对以下文章感兴趣\n电脑版\n温馨提示\n"
            "# 您访问的链接即将离开某某部门户网站，是否继续？\n继续访问取消\n")
    assert clean_text(page, "md").text.split("\n") == [
        "一、总体要求", "推动数字经济高质量发展，加快建设现代化产业体系。", "某某办公厅", "2025年1月27日"]


def test_italic_dateline_with_font_size_control_and_labelled_page_link_are_chrome():
    page = ("某市关于加快发展的意见\n原文: https://www.example.gov.cn/zcwj/t1.shtml\n"
            "_发布时间：2025-02-06_ _来源：某某网_ _字号：[大][中][小]_\n一、总体要求\n加快发展，制定本意见。\n")
    assert clean_text(page, "md").text.split("\n") == ["某市关于加快发展的意见", "一、总体要求", "加快发展，制定本意见。"]


def test_masthead_goes_a_split_title_stays():
    page = ("某某日报\n首页 | 要闻\n某市全面推进数字经济高质量发展\n三年行动方案\n2024-05-26 16:25:37 某市人民政府\n"
            "一、总体要求\n推动数字经济高质量发展，加快建设现代化产业体系。\n")
    assert clean_text(page, "html").text.split("\n") == [
        "某市全面推进数字经济高质量发展", "三年行动方案", "一、总体要求", "推动数字经济高质量发展，加快建设现代化产业体系。"]


def test_a_sentence_mentioning_chrome_words_is_body_text():
    body = ("（三）健全许可证管理。排污许可证12345号以上企业纳入监管，版权所有人依法维权。",
            "来源地管理、地址编码和联系电话实名登记制度，于2024年12月31日前完成。")
    assert clean_text("\n".join(body), "txt").text.split("\n") == list(body)
