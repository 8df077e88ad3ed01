"""Declaration forms from the files people have: the text extract, PDF, Word and Excel.

read_declarations(path) picks the reader by the file's suffix. Every reader returns the same
ParseResult as the text extract's parser (records, and messages about the file) and raises
CorpusError, in Chinese, saying what is wrong, where, and what to do, for a file it cannot use.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from corpus.labels import FIELD_NAMES_ZH, REQUIRED_FIELDS
from corpus.parse import CorpusError, ParseResult, parse_text, read_text

# suffix → (reader module, the pip package it needs)
_READERS = {
    ".pdf": ("corpus.formats.pdf", "pdfplumber"),
    ".docx": ("corpus.formats.docx", "python-docx"),
    ".xlsx": ("corpus.formats.xlsx", "openpyxl"),
}
SUPPORTED_SUFFIXES = (".txt", *_READERS)
# Formats people often have instead, and what to save them as.
_SAVE_AS = {".doc": ".docx", ".wps": ".docx", ".rtf": ".docx", ".xls": ".xlsx", ".et": ".xlsx", ".csv": ".xlsx"}


def read_declarations(path: Path) -> ParseResult:
    """The declaration forms in one file; raises CorpusError for a file that holds none usable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _unsupported(path, suffix)
    if not path.is_file():
        raise CorpusError(f"{path}: 文件不存在。请检查路径。")
    result = _read_text(path) if suffix == ".txt" else _reader(path, suffix).read(path)
    _require_fields(result, path.name)
    return result


def _unsupported(path: Path, suffix: str) -> CorpusError:
    supported = "、".join(SUPPORTED_SUFFIXES)
    what = f"“{suffix}”文件" if suffix else "没有扩展名的文件"
    hint = f"请另存为 {_SAVE_AS[suffix]} 后重试。" if suffix in _SAVE_AS else f"请提供 {supported} 格式的申报表。"
    return CorpusError(f"{path.name}: 不支持读取{what}（支持 {supported}）。{hint}")


def _read_text(path: Path) -> ParseResult:
    text, notes = read_text(path)
    result = parse_text(text, file=path.name)
    result.messages[:0] = notes
    return result


def _reader(path: Path, suffix: str):
    module, package = _READERS[suffix]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise CorpusError(
            f"{path.name}: 读取 {suffix} 文件需要 Python 包 {package}，当前环境中没有（{exc.name}）。"
            f"请运行 pip install {package}（或重新安装 jixiao）后重试。"
        ) from None


def _require_fields(result: ParseResult, file: str) -> None:
    """A form without 项目名称 or 项目编号 cannot be filed or cited: name each and what it lacks."""
    problems = []
    for r in result.records:
        missing = [FIELD_NAMES_ZH[key] for key in REQUIRED_FIELDS if not getattr(r, key)]
        if missing:
            label = f"“{r.name}”" if r.name else f"第 {r.seq} 张申报表"
            problems.append(f"{label}（{r.source.where()}）缺少{'和'.join(missing)}")
    if problems:
        raise CorpusError(
            f"{file}: " + "；".join(problems) + "。请在表中填写这些项（项目名称、项目编号是必填项）后重试。"
        )


__all__ = ["SUPPORTED_SUFFIXES", "CorpusError", "ParseResult", "read_declarations"]
