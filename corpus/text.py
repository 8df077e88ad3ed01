"""Cleaning of cell text from the PDF-to-text extract.

The extract breaks long cells with spaces and line breaks, even inside words,
leaves HTML paragraph tags and LaTeX comparisons in a few cells. Cleaning joins
what the extraction split and never touches digits, units or operators.
"""

from __future__ import annotations

import re
import unicodedata

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
