"""Open the index for a data directory: load it, or build it when missing, stale or damaged.

Before anything slow, the data directory is checked: leftovers of interrupted builds and model
conversions (their owner process is gone) are removed, and a directory that cannot be written
is reported at once — not after a minute of embedding.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from corpus import BUNDLED_CORPUS, Declaration, parse_files
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
    """The ready index. rebuild=None: build when missing, stale or damaged; False: explain instead.

    Raises IndexUnavailable when it cannot be built or served here (read-only data directory)."""
    home = data_dir(home)
    records = load_records(corpus_files, log=log)
    read_only = writable(home)
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
    index = SearchIndex.build(records, embedder, progress=progress)
    index.save(target)
    log(f"索引已写入 {target}")
    prepare = getattr(embedder, "prepare_query_encoder", None)
    if prepare is not None and prepare(log) and progress:
        log("查询编码器（ONNX，已与原模型逐条核对）已就绪：以后的检索不再加载 torch。")
    return index


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
    target = index_dir(home)
    manifest = SearchIndex.read_manifest(target)
    if manifest is None:
        lines.append((False, f"{target} 中没有可用的索引（缺少或无法读取 manifest.json）"))
        return lines
    problems = check_files(target, manifest, full=True)
    n = len(manifest.get("files") or {})
    lines.append((not problems, f"索引文件 {n} 个，大小与 sha256 全部相符" if not problems else "；".join(problems)))
    records = load_records(corpus_files)
    same = manifest.get("corpus_sha256") == corpus_fingerprint(records)
    lines.append((same, f"索引与当前语料一致（{len(records)} 张申报表）" if same else "索引与当前语料不一致（语料已改变）"))
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
