"""Metadata from the text when no manifest lists the file: 发文机关 fields, the dated
signature, a law's latest revision, 文号, a byline, and titles without a web page's
wrapping. Made-up documents in the shapes official documents use."""
from __future__ import annotations

from pathlib import Path

from index.ingest.clean import clean_text
from index.ingest.meta import infer_meta


def meta_of(text: str, name: str = "doc.txt", fmt: str = "txt"):
    return infer_meta(Path(name), text, clean_text(text, fmt))


NOTICE_BODY = "各有关单位：\n现将有关事项通知如下：\n一、加强组织领导，明确责任分工，确保各项任务按期完成。\n二、强化督促检查，及时发现和解决问题。"


def test_signature_gives_issuer_and_date_and_the_number_line_the_doc_number():
    text = f"关于做好相关工作的通知\n某政发〔2021〕15号\n{NOTICE_BODY}\n某某省人民政府\n2021年3月8日\n（此件公开发布）"
    meta = meta_of(text)
    assert (meta.title, meta.issuer, meta.date, meta.doc_number) == (
        "关于做好相关工作的通知", "某某省人民政府", "2021-03-08", "某政发〔2021〕15号")


def test_joint_signature_lists_every_issuer():
    text = f"关于做好相关工作的通知\n{NOTICE_BODY}\n某某市发展和改革委员会\n某 某 市 财 政 局\n2022年6月1日"
    assert meta_of(text).issuer == "某某市发展和改革委员会 某某市财政局"


def test_issuer_field_wins_and_body_citations_are_not_the_doc_number():
    text = ("关于做好相关工作的意见\n发文机关：某某部\n成文日期：2019年5月20日\n"
            "依据《某某管理办法》（某发〔2016〕9号），提出如下意见。\n一、总体要求，坚持稳中求进。")
    meta = meta_of(text)
    assert meta.issuer == "某某部" and meta.doc_number == ""


def test_revised_law_is_dated_by_its_latest_revision_and_issued_by_the_legislature():
    text = ("某某管理法\n（2001年4月28日第九届全国人民代表大会常务委员会第二十一次会议通过　"
            "根据2009年8月27日第十一届全国人民代表大会常务委员会第十次会议《关于修改部分法律的决定》第一次修正　"
            "2018年12月29日第十三届全国人民代表大会常务委员会第七次会议修订）\n"
            "第一条　为了规范某某管理，制定本法。\n第二条　本法自公布之日起施行。")
    meta = meta_of(text)
    assert (meta.title, meta.issuer, meta.date) == ("某某管理法", "全国人民代表大会常务委员会", "2018-12-29")


def test_byline_names_the_author_of_an_article():
    text = "推动高质量发展的几点思考\n某某研究院院长 张某某\n近年来，各地区各部门认真贯彻落实决策部署，取得明显成效。\n一、充分认识重要意义"
    assert meta_of(text).issuer == "张某某"


def test_web_title_loses_site_name_and_number_suffix():
    for headline in ("【关于做好相关工作的通知】-某某省人民政府", "关于做好相关工作的通知_某某省人民政府门户网站",
                     "关于做好相关工作的通知(某政发〔2021〕15号)"):
        assert meta_of(f"{headline}\n{NOTICE_BODY}").title == "关于做好相关工作的通知"


def test_a_site_menu_never_becomes_the_title():
    pages = [
        "学校首页\n学校概况\n通知公告\n党建工作\n中共中央办公厅 国务院办公厅印发《关于加强某项工作的意见》\n"
        "近日，中共中央办公厅、国务院办公厅印发了《关于加强某项工作的意见》，要求各地区各部门认真贯彻落实。\n一、总体要求",
        "首页 | 通知公告 | 政策法规 | 联系我们\n当前位置：首页 > 通知公告\n关于举办某项培训的通知\n发布时间：2023-05-01\n"
        "各学院：\n为提升业务能力，决定举办培训。现将有关事项通知如下：\n一、培训时间",
        "通知公告\n政策文件\n工作动态\n关于举办某项培训的通知\n各学院：\n为提升业务能力，决定举办培训。\n一、培训时间",
    ]
    titles = [meta_of(page).title for page in pages]
    assert titles == ["中共中央办公厅 国务院办公厅印发《关于加强某项工作的意见》", "关于举办某项培训的通知", "关于举办某项培训的通知"]


def test_doc_number_from_a_headline_suffix():
    assert meta_of(f"关于做好相关工作的通知(某政发〔2021〕15号)\n{NOTICE_BODY}").doc_number == "某政发〔2021〕15号"
