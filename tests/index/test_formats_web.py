"""Web captures: main content of an HTML page (trafilatura, the block reading as fallback),
site furniture, capture headers, wiki footnotes and licence blocks, and lines broken at
hyperlinks. Pages are made up: the shapes are general, the wording is no real site's."""
from __future__ import annotations

from index.ingest.clean import clean_text
from index.ingest.corpus import parse_file
from index.ingest.html_main import block_text, main_text

BODY = ["各有关单位：", "为进一步做好相关工作，现将有关事项通知如下：",
        "一、加强组织领导。各单位要高度重视，明确责任分工，确保各项任务按期完成，形成工作合力。",
        "二、强化督促检查。各单位要建立工作台账，定期开展检查，及时发现和解决工作中出现的问题。",
        "三、做好总结报告。请各单位于年底前将工作情况书面报送我委，重要情况及时报告。"]
PAGE = f"""<html><head><meta charset="utf-8"><title>关于做好相关工作的通知_某某市发展和改革委员会</title></head><body>
<div class="top"><a href="/">首页</a> <a href="/a">机构概况</a> <a href="/b">通知公告</a> <a href="/c">政策文件</a></div>
<div class="nav"><ul><li><a href="/1">政务公开</a></li><li><a href="/2">互动交流</a></li><li><a href="/3">网站地图</a></li></ul></div>
<div class="main"><h1>关于做好相关工作的通知</h1><div class="info">发布时间：2023-04-12 来源：本站 浏览次数：1024</div>
<div class="content">{''.join(f'<p>{p}</p>' for p in BODY)}<p>某某市发展和改革委员会</p><p>2023年4月10日</p></div>
<div class="tools"><a>【打印正文】</a><a>【关闭窗口】</a> 分享到：微博 微信</div></div>
<div class="side"><h3>相关文章</h3><ul><li><a href="/x1">关于开展另一项检查工作的通知</a></li><li><a href="/x2">关于公布评审结果的公告</a></li></ul></div>
<div class="foot">网站地图 | 联系我们<br>主办单位：某某市发展和改革委员会 版权所有<br>ICP备12345678号</div></body></html>"""
FURNITURE = ("首页", "机构概况", "网站地图", "打印正文", "关闭窗口", "浏览次数", "相关文章", "另一项检查", "版权所有", "微博")


