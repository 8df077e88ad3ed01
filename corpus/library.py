"""The library of declarations: the forms of every year, kept in a SQLite database in the data directory.

Records keep their fields (corpus/model.py); the database adds the year, the source file, a hash of
the content and the order the forms came in (a record's seq is its place in the library). The
bundled 2021 corpus is the first import, made when the database is created. A change is one
transaction; index/library.py commits it only after the index of the new state is in place, so
the library and its index switch together (see there for the recovery after an interruption).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.model import Declaration
from corpus.parse import BUNDLED_CORPUS, CorpusError, ParseResult, parse_files

LIBRARY_FILE = "library.sqlite"
LOCK_FILE = "library.lock"
SCHEMA_VERSION = "1"
OTHER_FORMATS = (".pdf", ".docx", ".xlsx")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS forms (
    position INTEGER PRIMARY KEY,      -- order in the library: a record's seq
    code TEXT NOT NULL UNIQUE,         -- 项目编号
    year INTEGER,                      -- 年度, from the form (or --year when the form does not say)
    name TEXT NOT NULL,
    section TEXT,
    department TEXT NOT NULL,
    amount_yuan REAL,
    source_file TEXT NOT NULL,         -- the file the form was read from
    content_sha256 TEXT NOT NULL,      -- the record without its seq
    added_at TEXT NOT NULL,
    record TEXT NOT NULL               -- the record as JSON (corpus/model.py)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLUMNS = "position, code, year, name, section, department, amount_yuan, source_file, content_sha256, added_at"


class LibraryError(Exception):
    """A library change that cannot be made, or a library that cannot be read; the message says
    what, where and what to do. Nothing has been changed when it is raised."""


@dataclass
class Entry:
    """One form of the library, without its full record."""

    position: int
    code: str
    year: int | None
    name: str
    section: str | None
    department: str
    amount_yuan: float | None
    source_file: str
    content_sha256: str
    added_at: str

    def to_json(self) -> dict:
        return asdict(self)


def content_hash(record: Declaration) -> str:
    """sha256 of the record's content; its seq (a place in a file or the library) is not content."""
    return hashlib.sha256(record.model_dump_json(exclude={"seq"}).encode("utf-8")).hexdigest()


def library_path(home: Path) -> Path:
    return Path(home) / LIBRARY_FILE


# ---------------------------------------------------------------- reading declaration files


def read_declarations(path: Path) -> ParseResult:
    """The forms of one file, by its suffix: .txt with the text-extract parser; .pdf, .docx and
    .xlsx with the readers of corpus.formats. Raises CorpusError otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in OTHER_FORMATS:
        from corpus.formats import read_declarations as read_other

        return read_other(path)
    if suffix != ".txt":
        raise CorpusError(f"{path}: 不支持的文件类型“{suffix or '无扩展名'}”。可以添加 .txt（申报表的文本导出）、.pdf、.docx、.xlsx 文件。")
    if path.is_dir():
        raise CorpusError(f"{path}: 是一个目录，不是文件。请给出申报表文件，例如 {path / '申报表.txt'}。")
    if not path.is_file():
        raise CorpusError(f"{path}: 文件不存在。请检查路径后重试。")
    return parse_files([path])


# ---------------------------------------------------------------- checking additions


def _where(record: Declaration) -> str:
    return f"{record.source.file}:{record.source.line_start}"


def _year_problem(record: Declaration, year: int | None) -> str | None:
    """Sets the record's year from --year when the form does not state one; a conflict is a problem."""
    if record.year is None:
        if year is None:
            return f"{_where(record)}: “{record.name or '（无名称）'}”表上没有年度（“(XXXX 年度)”）。请用 --year 指定年度。"
        record.year = year
    elif year is not None and record.year != year:
        return (f"{_where(record)}: “{record.name}”表上是 {record.year} 年度，与 --year {year} 不符。"
                "请检查文件，或去掉 --year 按表上的年度添加。")
    return None


def check_additions(results: list[tuple[Path, ParseResult]], existing: dict[str, Entry], year: int | None = None,
                    replace: bool = False) -> list[Declaration]:
    """The forms to add, after every check; raises LibraryError listing every problem otherwise."""
    problems: list[str] = []
    seen: dict[str, Declaration] = {}
    records: list[Declaration] = []
    for path, result in results:
        if not result.records:
            problems.append("；".join(m.rstrip("。") for m in result.messages) + "。" if result.messages
                            else f"{path}: 没有解析出任何申报表。请确认这是申报表文件。")
        for r in result.records:
            problems.extend(_record_problems(r, seen, existing, year, replace))
            if r.code:
                seen.setdefault(r.code, r)
            records.append(r)
    if problems:
        raise LibraryError("无法添加，资料库没有任何改动：\n" + "\n".join(f"  - {p}" for p in problems))
    return records


def _record_problems(r: Declaration, seen: dict[str, Declaration], existing: dict[str, Entry], year: int | None,
                     replace: bool) -> list[str]:
    if not r.code:
        reason = next((w for w in r.warnings if "无法解析" in w), "缺少项目编号")
        return [f"{_where(r)}: 第 {r.seq} 张申报表“{r.name or '（无名称）'}”无法加入资料库（{reason.rstrip('。')}）。"
                "请补全这张表的项目编号后重试。"]
    problems = []
    if r.code in seen:
        problems.append(f"{_where(r)}: 项目编号 {r.code} 在要添加的文件中出现了两次（另一处 {_where(seen[r.code])}）。"
                        "请删去重复的表后重试。")
    elif r.code in existing and not replace:
        e = existing[r.code]
        problems.append(f"{_where(r)}: 项目编号 {r.code}（“{r.name}”）已在资料库中（{e.year or '年度未知'} 年度"
                        f"“{e.name}”，来自 {e.source_file}）。如要用新表替换，请加 --replace。")
    year_problem = _year_problem(r, year)
    if year_problem:
        problems.append(year_problem)
    return problems


