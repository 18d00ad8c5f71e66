"""Every bad input gets a 4xx JSON error {"error": {code, message, hint}} from the real server:
never a 500, never a traceback, whatever the body holds (broken JSON, wrong types, lone
surrogates, control characters, binary, unknown ids, oversize bodies)."""
from __future__ import annotations

import pytest

from api_harness import assert_error

pytestmark = pytest.mark.slow

JSON = {"content-type": "application/json"}

# (path, raw body, expected status(es), expected code or None)
BAD_BODIES = [
    ("/api/ask", b'{"question": "\\ud800"}', 422, "invalid_request"),  # a lone surrogate, valid JSON
    ("/api/ask", b'{"question": "\\udfff\\ud800 two"}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "a\\u0000b"}', 422, "invalid_request"),  # NUL
    ("/api/ask", b'{"question": "\\u001b[31mred"}', 422, "invalid_request"),  # an escape sequence
    ("/api/ask", b'{"question": "ok", "history": [{"question": "q", "answer": "\\ud800"}]}', 422, "invalid_request"),
    ("/api/ask", b'{"question": ', 400, "malformed_json"),
    ("/api/ask", b"\xff\xfe\x00\x01\x80binary", 400, None),
    ("/api/ask", b"", 422, None),
    ("/api/ask", b"[]", 422, "invalid_request"),
    ("/api/ask", b'"just a string"', 422, "invalid_request"),
    ("/api/ask", b'{"question": 42}', 422, "invalid_request"),
    ("/api/ask", b'{"question": ["a"]}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "ok", "k": "many"}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "ok", "k": 0}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "ok", "mode": "psychic"}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "ok", "filter": {}}', 422, "invalid_request"),  # a typo is not ignored
    ("/api/ask", b'{"question": "ok", "filters": {"date_from": "2020-13"}}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "ok", "filters": {"doc_ids": "one"}}', 422, "invalid_request"),
    ("/api/ask", b'{"question": "ok", "filters": {"doc_ids": ["no-such-document"]}}', 400, "bad_request"),
    ("/api/ask", b'{"question": "ok", "filters": {"issuers": ["nobody"]}}', 422, "no_matching_documents"),
    ("/api/ask", b'{"question": "ok", "conversation_id": "no-such-conversation"}', 404, "unknown_conversation"),
    ("/api/ask", b'{"question": "ok", "conversation_id": "x", "history": [{"question": "q", "answer": "a"}]}',
     422, "invalid_request"),
    ("/api/ask", b'{"question": "   "}', 400, "bad_request"),
    ("/api/ask", b'{"question": "ok", "mode": "llm"}', 400, "llm_not_configured"),
    ("/api/ask/stream", b'{"question": "\\ud800"}', 422, "invalid_request"),
    ("/api/ask/stream", b'{"question": "ok", "filters": {"doc_ids": ["no-such-document"]}}', 400, "bad_request"),
    ("/api/retrieve", b'{"question": "\\ud800\\udc00\\ud800"}', 422, "invalid_request"),
    ("/api/retrieve", b'{"question": "' + "长".encode() * 3000 + b'"}', 400, "bad_request"),  # over the question limit
    ("/api/compare", b'{"question": "ok", "filters": {"doc_ids": ["no-such-document"]}}', 400, "bad_request"),
    ("/api/compare", b'{"question": ""}', 400, "bad_request"),
    ("/api/memo", b'{"format": "pdf", "conversation_id": "x"}', 422, "invalid_request"),
    ("/api/memo", b"{}", 422, "invalid_request"),
    ("/api/memo", b'{"conversation_id": "no-such-conversation"}', 404, "unknown_conversation"),
    ("/api/memo", b'{"answers": [{"question": "q"}]}', 422, "invalid_request"),
    ("/api/conversations", b'{"title": "\\u0007"}', 422, "invalid_request"),
]


@pytest.mark.parametrize(("path", "body", "status", "code"), BAD_BODIES,
                         ids=[f"{p}:{b[:40]!r}" for p, b, _, _ in BAD_BODIES])
def test_bad_bodies_are_4xx_json_errors(http, path, body, status, code):
    assert_error(http.post(path, content=body, headers=JSON), status, code)


