from qa.core.ids import ancestors, base_id, clause_id, doc_id_of, is_within, parent_of, part_id, part_ids


def test_an_id_is_built_from_the_document_and_the_label_path_and_taken_apart_again():
    cid = clause_id("yz-plan", ["三", "（二）", "5"])
    assert cid == "yz-plan:三/（二）/5"
    assert doc_id_of(part_id(cid, 2)) == "yz-plan" and base_id(part_id(cid, 2)) == cid
    assert part_ids(cid, 3) == [f"{cid}#1", f"{cid}#2", f"{cid}#3"]


def test_ancestors_are_read_off_the_id_nearest_first():
    assert parent_of("d:二/（一）/1#3") == "d:二/（一）"
    assert parent_of("d:二") is None
    assert ancestors("d:二/（一）/1") == ["d:二/（一）/1", "d:二/（一）", "d:二"]
    assert ancestors(None) == []


def test_within_means_the_clause_itself_or_under_it_never_a_sibling_with_a_longer_label():
    assert is_within("d:二/（一）#2", "d:二") and is_within("d:二", "d:二")
    assert not is_within("d:二十", "d:二")  # a label that only starts like the other one
    assert not is_within("e:二/（一）", "d:二")
