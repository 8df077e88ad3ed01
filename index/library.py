"""Library updates together with their index: add forms, remove forms.

A kill -9 at any moment of an update leaves the previous library and its index usable and consistent:

 1. under the data directory's lock, finish what an earlier interruption left (store.recover_update);
 2. open a write transaction on the library (corpus/library.py) and make the change, not committed;
 3. build the index of the changed library — only chunks missing from the embedding cache are
    embedded; BM25 (whose dictionary comes from the records) and FAISS are rebuilt, which is cheap —
    and write it complete to a temp dir; its manifest holds the changed library's fingerprint;
 4. move the index in place aside to index.previous, and the new one in;
 5. commit the transaction;  6. delete index.previous.

Until 5, SQLite rolls the transaction back after a kill, and index.previous (when it got that far)
is the index of that previous library: the next open puts it back. From 5 on, the index in place is
the library's, and index.previous is only left to delete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import CorpusError, Declaration, ParseResult
from corpus.library import Entry, Library, LibraryError, check_additions, library_lock, library_path, read_declarations
from embeddings import Embedder, data_dir
from embeddings.home import pause_point
from index.search import SearchIndex
from index.store import clean_leftovers, index_dir, library_records, previous_dir, seed_cache, writable


@dataclass
class UpdateResult:
    added: list[Declaration] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # codes whose form was replaced
    removed: list[Entry] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # the parser's notes on the added files
    forms: int = 0  # forms in the library afterwards
    years: list[int] = field(default_factory=list)
    embedded: int = 0  # chunks embedded by this update (the others came from the cache)
    seconds: float = 0.0
    index: SearchIndex | None = None  # the library's index afterwards


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


def read_files(paths: list[Path]) -> list[tuple[Path, ParseResult]]:
    """Each file's forms; a file that cannot be read gives no forms and says why."""
    results = []
    for path in paths:
        try:
            results.append((Path(path), read_declarations(Path(path))))
        except CorpusError as exc:
            results.append((Path(path), ParseResult(records=[], messages=[str(exc)])))
    return results


def add_files(home, paths: list[Path], year: int | None = None, replace: bool = False, model: str | None = None,
              embedder=None, log=_stderr) -> UpdateResult:
    """Add the forms of these files to the library (all or none), and update the index."""
    return add_parsed(home, read_files(paths), year, replace, model, embedder, log)


def add_parsed(home, results: list[tuple[Path, ParseResult]], year: int | None = None, replace: bool = False,
               model: str | None = None, embedder=None, log=_stderr) -> UpdateResult:
    pause_point("parsed")

    def change(library: Library, tx) -> UpdateResult:
        existing = {e.code: e for e in library.entries()}
        records = check_additions(results, existing, year, replace)
        for r in records:
            tx.add(r, r.source.file, replace=replace)
        return UpdateResult(added=records, replaced=[r.code for r in records if r.code in existing],
                            messages=[m for _, result in results for m in result.messages])

    return _update(home, change, model, embedder, log)


def remove_codes(home, codes: list[str], model: str | None = None, embedder=None, log=_stderr) -> UpdateResult:
    """Remove these forms from the library (all or none), and update the index."""

    def change(library: Library, tx) -> UpdateResult:
        entries = {e.code: e for e in library.entries()}
        wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
        unknown = [c for c in wanted if c not in entries]
        if unknown or not wanted:
            raise LibraryError("无法删除，资料库没有任何改动：\n" + "\n".join(
                f"  - 项目编号 {c} 不在资料库中。可用 jixiao list 查看资料库中的项目编号。" for c in unknown or ["（空）"]))
        if len(wanted) == len(entries):
            raise LibraryError("无法删除：这样资料库中就没有申报表了，资料库没有任何改动。请先用 jixiao add 添加新的申报表，再删除旧的。")
        for code in wanted:
            tx.remove(code)
        return UpdateResult(removed=[entries[c] for c in wanted])

    return _update(home, change, model, embedder, log)


def _update(home, change, model, embedder, log) -> UpdateResult:
    start = time.perf_counter()
    home = data_dir(home)
    reason = writable(home)
    if reason is not None:
        raise LibraryError(f"数据目录 {home} 不可写（{reason}），不能修改资料库。请用 --data-dir 或 JIXIAO_HOME 指定可写的目录。")
    with library_lock(home):
        clean_leftovers(home, log)
        library_records(home, log=log)  # created with the bundled corpus on first use; an interrupted update recovered
        with Library.open(home) as library, library.change() as tx:
            result = change(library, tx)
            pause_point("changed")
            records = tx.records()
            embedder = embedder or Embedder(model, home=home)
            result.index, result.embedded = _build(home, records, embedder)
            staged = result.index.stage(index_dir(home))
            pause_point("staged")
            _switch(home, staged, tx)
    prepare = getattr(embedder, "prepare_query_encoder", None)
    if prepare is not None:
        prepare(log)  # a no-op when the ONNX query encoder exists (the usual case)
    result.forms, result.years = len(records), result.index.years
    result.seconds = time.perf_counter() - start
    return result


def _build(home: Path, records: list[Declaration], embedder) -> tuple[SearchIndex, int]:
    """The index of these records; (index, chunks embedded now)."""
    seed_cache(index_dir(home), embedder)
    cache = getattr(embedder, "passage_cache", None)
    misses = cache.misses if cache is not None else 0
    index = SearchIndex.build(records, embedder)
    return index, (cache.misses - misses if cache is not None else len(index.chunks))


def _switch(home: Path, staged: Path, tx) -> None:
    """Put the staged index in place and commit the library change: see the module's steps 4–6."""
    target, previous = index_dir(home), previous_dir(home)
    shutil.rmtree(previous, ignore_errors=True)  # recover_update has dealt with any earlier one
    moved = False
    try:
        if target.exists():
            os.replace(target, previous)
            moved = True
        pause_point("moved-aside")
        os.replace(staged, target)
        pause_point("switched")
        tx.commit()
    except BaseException:
        # not committed: the previous index goes back with the previous library (rolled back by the caller)
        if target.exists() and moved:
            aside = home / f".index.old-{os.getpid()}"
            os.replace(target, aside)
            shutil.rmtree(aside, ignore_errors=True)
        if moved:
            os.replace(previous, target)
        shutil.rmtree(staged, ignore_errors=True)
        raise
    pause_point("committed")
    shutil.rmtree(previous, ignore_errors=True)


def current_records(home=None, log=_stderr) -> list[Declaration]:
    """The library's forms (created with the bundled corpus on first use), without the index."""
    home = data_dir(home)
    read_only = writable(home) is not None
    with library_lock(home) if not read_only else contextlib.nullcontext():
        return library_records(home, read_only, log)


def list_library(home=None, year: int | None = None, log=_stderr) -> tuple[list[Entry], list[int]]:
    """(the library's forms — of one year when given —, every year the library has)."""
    home = data_dir(home)
    current_records(home, log)  # first use: the library is created; an interrupted update recovered
    if not library_path(home).exists():  # a read-only directory without a library: the bundled corpus
        raise LibraryError(f"数据目录 {home} 中没有资料库，且目录不可写，无法建立。请用 --data-dir 或 JIXIAO_HOME 指定可写的目录。")
    with Library.open(home, read_only=writable(home) is not None) as library:
        return library.entries(year), library.years()
