"""Token counts come from tiktoken's own cl100k_base, built here from ranks kept parsed beside
the BPE file (qa/core/token_count.py): the same encoding, and a kept table that is missing or
damaged is parsed again, never trusted."""
from __future__ import annotations

import pytest

from qa.core import token_count

TEXTS = ["渝中区到2027年地区生产总值目标是多少？", "What is Yuzhong District's GDP target for 2027?",
         "（一）加快建设  成渝地区双城经济圈\n\n[3] 《决定》三、（十三）<|endoftext|>", "   \t\n", "🙂 ١٢٣ ＡＢＣ"]


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)  # ensure_tiktoken_cache sets it: undone after
    token_count.ensure_tiktoken_cache(tmp_path)
    return tmp_path


def _kept(cache):
    return [p for p in cache.iterdir() if ".ranks-" in p.name]


def test_the_encoding_is_tiktokens_own_cl100k_base(cache):
    import tiktoken

    ours, theirs = token_count.build_encoding(cache), tiktoken.get_encoding("cl100k_base")
    assert ours._pat_str == theirs._pat_str and ours._special_tokens == theirs._special_tokens
    assert ours._mergeable_ranks == theirs._mergeable_ranks
    for text in TEXTS:
        assert ours.encode(text, disallowed_special=()) == theirs.encode(text, disallowed_special=())


def test_the_parsed_ranks_are_kept_and_read_back(cache, monkeypatch):
    first = token_count.build_encoding(cache)
    assert len(_kept(cache)) == 1
    monkeypatch.setattr(token_count.base64, "b64decode", lambda *_: pytest.fail("parsed again"))
    again = token_count.build_encoding(cache)
    assert [again.encode(t, disallowed_special=()) for t in TEXTS] == [first.encode(t, disallowed_special=()) for t in TEXTS]


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe9\x01\x00\x00\x00"])  # empty, not marshal, a bare int
def test_a_damaged_kept_table_is_parsed_again(cache, damage):
    reference = token_count.build_encoding(cache)
    _kept(cache)[0].write_bytes(damage)
    rebuilt = token_count.build_encoding(cache)
    assert rebuilt._mergeable_ranks == reference._mergeable_ranks
    assert len(_kept(cache)[0].read_bytes()) > 1_000_000  # kept again, whole


def test_a_new_bpe_file_drops_the_kept_table(cache):
    token_count.build_encoding(cache)
    bpe = cache / next(p.name for p in cache.iterdir() if ".ranks-" not in p.name)
    bpe.write_bytes(b"tampered")
    token_count.ensure_tiktoken_cache(cache)  # puts the shipped file back
    assert _kept(cache) == []
