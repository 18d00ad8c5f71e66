"""Citation markers in answer text ([1]  [1,2]  [1、2]  [1-3]  【1】  ［1］ 〔1〕) and the
sentences of a cited answer, each with the markers that belong to it.

The answerers write them, the verifier renumbers them, the UI and the memo turn them into
links and footnotes, and the eval strips them before comparing texts: one pattern for all.
"""
from __future__ import annotations

import re

MARKER = re.compile(r"[\[【［〔]\s*(\d{1,3}(?:\s*[,，、;；\-–~]\s*\d{1,3})*)\s*[\]】］〕]")
_RANGE = re.compile(r"(\d+)\s*[\-–~]\s*(\d+)")
MAX_RANGE = 20  # 「[1-3]」 is a range; 「[2-2000]」 is not a citation
# Answer sentences end at 。！？ or an English full stop; the markers after the end belong to the
# sentence they follow. (； does not end an answer sentence: a quoted clause keeps its 「；」.)
_SENTENCE_END = re.compile(r"(?:[。！？!?]|\.(?=\s|$))(?:\s*\[\d+\])*")
# A list enumerator at the start of a line is layout: not a sentence end, not a figure.
LIST_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[-*•·]|——)\s*")


def marker_numbers(group: str) -> list[int]:
    """The numbers of one marker's inside ('1,2' → [1, 2]; '1-3' → [1, 2, 3])."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,，、;；]\s*", group.strip()):
        span = _RANGE.fullmatch(part)
        if span and int(span.group(1)) <= int(span.group(2)) <= int(span.group(1)) + MAX_RANGE:
            numbers.extend(range(int(span.group(1)), int(span.group(2)) + 1))
        elif part.isdigit():
            numbers.append(int(part))
    return numbers


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def split_sentences(text: str) -> list[str]:
    """Sentences as they appear in `text` (each a substring), markers kept with the sentence they
    follow, so "…台阶。[1]" and "…台阶[1]。" both belong to that sentence."""
    sentences = []
    for line in text.splitlines():
        start = len(LIST_ENUMERATOR.match(line).group(0)) if LIST_ENUMERATOR.match(line) else 0
        pos = 0
        for end in _SENTENCE_END.finditer(line, start):
            sentences.append(line[pos : end.end()])
            pos = end.end()
        sentences.append(line[pos:])
    return [s.strip() for s in sentences if strip_markers(s).strip(" \t。！？!?.,，;；:：")]
