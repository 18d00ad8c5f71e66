"""Responsibility notes → data: the units a clause names as leading or sharing a task.

Action plans end a task with a note in brackets — （牵头单位：区发改委，责任单位：区住建委、…等）,
（市科技局牵头，市财政局配合）, （市发展改革委、市商务局等按职责分工负责） — and "who leads this?"
is among the first things a researcher asks. The note stays in the clause text (it is what gets
quoted); these fields make it a filter and a panel line.

Roles: `lead_units` are the units named as leading (牵头…, 主责…); when a note names only units that
"are responsible" (…负责) with no lead, those units are the lead — nobody else answers for the task.
`responsible_units` are the units named beside a lead (责任/配合/参与/协办…).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from qa.core.clause_parts import join_parts
from qa.core.types import Clause

_LEAD_ROLE = r"牵头(?:单位|部门)|主责(?:单位|部门)|主办(?:单位|部门)"
_PARTNER_ROLE = r"责任(?:单位|部门)|配合(?:单位|部门)|参与(?:单位|部门)|协办(?:单位|部门)|协同(?:单位|部门)|协作(?:单位|部门)"
# "专项行动牵头单位：" — a short qualifier may precede the role word.
_ROLE_KEY = re.compile(rf"[\u4e00-\u9fff]{{0,6}}?(?P<role>{_LEAD_ROLE}|{_PARTNER_ROLE})\s*[:：]")
_BRACKETED = re.compile(r"[（(]([^（）()]{2,600})[）)]")
# A whole line of a table or list: 牵头单位：… on its own.
_ROLE_LINE = re.compile(rf"^\s*(?:{_LEAD_ROLE}|{_PARTNER_ROLE})\s*[:：].*$", re.MULTILINE)
_LEADS_VERB = re.compile(r"^(?:由)?(?P<lead>.+?)牵头(?:负责|实施|推进)?$")
_PARTNER_VERB = re.compile(r"^(?P<units>.+?)(?:配合|参与|协同|协助)$")
_RESPONSIBLE_VERB = re.compile(r"^(?:由)?(?P<units>.+?)(?:按照?职责分工|按职责|分别|共同|各自)?负责(?:落实)?$")
_SPLIT = re.compile(r"[、，,；;/]")
# What the last character of an organisation's name looks like; guards "（…负责）" readings, where
# the bracket could as well hold a sentence.
_UNIT_END = tuple("局委办厅部院会署处室所站队组中心府司团行关道镇乡街区县市省社联")
_MAX_UNIT_CHARS = 30


def responsibility(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lead units, responsible units) named by the responsibility notes of `text`."""
    lead: list[str] = []
    partners: list[str] = []
    notes = [m.group(1) for m in _BRACKETED.finditer(text)] + [m.group(0) for m in _ROLE_LINE.finditer(text)]
    for note in notes:
        note = re.sub(r"\s+", "", note)
        if _ROLE_KEY.search(note):
            _read_keyed(note, lead, partners)
        else:
            _read_verbs(note, lead, partners)
    lead = _unique(lead)
    return tuple(lead), tuple(u for u in _unique(partners) if u not in lead)


def _read_keyed(note: str, lead: list[str], partners: list[str]) -> None:
    keys = list(_ROLE_KEY.finditer(note))
    for key, following in zip(keys, [*keys[1:], None]):
        value = note[key.end():following.start() if following else len(note)]
        units = _units(value)
        (lead if re.fullmatch(_LEAD_ROLE, key["role"]) else partners).extend(units)


def _read_verbs(note: str, lead: list[str], partners: list[str]) -> None:
    """「X牵头，Y配合」, 「…，X、Y等按职责分工负责」: one role per comma-separated segment; a
    segment that is not a list of unit names (a deadline, a sentence) is passed over."""
    for segment in re.split(r"[，,；;]", note):
        if (match := _LEADS_VERB.match(segment)) and _looks_like_units(_units(match["lead"])):
            lead += _units(match["lead"])
        elif (match := _PARTNER_VERB.match(segment)) and _looks_like_units(_units(match["units"])):
            partners += _units(match["units"])
        elif (match := _RESPONSIBLE_VERB.match(segment)) and _looks_like_units(_units(match["units"])):
            lead += _units(match["units"])


def _units(value: str) -> list[str]:
    units = []
    for piece in _SPLIT.split(value):
        piece = re.sub(r"(?:等|等单位|等部门|按照?职责分工|分别|配合|参与|协助)+$", "", piece.strip(" 。.：:"))
        if piece and len(piece) <= _MAX_UNIT_CHARS:
            units.append(piece)
    return units


def _looks_like_units(units: Sequence[str]) -> bool:
    # Every name must end like an organisation's, and none may hold an adverb of manner
    # (「企业自行负责」 says who, but not a unit).
    return bool(units) and all(u.endswith(_UNIT_END) and not re.search(r"[，。；！？]|\d|自行|自主|共同", u)
                               for u in units)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def with_responsibility(clauses: Sequence[Clause]) -> list[Clause]:
    """The clauses with `lead_units`/`responsible_units` set from their own text; every part of a
    long clause carries the note of the whole clause, since any part may be the one retrieved."""
    by_base: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_base.setdefault(clause.base_id, []).append(clause)
    notes = {base: responsibility(join_parts(parts)) for base, parts in by_base.items()}
    out = []
    for clause in clauses:
        lead, partners = notes[clause.base_id]
        out.append(replace(clause, lead_units=lead, responsible_units=partners) if lead or partners else clause)
    return out
