"""Cleaning of cell text from the PDF-to-text extract.

The extract breaks long cells with spaces and line breaks, even inside words,
leaves HTML paragraph tags and LaTeX comparisons in a few cells. Cleaning joins
what the extraction split and never touches digits, units or operators.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_CJK = (
    "\u3000-\u303f"  # CJK punctuation
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms
    "\u2018-\u201f\u2026\u2014"  # quotes, ellipsis, em dash as used in Chinese text
)
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_LATEX_MATH = re.compile(r"\$([^$]{1,80})\$")
_LATEX_SYMBOLS = (
    (r"\geqslant", "≥"),
    (r"\leqslant", "≤"),
    (r"\geq", "≥"),
    (r"\leq", "≤"),
    (r"\ge", "≥"),
    (r"\le", "≤"),
    (r"\gt", ">"),
    (r"\lt", "<"),
    (r"\times", "×"),
    (r"\%", "%"),
    (r"\sim", "~"),
)
_WS = re.compile(r"\s+")


def _latex_to_text(match: re.Match[str]) -> str:
    body = match.group(1)
    for latex, symbol in _LATEX_SYMBOLS:
        body = body.replace(latex, symbol)
    body = body.replace("{", "").replace("}", "")
    return body.strip()


def clean(text: str | None) -> str:
    """Cell text as a reader sees it: tags gone, LaTeX as symbols, split words joined."""
    if not text:
        return ""
    text = _HTML_TAG.sub(" ", text)
    text = text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _LATEX_MATH.sub(_latex_to_text, text)
    text = _WS.sub(" ", text).strip()
    return _CJK_GAP.sub("", text)


def squash(text: str | None) -> str:
    """Whitespace-free, NFKC form, for comparing cells the extraction broke differently.

    NFKC makes full-width and half-width punctuation compare equal ("：" and ":").
    """
    return _WS.sub("", unicodedata.normalize("NFKC", clean(text)))


def join_lines(parts: list[str]) -> str:
    """Join the pieces of one cell that the extraction spread over several lines."""
    return clean(" ".join(p for p in parts if p))


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_CJK_MARK = re.compile(rf"[{_CJK}]")


def _kind(ch: str) -> str:
    """Latin letter or digit, Chinese character, Chinese punctuation, or other."""
    if _ALNUM.match(ch):
        return "latin"
    if _IDEOGRAPH.match(ch):
        return "hanzi"
    return "mark" if _CJK_MARK.match(ch) else "other"


def _pair(left: str, right: str) -> tuple[str, str]:
    """The kinds of two neighbouring characters; Chinese next to Latin is one pair either way round."""
    kinds = (_kind(left), _kind(right))
    return ("hanzi", "latin") if kinds == ("latin", "hanzi") else kinds


def _spellings(lines: Sequence[str]) -> dict[tuple[str, str], list[int]]:
    """For each pair of kinds of neighbouring characters: [times spelled joined, times spaced]."""
    seen: dict[tuple[str, str], list[int]] = {}
    for line in lines:
        previous, gap = None, False
        for ch in line:
            if ch.isspace():
                gap = previous is not None
                continue
            if previous is not None:
                seen.setdefault(_pair(previous, ch), [0, 0])[gap] += 1
            previous, gap = ch, False
    return seen


def join_wrapped(lines: list[str], neighbours: Sequence[str] = ()) -> str:
    """One cell's text from the lines a PDF wrapped it into.

    A wrap drops the space it breaks at, so where one was cannot be seen; the text around it
    decides: the cell's own spelling of the same two kinds of character ("2021 年" or
    "2021年", "。 3." or "。3."). Between a Chinese character and a letter or digit, where the
    cell has no such pair, the other cells of its table row decide, and without any there a
    space (the corpus writes one four times in five). Everything else joins directly without
    evidence: the line breakers of Chinese forms split long numbers and codes anywhere, and
    the corpus almost never spaces two Latin words.
    """
    parts = [ln.strip() for ln in lines if ln.strip()]
    own, around = _spellings(parts), _spellings(neighbours)
    text = parts[0] if parts else ""
    for previous, line in zip(parts, parts[1:]):
        if _wrapped_at_space(_pair(previous[-1], line[0]), own, around):
            text += " "
        text += line
    return text


def _wrapped_at_space(pair: tuple[str, str], own: dict, around: dict) -> bool:
    mixed = pair == ("hanzi", "latin")
    for seen in (own, around) if mixed else (own,):
        joined, spaced = seen.get(pair, (0, 0))
        if joined != spaced:
            return spaced > joined
    return mixed
