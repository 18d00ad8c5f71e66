"""Hand-built clauses and context for the offline answerer's tests: no index, no embedder."""
from __future__ import annotations

from qa.core.text import to_search_text
from qa.core.types import Clause, ContextItem, Hit


def clause(doc_id: str, path: tuple[str, ...], text: str, ordinal: int, title: str = "某区发展行动方案") -> Clause:
    labels = tuple(p.split(" ")[0] for p in path)
    parent = f"{doc_id}:{'/'.join(labels[:-1])}" if len(labels) > 1 else None
    return Clause(clause_id=f"{doc_id}:{'/'.join(labels)}", doc_id=doc_id, doc_title=title, ref=" ".join(path),
                  path=path, labels=labels, heading=path[-1].split(" ")[-1], text=text,
                  search_text=to_search_text(text), start=0, end=len(text), ordinal=ordinal, level=len(path),
                  parent_id=parent)


def items_of(*clauses: Clause) -> list[ContextItem]:
    """The clauses as numbered context items [1], [2], … in the order given."""
    return [ContextItem(n=i, hit=Hit(clause=c, score=1.0, text=c.text), text=c.text)
            for i, c in enumerate(clauses, start=1)]
