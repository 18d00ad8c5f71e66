"""Sentence vectors computed at build time (index/store/sentences.py): written by the build, kept
in step with incremental builds, read by clause id, and used by the offline answerer instead of
embedding the candidate sentences per question."""
from __future__ import annotations

import numpy as np

from index.build import build_index, open_index
from index.store import sentences as sentence_store
from index.store.sentences import clause_sentences
from qa.answer.extractive import ExtractiveAnswerer
from qa.core.config import TUNING
from qa.core.types import ContextItem, Filters, Hit
from standin_embedder import StandInEmbedder
from test_incremental_build import write

CHARS = TUNING.answer.embed_chars


class CountingEmbedder(StandInEmbedder):
    """The stand-in embedder, counting what it is asked to embed."""

    def __init__(self) -> None:
        self.passages: list[str] = []
        self.queries = 0

    def embed_passages(self, texts):
        self.passages += list(texts)
        return super().embed_passages(texts)

    def embed_query(self, text):
        self.queries += 1
        return super().embed_query(text)


def stored_pairs(reader, doc_id: str) -> list[tuple[str, str]]:
    return clause_sentences(reader.clauses(doc_id), CHARS)


def three_documents(tmp_path, embedder):
    """alpha, beta and gamma written and indexed: the corpus folder, its index's and cache's, and a reader."""
    corpus, index_dir, cache = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"
    write(corpus, "alpha"), write(corpus, "beta"), write(corpus, "gamma")
    build_index(corpus, index_dir, embedder, cache)
    return corpus, index_dir, cache, open_index(index_dir, embedder)


def test_build_stores_every_sentence_of_every_clause_with_the_vector_the_answerer_would_compute(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "alpha"), write(corpus, "beta")
    embedder = StandInEmbedder()
    build_index(corpus, index_dir, embedder, tmp_path / "cache")
    reader = open_index(index_dir, embedder)
    pairs = stored_pairs(reader, "alpha") + stored_pairs(reader, "beta")
    assert len(pairs) >= 8 and any("量子密钥分发" in text for _, text in pairs)
    found = reader.sentence_vectors(pairs)
    assert all(v is not None for v in found)
    assert np.allclose(np.vstack(found), embedder.embed_passages([text for _, text in pairs]), atol=1e-6)
    # By clause id: the same sentence under another clause, or another text, is not there.
    (first_id, first_text), (other_id, _) = pairs[0], pairs[-1]
    assert reader.sentence_vectors([(other_id, first_text), (first_id, "没有这句话。")]) == [None, None]


def test_incremental_builds_replace_a_changed_document_and_drop_a_removed_one(tmp_path):
    embedder = CountingEmbedder()
    corpus, index_dir, cache, reader = three_documents(tmp_path, embedder)
    alpha_before, beta, gamma = (stored_pairs(reader, d) for d in ("alpha", "beta", "gamma"))

    write(corpus, "alpha", ["建设量子通信骨干网络，推进量子密钥分发应用。", "建设海洋牧场示范区，发展深远海养殖。"])
    (corpus / "gamma.txt").unlink()
    embedder.passages.clear()
    build_index(corpus, index_dir, embedder, cache)
    alpha_after = stored_pairs(reader, "alpha")
    new = [p for p in alpha_after if "海洋牧场" in p[1]]
    gone = [p for p in alpha_before if "量子计算产业集群" in p[1]]
    assert new and gone
    # Only the changed document's new sentences were embedded; beta's were not touched.
    assert embedder.passages and all("海洋牧场" in text for text in embedder.passages)
    assert not any(text in embedder.passages for _, text in beta)
    assert all(v is not None for v in reader.sentence_vectors(alpha_after + beta))
    assert reader.sentence_vectors(gone + gamma) == [None] * (len(gone) + len(gamma))


def test_many_small_builds_keep_the_segments_few_and_the_vectors_right(tmp_path):
    corpus, index_dir, cache = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"
    embedder = StandInEmbedder()
    write(corpus, "alpha"), write(corpus, "beta")
    build_index(corpus, index_dir, embedder, cache)
    for n in range(sentence_store.MAX_SEGMENTS + 2):
        write(corpus, "beta", [f"推进第{n}批老旧管网改造。", "统筹地下空间开发。"])
        build_index(corpus, index_dir, embedder, cache)
    reader = open_index(index_dir, embedder)
    listed = sentence_store.listing(reader._versions.manifest(reader.generation))
    assert 1 <= len(listed) <= sentence_store.MAX_SEGMENTS
    folders = {p.name for p in (index_dir / sentence_store.FOLDER).iterdir()}
    # The previous generation's segments stay for its readers until the next build; no more.
    assert {name for name, _ in listed} <= folders and len(folders) <= 2 * sentence_store.MAX_SEGMENTS
    pairs = stored_pairs(reader, "alpha") + stored_pairs(reader, "beta")
    assert any("第" in text and "批" in text for _, text in pairs)
    found = reader.sentence_vectors(pairs)
    assert np.allclose(np.vstack(found), embedder.embed_passages([t for _, t in pairs]), atol=1e-6)
    stale = [(c, t.replace(f"第{sentence_store.MAX_SEGMENTS + 1}批", "第0批")) for c, t in pairs if "批" in t]
    assert reader.sentence_vectors(stale) == [None] * len(stale)