def test_unknown_ids_in_paths_are_404(http):
    assert_error(http.get("/api/documents/no-such-document"), 404, "unknown_document")
    assert_error(http.delete("/api/documents/no-such-document"), 404, "unknown_document")
    assert_error(http.patch("/api/documents/no-such-document", json={"title": "x"}), 404, "unknown_document")
    assert_error(http.post("/api/documents/no-such-document/restore"), 404, "unknown_document")
    assert_error(http.get("/api/conversations/no-such-conversation"), 404, "unknown_conversation")
    assert_error(http.delete("/api/conversations/no-such-conversation"), 404, "unknown_conversation")
    assert_error(http.get("/api/documents/%ED%A0%80"), 404)  # a surrogate's UTF-8 bytes in the path
    assert_error(http.get("/api/documents/%00%1b"), 404)


def test_bad_retags_are_refused_and_change_nothing(http):
    doc_id = "yuzhong-2023-05-ten-actions-plan"
    before = http.get(f"/api/documents/{doc_id}").json()
    assert_error(http.patch(f"/api/documents/{doc_id}", json={"date": "2023-02-30"}), 400, "bad_request")
    assert_error(http.patch(f"/api/documents/{doc_id}", json={"title": "  "}), 400, "bad_request")
    assert_error(http.patch(f"/api/documents/{doc_id}", json={}), 422, "invalid_request")
    assert_error(http.patch(f"/api/documents/{doc_id}", json={"title": 7}), 422, "invalid_request")
    assert_error(http.patch(f"/api/documents/{doc_id}", content=b'{"issuer": "\\ud800"}', headers=JSON), 422)
    assert http.get(f"/api/documents/{doc_id}").json() == before


def test_unknown_endpoints_and_methods(http):
    assert_error(http.get("/api/nothing-here"), 404, "unknown_endpoint")
    error = assert_error(http.put("/api/ask", json={}), 405, "method_not_allowed")
    assert "POST" in error["hint"]
    assert_error(http.get("/api/ask"), 405, "method_not_allowed")


def test_oversize_bodies_are_refused_before_they_are_read(http):
    big = b'{"question": "' + b"a" * (2 * 1024 * 1024) + b'"}'  # over the default 256 KB limit
    assert_error(http.post("/api/ask", content=big, headers=JSON), 413, "request_too_large")

    def chunks():  # no Content-Length: the limit is counted while the body arrives
        yield b'{"question": "'
        for _ in range(64):
            yield b"a" * 65536
        yield b'"}'
    assert_error(http.post("/api/ask", content=chunks(), headers=JSON), 413, "request_too_large")
    # the server still answers normally afterwards
    assert http.post("/api/retrieve", json={"question": "营造良好创新生态", "k": 1}).status_code == 200


def test_bad_uploads_are_refused_with_the_reason(http, tmp_path):
    cases = [
        (("tool.exe", b"MZ\x90\x00", "application/octet-stream"), 415, "unsupported_file_type"),
        (("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), 415, "unsupported_file_type"),
        (("fake.docx", b"plain text", "application/octet-stream"), 415, "unsupported_file_type"),
        (("empty.txt", b"", "text/plain"), 400, "unreadable_file"),
        (("blank.md", b" \n\n \n", "text/markdown"), 400, "unreadable_file"),
        (("noext", b"text", "text/plain"), 415, "unsupported_file_type"),
    ]
    for file, status, code in cases:
        assert_error(http.post("/api/documents", files={"file": file}), status, code)
    assert_error(http.post("/api/documents", files={"file": ("ok.md", "# 标题\n\n一、总则\n\n正文内容。".encode())},
                           data={"date": "2024-13-01"}), 400, "bad_request")
    assert_error(http.post("/api/documents", json={"file": "x"}), 422, "invalid_request")
    huge = b"a" * (21 * 1024 * 1024)  # over the default POLICYQA_MAX_UPLOAD_MB of 20
    assert_error(http.post("/api/documents", files={"file": ("huge.txt", huge)}), 413, "request_too_large")
    listed = http.get("/api/documents").json()
    assert all(d["origin"] == "corpus" for d in listed["documents"])  # nothing was added
