"""Quick probes of the offline answerer's failure classes (issue 11) on data/corpus: questions
written for this check, not taken from the gold set — figures for the year and measure asked,
who leads a task, a list named by a count, numerals written another way, and questions the
documents cannot answer. Prints one line per probe and the pass count.

    POLICYQA_HOME=... .venv/bin/python bench/answer_probes.py [--verbose]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (question, strings the answer must contain, strings it must not contain); None = must refuse.
PROBES: list[tuple[str, tuple[str, ...] | None, tuple[str, ...]]] = [
    ("到2027年渝中区地区生产总值要达到多少？", ("2100亿元",), ("33万元",)),
    ("渝中区2027年人均地区生产总值目标是多少？", ("33万元",), ()),
    ("到2027年渝中区地均生产总值要突破多少？", ("100亿元",), ("33万元", "2100亿元")),
    ("重庆长滨建设由哪个单位牵头？", ("区住建委",), ()),
    ("长江上游航运中心这项任务由哪个部门负责？", ("区交通局",), ()),
    ("渝中区创建重庆国家医学中心由谁牵头？", ("区卫健委",), ()),
    ("渝中区十项行动有哪些？", ("极核引领行动", "现代基础设施网络行动", "现代化产业体系行动"), ()),
    ("渝中区空气质量优良天数每年要稳定在多少天？", ("305天",), ()),
    ("渝中区到二〇二七年进出口总额要达到多少？", ("100亿元",), ()),
    ("渝中区软件和信息服务业从业人员要超过多少人？", ("10万人",), ()),
    ("渝中区每千人口3岁以下婴幼儿托位数要超过几个？", ("4.5个",), ()),
    ("渝中区全社会研发经费投入年均增长目标是多少？", ("15%",), ()),
    ("长滨路沿线滨江区域治理提升涉及多少公里？", ("4.8公里",), ()),
    ("成都市2019年的房价调控政策是什么？", None, ()),
    ("渝中区到2030年进出口总额要达到多少？", None, ()),
    ("重庆市渝中区地铁票价是多少元？", None, ()),
    ("四川省委决定对高考加分政策有什么规定？", None, ()),
    ("天府新区对外卖骑手的社保补贴标准是多少？", None, ()),
    ("成都市委决定提出的养老金上调幅度是多少？", None, ()),
    ("渝中区实际使用外资要达到多少亿美元？", ("1.5亿美元",), ()),
]


def run(verbose: bool = False) -> int:
    from qa.service import PolicyQA
    from qa.settings import load_settings

    service = PolicyQA(load_settings())
    passed = 0
    for question, wanted, unwanted in PROBES:
        answer = service.ask(question, mode="offline")
        flat = answer.text.replace(" ", "")
        if wanted is None:
            ok = answer.refused and bool(answer.notice)
        else:
            ok = not answer.refused and all(w in flat for w in wanted) and not any(u in flat for u in unwanted)
        passed += ok
        level = answer.evidence.level if answer.evidence else "-"
        print(f"{'PASS' if ok else 'FAIL'} [{level}] {question}")
        if verbose or not ok:
            print("   ", answer.text.replace("\n", " ")[:300], "|", answer.notice[:120])
    print(f"{passed}/{len(PROBES)} probes pass")
    return passed


if __name__ == "__main__":
    run("--verbose" in sys.argv)
