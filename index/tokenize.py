"""jieba tokenisation, identical for documents and queries, with a domain dictionary."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources

import jieba

from corpus import Declaration

_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
_MAX_QUERY_TOKENS = 256  # a 10,000-character query must not cost more than a long one


def _stopwords() -> frozenset[str]:
    text = resources.files("index").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


def domain_terms(records: list[Declaration]) -> list[str]:
    """Words jieba should keep whole: indicator names, sections, departments, units."""
    terms: set[str] = set()
    for r in records:
        for value in (r.section, r.department, r.unit, r.project_type, r.category):
            if value and 2 <= len(value) <= 20:
                terms.add(value)
        for ind in r.indicators:
            name = re.sub(r"\s+", "", ind.name)
            if 2 <= len(name) <= 10 and not re.search(r"[\d%，、]", name):
                terms.add(name)
            if ind.level2:
                terms.add(ind.level2)
    return sorted(terms)


_BASE: dict = {}
_BASE_LOCK = threading.Lock()


def _fresh_jieba() -> jieba.Tokenizer:
    """A private jieba tokenizer with the general dictionary, read from disk once per process
    (half a second each time) and copied for every further tokenizer."""
    with _BASE_LOCK:
        if not _BASE:
            jieba.setLogLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.initialize()
            _BASE.update(freq=base.FREQ, total=base.total)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(_BASE["freq"])
    tokenizer.total = _BASE["total"]
    tokenizer.initialized = True
    return tokenizer


class ChineseTokenizer:
    """jieba in search mode with a user dictionary; a private instance, not the global one."""

    def __init__(self, terms: list[str] = ()):
        self._jieba = _fresh_jieba()
        for term in terms:
            self._jieba.add_word(term, freq=2000)
        self.terms = list(terms)
        self._stop = _stopwords()

    def __call__(self, text: str) -> list[str]:
        tokens = []
        for token in self._jieba.cut_for_search(text.lower()):
            token = token.strip()
            if token and token not in self._stop and _KEEP.search(token):
                tokens.append(token)
        return tokens

    def words(self, text: str) -> list[str]:
        """Accurate-mode words (not search mode): the units a reader sees."""
        return [w for w in self._jieba.cut(text.lower()) if w.strip() and _KEEP.search(w)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Accurate-mode word positions (start, end) in text."""
        return [(start, end) for _, start, end in self._jieba.tokenize(text)]

    def is_word(self, text: str) -> bool:
        return bool(self._jieba.FREQ.get(text))

    def query(self, text: str) -> list[str]:
        return self(text[:4000])[:_MAX_QUERY_TOKENS]


@lru_cache(maxsize=1)
def general_tokenizer() -> ChineseTokenizer:
    """jieba's general dictionary alone, shared: everyday language (how a question reads, the words
    of an organisation's name), where the corpus' own terms ("系统对接") would hide it ("系统/对/接听")."""
    return ChineseTokenizer()


@lru_cache(maxsize=1)
def _general_dictionary() -> dict[str, tuple[int, str]]:
    """jieba's general dictionary: each word's frequency and part-of-speech tag (read once, ~0.3 s)."""
    path = resources.files("jieba").joinpath("dict.txt")
    words: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit():
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


def general_tag(word: str) -> str | None:
    """The word's part of speech in everyday language ("n", "v", "r", …); None when jieba does not know it."""
    entry = _general_dictionary().get(word)
    return entry[1] if entry else None


def general_frequency(word: str) -> int:
    """How often the word occurs in jieba's general corpus (0 when it does not know it)."""
    entry = _general_dictionary().get(word)
    return entry[0] if entry else 0
