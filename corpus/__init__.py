"""Corpus layer: the declaration forms parsed into typed records."""

from corpus.model import Declaration, Indicator, ScheduleItem, Source, format_amount, format_date, format_period
from corpus.parse import BUNDLED_CORPUS, CorpusError, ParseResult, load_corpus, parse_files, parse_text

__all__ = [
    "BUNDLED_CORPUS",
    "CorpusError",
    "Declaration",
    "Indicator",
    "ParseResult",
    "ScheduleItem",
    "Source",
    "format_amount",
    "format_date",
    "format_period",
    "load_corpus",
    "parse_files",
    "parse_text",
]