def test_html_main_content_keeps_the_body_and_drops_the_furniture(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    parsed = parse_file(path)
    text = parsed.document.text
    assert all(p in text for p in BODY)
    assert [f for f in FURNITURE if any(f in c.text for c in parsed.clauses)] == []
    meta = parsed.document.meta
    assert meta.title == "关于做好相关工作的通知"  # the headline, never a menu entry or the site name
    assert (meta.issuer, meta.date) == ("某某市发展和改革委员会", "2023-04-10")


def test_trafilatura_drops_what_the_block_reading_keeps():
    assert "另一项检查" in block_text(PAGE) and "另一项检查" not in main_text(PAGE)
    assert all(p in main_text(PAGE) for p in BODY)


def test_markdown_capture_header_link_lists_and_footer_are_dropped():
    capture = "\n".join(["---", "title: 某某页面", "fetched_at: 2026-01-01", "source: www.example.org", "---", "",
                         "# 关于做好相关工作的通知", "", *BODY, "", "某某市发展和改革委员会", "", "2023年4月10日", "",
                         "相关文件", "", "- [关于开展另一项检查工作的通知](https://example.org/x1)",
                         "- [关于公布评审结果的公告](https://example.org/x2)", "", "排行榜", "",
                         "## [另一篇热门文章的标题](https://example.org/x3)", "", "政务咨询", "联系我们"])
    text = clean_text(capture, "md").text
    assert text.split("\n")[0] == "关于做好相关工作的通知"
    assert text.split("\n")[-1] == "2023年4月10日"
    assert "fetched_at" not in text and "另一项检查" not in text and "热门文章" not in text


def test_wiki_footnotes_licence_and_link_breaks():
    wiki = "\n".join(["某某工作报告", "过去一年，我们坚持稳中求进工作总基调，经济运行总体平稳。[1]",
                      "会议审议通过了关于", "重大问题的决定", "，对今后工作作出全面部署。[2][3]",
                      "一、主要工作", "全年完成各项目标任务，民生保障持续加强，社会大局保持稳定。",
                      "参考资料", "1. 某某日报，某年某月某日", "本页面最后修订于2024年1月1日", "文本在知识共享署名许可协议之条款下提供"])
    lines = clean_text(wiki, "txt").text.split("\n")
    assert lines[1].endswith("经济运行总体平稳。")  # footnote markers gone
    assert "会议审议通过了关于重大问题的决定，对今后工作作出全面部署。" in lines
    assert lines[-1] == "全年完成各项目标任务，民生保障持续加强，社会大局保持稳定。"


def test_font_switch_and_decorated_page_title_go_but_a_lone_table_cell_stays():
    capture = "\n".join(["关于做好相关工作的通知_某某市人民政府网站", "关于做好相关工作的通知", "2023-04-12 10:00", "来源：本站",
                         "Aa", "字体：", "小", "|", "中", "|", "大", *BODY, "风险等级", "大", "影响范围", "中"])
    lines = clean_text(capture, "txt").text.split("\n")
    assert lines[0] == "关于做好相关工作的通知" and lines[1] == BODY[0]
    assert not {"Aa", "字体：", "小", "|"} & set(lines)
    assert lines[-4:] == ["风险等级", "大", "影响范围", "中"]  # cells of a table, not a font switch


QA_PAGE = """<html><head><meta charset="utf-8"><meta name="PubDate" content="2025-09-04 10:30">
<meta name="ArticleTitle" content="年度积分入户工作热点问答"><title> 年度积分入户工作热点问答-某某市人力资源和社会保障局网站 </title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div><div class="article">
<p>1.2025年度积分入户指标有多少个？</p><p>答：根据年度人口迁入计划，2025年度我市积分入户类指标为1.6万个，与上年度持平。</p>
<p>2.申请积分入户需要具备哪些基本条件？</p><p>答：需要具备以下基本条件：（一）在本市合法稳定就业；（二）年龄在45周岁以下；（三）缴纳社会保险满4年。</p>
<p>3.积分入户申报的起止时间是什么？</p><p>答：申报时间是2025年10月10日9时至2025年11月10日17时。</p>
</div><div class="foot">主办单位：某某市人力资源和社会保障局</div></body></html>"""


def test_a_page_without_a_headline_is_named_dated_and_issued_by_what_its_head_declares(tmp_path):
    path = tmp_path / "qa-page.html"
    path.write_text(QA_PAGE, encoding="utf-8")
    parsed = parse_file(path)
    meta = parsed.document.meta
    assert meta.title == "年度积分入户工作热点问答"  # the site's name cut from the declared title
    assert meta.issuer == "某某市人力资源和社会保障局"  # the organ whose own site it is
    assert meta.date == "2025-09-04"  # the declared publication date, not the first deadline in the text
    labels = ["/".join(c.labels) for c in parsed.clauses]
    assert labels[:3] == ["1", "2", "3"]  # 「1.2025年度…」 is item 1, not the decimal 1.2025


def test_articles_as_markdown_bullets_keep_their_numbers(tmp_path):
    path = tmp_path / "noise-act.md"
    path.write_text("\n\n".join(f"* {n} 本法第{n}項所定事項，由主管機關定之。\n\n> 釋：本條新增。" for n in range(1, 5)),
                    encoding="utf-8")
    clauses = parse_file(path).clauses
    assert ["/".join(c.labels) for c in clauses] == ["1", "2", "3", "4"]
    assert clauses[1].text == "2 本法第2項所定事項，由主管機關定之。\n釋：本條新增。"
