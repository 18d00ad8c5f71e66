"""Clause records kept in the keyword segments (index format 5): a reader gets a clause from the
segment, by row id, by clause id as its generation sees it, or by document, in document order."""
from __future__ import annotations

from dataclasses import replace

from test_store import CLAUSES, METAS

from index.store.clause_records import ChromaRecords, SegmentRecords, records_of
from index.store.keyword import KeywordIndex, Segment, merge, tokens_of
from index.store.records import packed, unpacked


def segment(name: str, clauses, generation: int, records: bool = True) -> Segment:
    return Segment.build(name, [f"{c.clause_id}@{generation}" for c in clauses], [c.doc_id for c in clauses],
                         tokens_of(c.search_text for c in clauses),
                         [packed(c, METAS[c.doc_id]) for c in clauses] if records else None)


CHANGED = [replace(c, text=c.text + "（修订）") for c in CLAUSES if c.doc_id == "plan"]


def two_generations() -> KeywordIndex:
    """Generation 1 wrote every document; generation 2 wrote "plan" again, changed."""
    return KeywordIndex([segment("s1", CLAUSES, 1), segment("s2", CHANGED, 2)], [{"plan"}, set()])


def test_a_record_round_trips_the_whole_clause():
    assert [unpacked(packed(c, METAS[c.doc_id])) for c in CLAUSES] == CLAUSES


def test_rows_by_id_in_the_order_asked_unknown_left_out():
    records = SegmentRecords(two_generations())
    asked = [f"{CLAUSES[3].clause_id}@1", "nowhere:一@1", f"{CLAUSES[0].clause_id}@2", f"{CLAUSES[0].clause_id}@1"]
    assert records.by_store_id(asked) == [CLAUSES[3], CHANGED[0], CLAUSES[0]]  # an old row still reads


def test_a_clause_id_finds_the_row_its_generation_sees():
    records = SegmentRecords(two_generations())
    seen = records.visible([CLAUSES[0].clause_id, CLAUSES[4].clause_id, "plan:九"])
    assert seen[CLAUSES[0].clause_id] == (f"{CLAUSES[0].clause_id}@2", CHANGED[0])  # not the deleted copy
    assert seen[CLAUSES[4].clause_id] == (f"{CLAUSES[4].clause_id}@1", CLAUSES[4])
    assert "plan:九" not in seen


def test_a_clause_id_that_prefixes_another_is_not_confused_with_it():
    first = replace(CLAUSES[4], clause_id="undated:1")
    tenth = replace(CLAUSES[4], clause_id="undated:10", text="第十条。")
    records = SegmentRecords(KeywordIndex([segment("s", [tenth], 1)]))
    assert records.visible([first.clause_id]) == {}
    assert records.visible([tenth.clause_id])[tenth.clause_id][1] == tenth


def test_a_document_reads_in_document_order_from_its_live_copy():
    records = SegmentRecords(two_generations())
    assert records.document("plan") == CHANGED
    assert records.document("decision") == [CLAUSES[3]]
    assert records.document("absent") == []


def test_records_survive_merge_save_and_the_blob(tmp_path):
    index = two_generations()
    merged = merge("m", index.segments, index.deleted)
    assert merged.has_records and SegmentRecords(KeywordIndex([merged])).document("plan") == CHANGED
    merged.save(tmp_path / "m")
    for loaded in (Segment.load(tmp_path / "m"), Segment.from_bytes("m", merged.to_bytes())):
        assert SegmentRecords(KeywordIndex([loaded])).by_store_id([f"{CLAUSES[3].clause_id}@1"]) == [CLAUSES[3]]


def test_segments_without_records_are_read_from_chroma(tmp_path):
    old = segment("old", CLAUSES, 1, records=False)
    old.save(tmp_path / "old")
    assert not Segment.load(tmp_path / "old").has_records
    assert isinstance(records_of(KeywordIndex([old]), None, "c", 1), ChromaRecords)
    assert isinstance(records_of(KeywordIndex([old, segment("new", CHANGED, 2)]), None, "c", 2), ChromaRecords)
    assert isinstance(records_of(two_generations(), None, "c", 2), SegmentRecords)
