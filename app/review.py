"""The reviewer's view of a declaration file (the page's 审核 tab): each form as parsed, with the
parser's warnings, the drafting checks (app/drafting.py), the comparable projects of the library,
and whether — and by whom — it may be added to the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.drafting import Finding, check_record
from corpus import CorpusError, Declaration, ParseResult
from corpus.library import Entry, LibraryError, check_additions, read_declarations

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class Review:
    file: str  # the uploaded file's name
    path: Path | None
    records: list[Declaration] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # the parser's notes on the file
    refused: str | None = None  # why it cannot be added as it is (None: it can)


def review_file(path: Path | None, library: list[Entry], name: str | None = None, replace: bool = False) -> Review:
    """Read an uploaded file and say whether the library would take it (nothing is added here)."""
    if path is None:
        return Review(file="", path=None, refused="请先选择一个申报表文件（.txt；安装相应读取模块后也可用 .pdf、.docx、.xlsx）。")
    path = Path(path)
    review = Review(file=name or path.name, path=path)
    try:
        result = read_declarations(path)
    except CorpusError as exc:
        result = ParseResult(records=[], messages=[str(exc)])
    review.records, review.messages = result.records, result.messages
    try:
        check_additions([(path, result)], {e.code: e for e in library}, replace=replace)
    except LibraryError as exc:
        review.refused = str(exc).split("：", 1)[-1].strip()
    return review


def findings(record: Declaration) -> list[Finding]:
    """The drafting checks on the form's indicator table (what `jixiao checks` reports)."""
    return check_record(record)


def comparable(index, record: Declaration, k: int = 3) -> list[Declaration]:
    """The library's projects closest to this form (its name and 概况 as the query), none of a
    later year than the form and never the form itself."""
    query = " ".join(p for p in (record.name, record.overview[:300]) if p).strip()
    if not query:
        return []
    try:
        hits = index.search(query, k=k + 5)
    except ValueError:
        return []
    found = []
    for hit in hits:
        other = index.by_code.get(hit.code)
        if other is None or other.code == record.code:
            continue
        if record.year and other.year and other.year > record.year:
            continue
        found.append(other)
    return found[:k]


def adding_refused(login_required: bool, username: str | None, client_host: str | None) -> str | None:
    """Why this request may not add to the library (None: it may). With a login (JIXIAO_AUTH) the
    user must be logged in; without one, only a browser on this machine may add."""
    if login_required:
        return None if username else "请先登录再添加到资料库。"
    if client_host in LOOPBACK:
        return None
    return ("页面没有设置登录（JIXIAO_AUTH），只有在本机打开页面时才能添加到资料库。"
            "请设置 JIXIAO_AUTH=用户:密码 后重启页面，或在本机用 jixiao add 添加。")