def test_the_answerer_takes_stored_vectors_and_embeds_only_what_the_index_lacks(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "alpha"), write(corpus, "beta")
    build_index(corpus, index_dir, StandInEmbedder(), tmp_path / "cache")
    embedder = CountingEmbedder()
    reader = open_index(index_dir, embedder)
    clauses = [c for c in reader.clauses() if c.text.strip()]
    items = [ContextItem(n=i, hit=Hit(clause=c, score=1.0, text=c.text), text=c.text)
             for i, c in enumerate(clauses, start=1)]
    question = "如何推进量子密钥分发应用？"

    stored = ExtractiveAnswerer(embedder=embedder, stored=reader.sentence_vectors).candidates(question, items)
    assert embedder.passages == [] and embedder.queries == 1
    embedded = ExtractiveAnswerer(embedder=embedder).candidates(question, items)
    assert embedder.passages  # without the store every candidate sentence is embedded
    assert [(c.sentence, round(c.similarity, 6)) for c in stored] == \
        [(c.sentence, round(c.similarity, 6)) for c in embedded]
    assert "量子密钥分发" in stored[0].sentence

    # A context text the build never saw (cut, or another form) is embedded, and only that one.
    embedder.passages.clear()
    at = next(i for i, item in enumerate(items) if item.text.endswith("。"))
    changed = list(items)
    changed[at] = ContextItem(n=at + 1, hit=items[at].hit, text=items[at].text + "新增一句关于量子密钥分发的试点说明。")
    ExtractiveAnswerer(embedder=embedder, stored=reader.sentence_vectors).candidates(question, changed)
    assert embedder.passages == ["新增一句关于量子密钥分发的试点说明。"]


def test_the_question_is_embedded_once_for_retrieval_and_the_answerer():
    from index.embed import RememberedQueries

    counting = CountingEmbedder()
    embedder = RememberedQueries(counting, size=2)
    first = embedder.embed_query("渝中区到2027年地区生产总值目标是多少？")
    again = embedder.embed_query("渝中区到2027年地区生产总值目标是多少？")
    assert counting.queries == 1 and np.array_equal(first, again)
    embedder.embed_query("第二个问题"), embedder.embed_query("第三个问题")
    embedder.embed_query("渝中区到2027年地区生产总值目标是多少？")  # forgotten: only the last two are kept
    assert counting.queries == 4


def test_sentence_search_finds_a_clause_by_its_closest_sentence_and_only_the_current_text(tmp_path):
    embedder = StandInEmbedder()
    corpus, index_dir, cache, reader = three_documents(tmp_path, embedder)
    sentence = next(text for _, text in stored_pairs(reader, "beta") if "综合管廊" in text)
    query = embedder.embed_passages([sentence])[0]
    found = reader.sentence_search(query, 3)
    assert found[0][0].doc_id == "beta" and found[0][1] > 0.999  # the clause holding that very sentence
    assert [c.doc_id for c, _ in reader.sentence_search(query, 5, Filters(doc_ids=("alpha",)))] \
        and {c.doc_id for c, _ in reader.sentence_search(query, 5, Filters(doc_ids=("alpha",)))} == {"alpha"}

    # beta rewritten: its old text stays in the older segment, marked deleted there.
    write(corpus, "beta", ["建设海洋牧场示范区，发展深远海养殖。", "统筹地下空间开发。"])
    build_index(corpus, index_dir, embedder, cache)
    reader = open_index(index_dir, embedder)
    assert len(sentence_store.listing(reader._versions.manifest(reader.generation))) == 2
    after = reader.sentence_search(query, 50)
    assert after and all(score < 0.999 for _, score in after)
    ids = [c.base_id for c, _ in after]
    assert len(ids) == len(set(ids))  # one entry per clause, though beta is in both segments
    (corpus / "gamma.txt").unlink()
    build_index(corpus, index_dir, embedder, cache)
    assert {c.doc_id for c, _ in open_index(index_dir, embedder).sentence_search(query, 50)} == {"alpha", "beta"}
