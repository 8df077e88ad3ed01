"""Open the index for a data directory: load it, or build it when missing, stale or damaged.

Before anything slow, the data directory is checked: leftovers of interrupted builds and model
conversions (their owner process is gone) are removed, and a directory that cannot be written
is reported at once — not after a minute of embedding.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from corpus import BUNDLED_CORPUS, Declaration, parse_files
from corpus.library import Library, LibraryError, library_lock, library_path
from embeddings import Embedder, data_dir
from index.search import IndexDamaged, IndexMismatch, SearchIndex, check_files, corpus_fingerprint

# Temp directories of builds (".index.building-<pid>-…"), replaced indexes (".index.old-<pid>")
# and model conversions (".convert-<pid>-…"). Names without a pid come from older versions.
_LEFTOVER = re.compile(r"^\.(?:index\.building-|index\.old-|convert-|[^.]+\.old-)(?:(\d+)(?:-|$))?")
_STALE_WITHOUT_PID = 3600.0  # seconds: an old-style leftover this old is nobody's work in progress


class IndexUnavailable(RuntimeError):
    """The index cannot be served from this data directory; the message says why and what to do."""


def index_dir(home: Path) -> Path:
    return home / "index"


# The index of the library before an update, kept until the update's database commit (index/library.py).
PREVIOUS_DIRNAME = "index.previous"


def previous_dir(home: Path) -> Path:
    return home / PREVIOUS_DIRNAME


def _fingerprint_of(directory: Path) -> str | None:
    manifest = SearchIndex.read_manifest(directory)
    return manifest.get("corpus_sha256") if manifest else None


def recover_update(home: Path, fingerprint: str, log) -> None:
    """Finish what an interrupted library update left (call under library_lock, with the committed
    library's fingerprint). Before its commit the library is the previous one, and index.previous —
    if the update got that far — is its index: put it back. After the commit the index in place is
    the library's: index.previous is only left to delete."""
    previous, target = previous_dir(home), index_dir(home)
    if not previous.exists():
        return
    if _fingerprint_of(target) != fingerprint and _fingerprint_of(previous) == fingerprint:
        if target.exists():
            aside = home / f".index.old-{os.getpid()}"
            os.replace(target, aside)
            shutil.rmtree(aside, ignore_errors=True)
        os.replace(previous, target)
        log("上次资料库更新被中断，资料库没有改变；已恢复与之对应的索引。")
        return
    shutil.rmtree(previous, ignore_errors=True)


def library_records(home: Path, read_only: bool = False, log=lambda msg: None) -> list[Declaration]:
    """The forms of the data directory's library; the first use imports the bundled corpus.
    Writable directories: call under library_lock (it may create, import and recover)."""
    if read_only and not library_path(home).exists():
        return load_records(None, log=log)  # nobody can create it here: the bundled corpus, as before
    try:
        with Library.open(home, read_only=read_only) as library:
            if read_only and not library.initialized:
                return load_records(None, log=log)
            if not read_only and library.ensure_initialized():
                log(f"已建立资料库 {library.path}，导入内置语料（{len(library.entries())} 张申报表）。")
            records = library.records()
    except LibraryError as exc:
        raise IndexUnavailable(str(exc)) from None
    if not records:
        raise IndexUnavailable("资料库中没有申报表。请用 jixiao add 文件 添加申报表。")
    if not read_only:
        recover_update(home, corpus_fingerprint(records), log)
    return records


def load_records(corpus_files: list[Path] | None = None, log=None) -> list[Declaration]:
    result = parse_files(corpus_files or [BUNDLED_CORPUS])
    if log is not None:
        for message in result.messages:
            log(f"提示：{message}")
    if not result.records:
        raise IndexUnavailable("没有解析出任何申报表：" + "；".join(m.rstrip("。") for m in result.messages) + "。请检查 --corpus 给出的文件。")
    return result.records


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def leftovers(home: Path) -> list[Path]:
    """Temp directories left by builds or conversions whose process is gone."""
    found = []
    for parent in (home, home / "models"):
        if not parent.is_dir():
            continue
        for path in parent.iterdir():
            m = _LEFTOVER.match(path.name)
            if not m:
                continue
            if m.group(1):
                if _pid_alive(int(m.group(1))):
                    continue
            else:
                try:
                    if time.time() - path.stat().st_mtime < _STALE_WITHOUT_PID:
                        continue
                except OSError:
                    continue
            found.append(path)
    return found


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def clean_leftovers(home: Path, log) -> int:
    """Remove what interrupted builds and conversions left behind; returns bytes freed."""
    freed = 0
    for path in leftovers(home):
        try:
            size = _size(path)
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        except OSError:
            continue
        freed += size
        log(f"已清理上次中断留下的临时文件：{path}（{size / 1e6:.1f} MB）。")
    return freed


def writable(home: Path) -> str | None:
    """None when files can be created in home; otherwise the reason."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=home, prefix=".write-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def _model_ready(home: Path, model: str | None) -> bool:
    from embeddings.model import _CONVERTED_DIRNAME, DEFAULT_MODEL

    spec = model or os.environ.get("JIXIAO_MODEL") or DEFAULT_MODEL
    return spec != DEFAULT_MODEL or (home / "models" / _CONVERTED_DIRNAME / "modules.json").exists()


def open_index(
    home: str | Path | None = None,
    model: str | None = None,
    corpus_files: list[Path] | None = None,
    rebuild: bool | None = None,
    progress: bool = True,
    log=lambda msg: print(msg, file=sys.stderr),
    embedder: Embedder | None = None,
) -> SearchIndex:
    """The ready index of the data directory's library — or, with corpus_files, of these files instead.
    rebuild=None: build when missing, stale or damaged; False: explain instead.

    Raises IndexUnavailable when it cannot be built or served here (read-only data directory)."""
    home = data_dir(home)
    read_only = writable(home)
    # the library's lock: an update in another process switches the library and the index together
    with library_lock(home) if read_only is None else contextlib.nullcontext():
        if corpus_files:
            records = load_records(corpus_files, log=log)
        else:
            records = library_records(home, read_only is not None, log)
        return _open_records(home, records, read_only, model, rebuild, progress, log, embedder)


def _open_records(home: Path, records: list[Declaration], read_only: str | None, model, rebuild, progress, log,
                  embedder) -> SearchIndex:
    if read_only is None:
        clean_leftovers(home, log)
    elif embedder is None and not _model_ready(home, model):
        raise IndexUnavailable(
            f"数据目录 {home} 不可写（{read_only}），无法生成向量模型。请用 --data-dir 或 JIXIAO_HOME 指定可写的目录。"
        )
    embedder = embedder or Embedder(model, home=home)
    target = index_dir(home)
    if rebuild is not True:
        try:
            return SearchIndex.load(target, embedder, expect_corpus=corpus_fingerprint(records))
        except IndexMismatch as exc:
            if rebuild is False:
                raise
            if read_only is not None:
                raise IndexUnavailable(
                    f"{exc.args[0].split('。请运行')[0]}。数据目录 {home} 不可写（{read_only}），无法重建，拒绝使用该索引。"
                    "请用 --data-dir 或 JIXIAO_HOME 指定可写的目录，或让管理员运行 jixiao build。"
                ) from None
            if SearchIndex.read_manifest(target) is None and not isinstance(exc, IndexDamaged):
                log("还没有检索索引，首次使用需要构建（约 1–2 分钟）。")
            elif isinstance(exc, IndexDamaged):
                log(f"{exc.args[0].split('。请运行')[0]}，将重建索引。")
            else:
                log(f"索引与当前语料或模型不符，将重建：{exc}")
    elif read_only is not None:
        raise IndexUnavailable(f"数据目录 {home} 不可写（{read_only}），无法构建索引。请用 --data-dir 或 JIXIAO_HOME 指定可写的目录。")
    log(f"正在构建索引（{len(records)} 张申报表）……")
    seed_cache(target, embedder)  # the vectors of the index being replaced: only new chunks are embedded
    index = SearchIndex.build(records, embedder, progress=progress)
    index.save(target)
    log(f"索引已写入 {target}")
    prepare = getattr(embedder, "prepare_query_encoder", None)
    if prepare is not None and prepare(log) and progress:
        log("查询编码器（ONNX，已与原模型逐条核对）已就绪：以后的检索不再加载 torch。")
    return index


def seed_cache(directory: Path, embedder) -> int:
    """Put the vectors of an index built with this model into the embedding cache (an index built
    before the cache existed, or in another data directory, then costs no embedding); returns how
    many were offered. Only an index whose every file matches its manifest is trusted."""
    cache = getattr(embedder, "passage_cache", None)
    manifest = SearchIndex.read_manifest(directory)
    if cache is None or manifest is None or manifest.get("model_id") != embedder.model_id or manifest.get("dim") != embedder.dim:
        return 0
    if check_files(directory, manifest, full=True):
        return 0
    try:
        with open(Path(directory) / "chunks.jsonl", encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh]
        vectors = np.load(Path(directory) / "vectors.npy", allow_pickle=False)
    except (OSError, ValueError, KeyError):
        return 0
    if vectors.shape != (len(texts), embedder.dim):
        return 0
    cache.put_many(texts, vectors)
    return len(texts)


def doctor(home: str | Path | None = None, model: str | None = None, corpus_files: list[Path] | None = None) -> list[tuple[bool, str]]:
    """Full check of a data directory: (ok, line) per item — every file's sha256, shapes, corpus, model."""
    home = data_dir(home)
    lines: list[tuple[bool, str]] = []
    reason = writable(home)
    lines.append((reason is None, f"数据目录 {home} " + ("可写" if reason is None else f"不可写（{reason}）")))
    left = leftovers(home)
    lines.append((not left, "没有中断留下的临时文件" if not left else
                  "中断留下的临时文件：" + "、".join(p.name for p in left) + "（下次启动时清理）"))
    lines.append((_model_ready(home, model), "向量模型已就绪" if _model_ready(home, model) else "向量模型尚未生成（首次启动时生成）"))
    records = load_records(corpus_files) if corpus_files else _library_lines(home, lines)
    target = index_dir(home)
    manifest = SearchIndex.read_manifest(target)
    if manifest is None:
        lines.append((False, f"{target} 中没有可用的索引（缺少或无法读取 manifest.json）"))
        return lines
    problems = check_files(target, manifest, full=True)
    n = len(manifest.get("files") or {})
    lines.append((not problems, f"索引文件 {n} 个，大小与 sha256 全部相符" if not problems else "；".join(problems)))
    what = "所给语料" if corpus_files else "资料库"
    same = manifest.get("corpus_sha256") == corpus_fingerprint(records)
    lines.append((same, f"索引与{what}一致（{len(records)} 张申报表）" if same else f"索引与{what}不一致（内容已改变；下次使用时重建）"))
    if not problems:
        try:
            embedder = Embedder(model, home=home)
            SearchIndex.load(target, embedder, expect_corpus=corpus_fingerprint(records))
            lines.append((True, f"索引可以加载：{manifest['shapes']['records']} 张申报表，{manifest['shapes']['chunks']} 个片段，"
                                f"向量 {manifest['shapes']['vectors']}"))
            fast = embedder.query_runtime == "onnxruntime"
            lines.append((fast, "查询编码器：ONNX（检索不加载 torch）" if fast else
                          "查询编码器：sentence-transformers（检索需加载 torch，较慢；运行 jixiao build 生成 ONNX 编码器）"))
        except (IndexMismatch, ValueError, RuntimeError) as exc:
            lines.append((False, f"索引无法加载：{exc}"))
    return lines


def _library_lines(home: Path, lines: list[tuple[bool, str]]) -> list[Declaration]:
    """doctor's lines on the library (it imports nothing and recovers nothing); returns its records."""
    from embeddings.cache import CACHE_FILE, PassageCache

    path = library_path(home)
    if not path.exists():
        lines.append((True, f"资料库 {path} 尚未建立（首次使用时导入内置语料）"))
        return load_records(None)
    try:
        # read-write where possible: SQLite then rolls back what an interrupted update left in its journal
        with Library.open(home, read_only=writable(home) is not None) as library:
            damage = library.integrity()
            entries, years = library.entries(), library.years()
            records = library.records() if library.initialized else load_records(None)
    except (LibraryError, ValueError) as exc:
        lines.append((False, f"资料库无法读取：{exc}"))
        return []
    per_year = "，".join(f"{y} 年度 {sum(1 for e in entries if e.year == y)} 张" for y in years) or "没有年度"
    lines.append((damage is None, f"资料库 {path}：{len(entries)} 张申报表（{per_year}）" +
                  ("，完整性检查通过" if damage is None else f"，完整性检查发现问题：{damage}")))
    if previous_dir(home).exists():
        lines.append((False, f"上次资料库更新被中断，留下了 {PREVIOUS_DIRNAME}（下次使用时自动恢复为与资料库一致的索引）"))
    cached = PassageCache(home / CACHE_FILE, "", 0).count()
    lines.append((True, f"嵌入缓存：{cached} 个片段向量（添加申报表时只嵌入新片段）"))
    return records