# ---------------------------------------------------------------- the database


@contextlib.contextmanager
def library_lock(home: Path):
    """One writer at a time in a data directory (an exclusive flock, released when the process
    dies, also by SIGKILL). Readers take it too while they read the library and load its index."""
    path = Path(home) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        fd = None  # a read-only data directory: nobody can change it, nothing to lock
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd is not None:
            os.close(fd)  # closing releases the lock


class Library:
    """The forms in a data directory's library.sqlite. Open with Library.open; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool):
        self.conn = conn
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, home: Path, read_only: bool = False) -> Library:
        """The library of a data directory, created (with its schema) unless read_only.
        Raises LibraryError when the file is not a library or cannot be opened."""
        path = library_path(home)
        try:
            if read_only:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=60)
            else:
                conn = sqlite3.connect(path, isolation_level=None, timeout=60)
                conn.executescript(_SCHEMA)
            conn.execute("SELECT COUNT(*) FROM forms").fetchone()
        except sqlite3.Error as exc:
            raise LibraryError(f"资料库 {path} 无法打开（{exc}）。请从备份恢复该文件；"
                               "或把它移走后重新运行，内置语料会重新导入，之后添加的申报表需要再次 jixiao add。") from None
        return cls(conn, path, read_only)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def initialized(self) -> bool:
        return self.meta("initialized") is not None

    def entries(self, year: int | None = None) -> list[Entry]:
        sql = f"SELECT {_COLUMNS} FROM forms" + (" WHERE year = ?" if year is not None else "") + " ORDER BY position"
        return [Entry(*row) for row in self.conn.execute(sql, (year,) if year is not None else ())]

    def records(self) -> list[Declaration]:
        """Every form, in library order; seq is the place in the library (1, 2, …)."""
        return records_of(self.conn)

    def years(self) -> list[int]:
        return [row[0] for row in self.conn.execute("SELECT DISTINCT year FROM forms WHERE year IS NOT NULL ORDER BY year")]

    def integrity(self) -> str | None:
        """None when SQLite's own check passes; otherwise what it found."""
        result = self.conn.execute("PRAGMA integrity_check").fetchone()[0]
        return None if result == "ok" else result

    # -- changing

    def change(self) -> Change:
        """A write transaction (the database's write lock held until commit or rollback)."""
        if self.read_only:
            raise LibraryError(f"资料库 {self.path} 以只读方式打开，不能修改。请用可写的数据目录（--data-dir 或 JIXIAO_HOME）。")
        return Change(self.conn)

    def ensure_initialized(self) -> bool:
        """The first use of a library imports the bundled corpus; True when it did so now."""
        if self.initialized:
            return False
        with self.change() as change:
            for r in parse_files([BUNDLED_CORPUS]).records:
                change.add(r, BUNDLED_CORPUS.name)
            change.set_meta("schema_version", SCHEMA_VERSION)
            change.set_meta("initialized", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
            change.commit()
        return True


def records_of(conn: sqlite3.Connection) -> list[Declaration]:
    rows = conn.execute("SELECT record FROM forms ORDER BY position").fetchall()
    return [Declaration.model_validate_json(row[0]).model_copy(update={"seq": n}) for n, row in enumerate(rows, 1)]


class Change:
    """One write transaction on the library; rolled back unless commit() is called."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.conn.execute("BEGIN IMMEDIATE")
        self.open = True

    def __enter__(self) -> Change:
        return self

    def __exit__(self, *exc) -> None:
        if self.open:
            self.rollback()

    def add(self, record: Declaration, source_file: str, replace: bool = False) -> None:
        """Add a form; with replace, a form of the same code is replaced in its place."""
        values = (record.year, record.name, record.section, record.department, record.amount_yuan, source_file,
                  content_hash(record), time.strftime("%Y-%m-%dT%H:%M:%S%z"), record.model_dump_json())
        if self.conn.execute("SELECT 1 FROM forms WHERE code = ?", (record.code,)).fetchone():
            if not replace:
                raise LibraryError(f"项目编号 {record.code} 已在资料库中。如要替换，请加 --replace。")
            self.conn.execute("UPDATE forms SET year = ?, name = ?, section = ?, department = ?, amount_yuan = ?, "
                              "source_file = ?, content_sha256 = ?, added_at = ?, record = ? WHERE code = ?",
                              (*values, record.code))
            return
        self.conn.execute(f"INSERT INTO forms ({_COLUMNS.replace('position, ', '')}, record) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (record.code, *values))

    def remove(self, code: str) -> None:
        if self.conn.execute("DELETE FROM forms WHERE code = ?", (code,)).rowcount == 0:
            raise LibraryError(f"项目编号 {code} 不在资料库中。可用 jixiao list 查看资料库中的项目编号。")

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def records(self) -> list[Declaration]:
        """The library as it will be after commit (this transaction's changes included)."""
        return records_of(self.conn)

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.open = False

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")
        self.open = False
