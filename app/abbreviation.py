"""Short names people use for organisations.

A Chinese short name keeps, in order, the leading characters of the full name's words and usually
the kind of organisation whole: 交巡警支队 for 公安局/交通/巡逻/警察/支队, 旅发集团 for 旅游/发展/集团,
特教学校 for 特殊/教育/学校. Deriving them from the names in the records means a new department needs
no alias written by hand.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.vocabulary import vocabulary
from index.tokenize import general_tokenizer

_PREFIXES = ("山东省", "聊城市", "中国人民政治协商会议")


@lru_cache(maxsize=4096)
def _word_starts(full: str) -> frozenset[int]:
    """Where a word of the name starts; a four-character word counts as two (特殊教育 → 特殊/教育)."""
    starts = set()
    for start, end in general_tokenizer().spans(full):
        starts.update(range(start, end, 2))
    return frozenset(starts)


def bare(name: str) -> str:
    """The name without the province, city and 本级 that short names leave out."""
    for prefix in _PREFIXES:
        name = name.removeprefix(prefix)
    return name.removesuffix("本级")


def abbreviates(short: str, full: str) -> bool:
    """Is ``short`` a short name of ``full``? Each character starts a word of the full name or
    directly follows the character matched before it, and the short name ends in a kind of
    organisation the full name has."""
    full = bare(full)
    if len(short) < 3 or len(short) >= len(full) or not _ends_in_kind(short, full):
        return False
    starts = _word_starts(full)

    def match(i: int, after: int) -> bool:
        if i == len(short):
            return True
        for j in range(after + 1, len(full)):
            if full[j] == short[i] and (j in starts or (i > 0 and j == after + 1)) and match(i + 1, j):
                return True
        return False

    # the short name may leave out a parent organisation before it (公安局 in 公安局交通巡逻警察支队),
    # not a distinguishing word (第四 in 第四人民医院)
    heads = [j for j in starts if full[j] == short[0] and (j == 0 or _ends_in_kind_word(full[:j]))]
    return any(match(1, j) for j in heads)


def _ends_in_kind_word(prefix: str) -> bool:
    return any(prefix.endswith(kind) for kind in vocabulary().organisation_kinds)


def _ends_in_kind(short: str, full: str) -> bool:
    return any(short.endswith(kind) and kind in full for kind in vocabulary().organisation_kinds)


def find_abbreviated(text: str, names: list[str]) -> tuple[str, list[str]] | None:
    """The longest short name in ``text`` that stands for one or more of ``names``, with the names
    it may stand for (the caller decides whether they are one organisation)."""
    kinds = "|".join(map(re.escape, sorted(vocabulary().organisation_kinds, key=len, reverse=True)))
    for length in range(8, 2, -1):
        for m in re.finditer(rf"(?=([\u4e00-\u9fff]{{{length}}}))", text):
            short = m.group(1)
            if re.search(rf"(?:{kinds})$", short) and (meant := [n for n in names if abbreviates(short, n)]):
                return short, meant
    return None
