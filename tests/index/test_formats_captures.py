"""Page captures and their metadata: a disclosure page's table over the document, an
accessibility toolbar, a news site's footer (spaced-out copyright, menu strips, linked badges),
a share prompt written as a sentence; titles of 印发 notices, local legislatures, joint orders
signed by ministers, work reports delivered to a congress. Made-up pages in those shapes."""
from __future__ import annotations

from pathlib import Path

from index.ingest.clean import clean_text, is_chrome
from index.ingest.corpus import parse_file
from index.ingest.meta import infer_meta

BODY = ("一、加强组织领导。各单位要高度重视，明确责任分工，确保各项任务按期完成，形成工作合力。\n\n"
        "二、强化督促检查。各单位要建立工作台账，定期开展检查，及时发现和解决工作中出现的问题。\n\n"
        "三、做好总结报告。请各单位于年底前将工作情况书面报送，重要情况及时报告，确保工作落到实处。")


def meta_of(text: str, name: str = "doc.txt", fmt: str = "txt"):
    return infer_meta(Path(name), text, clean_text(text, fmt))


def clause_texts(tmp_path, text: str, name: str = "page.md") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return "\n".join(c.text for c in parse_file(path).clauses)


def test_disclosure_table_and_accessibility_toolbar_are_no_clause(tmp_path):
    page = ("## 关于做好相关工作的通知\n\n| 索引号 | SY-123-2025-00001 |\n| 发布机构 | 发改委 |\n| 发布时间 | 2025-04-15 |\n\n"
            "[点击查看文件下载](http://x/a.pdf)\n\n各有关单位：\n\n" + BODY +
            "\n\n视窗区0\n\nALT+Shift+1\n\n导航区0\n\nALT+Shift+2\n\n读屏专用\n\n声音开关\n\n语速\n")
    texts = clause_texts(tmp_path, page)
    assert "各有关单位" in texts and "确保工作落到实处" in texts
    assert [f for f in ("SY-123", "点击查看", "ALT+Shift", "读屏专用", "声音开关") if f in texts] == []


def test_a_news_sites_footer_goes_with_its_spaced_out_copyright_and_badges(tmp_path):
    more = "".join(f"\n\n{n}、抓好第{n}项任务。各单位要细化工作方案，明确时间节点，按期完成各项任务。" for n in "四五六七八九十")
    page = ("# 关于做好相关工作的通知\n\n" + BODY + more + "\n\n_分享让更多人看到 _\n\n客户端下载\n\n热门排行\n\n1某某会议召开\n\n"
            "2某某活动举行…\n\n社概况 | 关于本网 | 招聘 | 广告服务 | 合作加盟\n\n"
            "[许可证0104065](http://x/a) \\| [网络文化经营许可证 京网文\\[2020\\]5494号](http://x/b)\n\n"
            "某 某 网 股 份 有 限 公 司 版 权 所 有\n\n[![](http://x/i1.png)](http://www.example.com/img/2014xuke/2018icp.html)"
            "[![](http://x/i2.png)](https://ss.example.net/verifyseal.dll?sn=e12050911010020686307708)\n")
    texts = clause_texts(tmp_path, page)
    assert "确保工作落到实处" in texts
    assert [f for f in ("客户端", "热门排行", "某某会议", "招聘", "许可证", "版 权", "http") if f in texts] == []


def test_a_share_prompt_is_furniture_even_as_a_sentence_and_body_sentences_are_not():
    assert is_chrome("使用“扫一扫”即可将网页分享至朋友圈。")
    assert is_chrome("相关报道：") and is_chrome("【上一篇】：某某政策解读") and is_chrome("【打印此页】【关闭窗口】")
    assert not is_chrome("各单位要通过微信公众号、政务网站等渠道广泛宣传，扩大政策知晓度。")


def test_an_issuing_notice_is_titled_by_the_document_it_hands_out_when_the_file_holds_it():
    cover = "关于印发《某某市节能工作方案》的通知\n各区人民政府：\n现将《某某市节能工作方案》印发给你们，请认真贯彻执行。\n某某市人民政府\n2024年5月10日\n"
    assert meta_of(cover + "某某市节能工作\n方案\n" + BODY).title == "某某市节能工作方案"  # title broken over two lines
    assert meta_of(cover).title == "关于印发《某某市节能工作方案》的通知"  # the cover notice alone


def test_a_local_regulation_is_issued_by_the_standing_committee_of_its_congress():
    text = "某某市单用途卡管理规定\n2018年7月27日 某某市第十五届人民代表大会常务委员会第五次会议通过\n第一条 为了规范管理，制定本规定。\n第二条 本规定自公布之日起施行。"
    assert meta_of(text).issuer == "某某市人民代表大会常务委员会"


def test_a_joint_order_signed_by_ministers_names_their_ministries_and_its_number():
    text = ("某某办法\n第42号\n《某某办法》已经2025年12月26日第26次委务会议审议通过，现予公布，自2026年8月1日起施行。\n"
            "某某发展和改革委员会主任：张三\n某某信息化部部长：李四\n2026年6月5日")
    meta = meta_of(text)
    assert (meta.issuer, meta.date, meta.doc_number) == ("某某发展和改革委员会 某某信息化部", "2026-06-05", "第42号")


def test_a_work_report_is_issued_by_the_government_and_dated_when_delivered():
    text = ("2026年某某市政府工作报告\n——2026年1月28日在某某市第六届人民代表大会第四次会议上\n时间：2026-02-03\n"
            "某某市人民政府市长 王五\n各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、过去一年工作回顾\n经济稳定增长。")
    meta = meta_of(text)
    assert (meta.issuer, meta.date) == ("某某市人民政府", "2026-01-28")
