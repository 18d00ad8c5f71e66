"""The plain numeral reader (qa/core/numerals.py) reads what cn2an reads, with the same value,
wherever it answers, so a cold question with plain numerals does not import cn2an (a third of a
second); the spellings it leaves to cn2an read as before."""
from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from qa.core.numerals import (
    _NO_NUMBER,
    _UNITS_ONLY,
    CN_NUMERAL_CHARS,
    _plain_numeral,
    cn_to_int,
    in_chinese,
)

cn2an = pytest.importorskip("cn2an")


def _cn2an(numeral: str) -> int | None:
    try:
        return int(cn2an.cn2an(numeral, "normal"))
    except ValueError:
        return None


def test_every_string_of_up_to_three_numeral_characters_reads_as_cn2an_reads_it_or_is_left_to_it():
    read = refused = 0
    for n in (1, 2, 3):
        for chars in itertools.product(CN_NUMERAL_CHARS, repeat=n):
            numeral = "".join(chars)
            value = _plain_numeral(numeral)
            if value is not None:
                assert value == _cn2an(numeral), numeral
                read += 1
            elif _NO_NUMBER.search(numeral) or _UNITS_ONLY.fullmatch(numeral):
                assert _cn2an(numeral) is None, numeral
                refused += 1
    assert read > 1500 and refused > 300  # not a reader that leaves everything to cn2an


def test_the_plain_spellings_of_1_to_9999_are_read_here_and_their_variants_as_cn2an_reads_them():
    for value in range(1, 10000):
        plain = cn2an.an2cn(str(value))
        assert _plain_numeral(plain) == value, plain
        variants = {"一" + plain} if plain.startswith("十") else set()
        twos = [i for i, ch in enumerate(plain) if ch == "二"]
        for picked in itertools.chain.from_iterable(itertools.combinations(twos, k) for k in range(1, len(twos) + 1)):
            variants.add("".join("两" if i in picked else ch for i, ch in enumerate(plain)))
        for variant in variants:
            assert _plain_numeral(variant) in (None, _cn2an(variant)), variant


@pytest.mark.parametrize("numeral, value", [
    ("一千五", 1500), ("三百五", 350), ("一百十", 110), ("一千零十", 1010), ("兩千", 2000), ("一千零零五", None),
    ("零十", None),
])
def test_spellings_left_to_cn2an_still_read_as_cn2an_reads_them(numeral, value):
    assert _plain_numeral(numeral) is None
    assert cn_to_int(numeral) == value == _cn2an(numeral)


def test_small_counts_are_written_in_chinese_as_cn2an_writes_them():
    assert [in_chinese(v) for v in range(1, 1000)] == [cn2an.an2cn(str(v)) for v in range(1, 1000)]
    with pytest.raises(ValueError):
        in_chinese(1000)


def test_reading_plain_numerals_and_spelling_counts_imports_no_cn2an():
    code = ("import sys\nfrom qa.core.numerals import numeric_form, figure_in, in_chinese\n"
            "assert numeric_form('二〇三五年，十五个工作日，一百零五项，两千零二十人') == '2035年,15个工作日,105项,2020人'\n"
            "assert figure_in('33万', '达到三十三万元') and in_chinese(16) == '十六'\n"
            "assert numeric_form('“十四五”期间，百千万工程') == '“十四五”期间,百千万工程'\n"
            "print('cn2an' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
