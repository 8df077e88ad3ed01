"""Open the index for a data directory: load it, or build it when missing or stale."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus import BUNDLED_CORPUS, Declaration, parse_files
from embeddings import Embedder, data_dir
from index.search import IndexMismatch, SearchIndex, corpus_fingerprint


def index_dir(home: Path) -> Path:
    return home / "index"


def load_records(corpus_files: list[Path] | None = None) -> list[Declaration]:
    result = parse_files(corpus_files or [BUNDLED_CORPUS])
    if not result.records:
        raise RuntimeError("没有解析出任何申报表：" + "；".join(result.messages))
    return result.records


def open_index(
    home: str | Path | None = None,
    model: str | None = None,
    corpus_files: list[Path] | None = None,
    rebuild: bool | None = None,
    progress: bool = True,
    log=lambda msg: print(msg, file=sys.stderr),
    embedder: Embedder | None = None,
) -> SearchIndex:
    """The ready index. rebuild=None: build when missing or stale; False: explain instead."""
    home = data_dir(home)
    records = load_records(corpus_files)
    embedder = embedder or Embedder(model, home=home)
    target = index_dir(home)
    if rebuild is not True:
        try:
            return SearchIndex.load(target, embedder, expect_corpus=corpus_fingerprint(records))
        except IndexMismatch as exc:
            if rebuild is False:
                raise
            if SearchIndex.read_manifest(target) is None:
                log("还没有检索索引，首次使用需要构建（约 1 分钟）。")
            else:
                log(f"索引与当前语料或模型不符，将重建：{exc}")
    log(f"正在构建索引（{len(records)} 张申报表）……")
    index = SearchIndex.build(records, embedder, progress=progress)
    index.save(target)
    log(f"索引已写入 {target}")
    return index
