"""The manifest as stored: compressed (a large one cost the server seconds to write and delete),
the same JSON as before, and a manifest stored uncompressed by an older build still reads."""
from __future__ import annotations

import json
from dataclasses import asdict

from index.store.chroma import ClauseStore
from index.store.versions import DocumentRecord, IndexLayout, VersionManifest, Versions
from qa.core.types import DocumentMeta


def manifest(documents: int) -> VersionManifest:
    records = tuple(DocumentRecord(DocumentMeta(f"d{i:05d}", f"第{i}号文件", "文件", issuer="某市人民政府", date="2023-01-01"),
                                   f"/corpus/d{i:05d}.txt", f"{i:064x}", 50, f"{i + 1:064x}") for i in range(documents))
    return VersionManifest("g0003", "policyqa_x_c0001", "model", 384, 512, "http://h:1", "2026-12-01T00:00:00",
                           "/corpus", "parser", records, (("s0001-ab", ("d00001",)),), {"format": 5, "sentences": []})


def test_the_json_is_what_asdict_gave():
    m = manifest(3)
    assert json.loads(m.to_json()) == json.loads(json.dumps(asdict(m), ensure_ascii=False))
    assert VersionManifest.from_json(m.to_json()) == m


def test_a_manifest_is_stored_compressed_and_reads_back(tmp_path):
    layout = IndexLayout(tmp_path / "index")
    store = ClauseStore(layout.chroma)
    versions = Versions(layout, store)
    big = manifest(2000)
    versions.put_manifest(big)
    stored = store.get_records(layout.blob_collection, ["manifest:g0003"])["manifest:g0003"]
    assert len(stored) < len(big.to_json().encode()) / 4
    assert versions.manifest("g0003") == big
    older = manifest(2)
    store.put_records(layout.blob_collection, {"manifest:g0003": older.to_json()})  # as format 4 stored it
    assert versions.manifest("g0003") == older
