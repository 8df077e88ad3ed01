"""The library's incremental update, measured: add 10 forms to the 100-form library vs a full build.

The 10 forms are next year's versions of bundled forms (`next_year_text`): the same layout, their
year, dates and codes moved to 2022 and their names changed, so every chunk is new to the
embedding cache. Both timings run in one process with the model warm (loaded and used once):

- full build: the bundled 100 forms, embedded from an empty cache, built and saved;
- add 10: `jixiao add`'s own code path (parse the file, check, write the library transaction, embed
  the new chunks, rebuild BM25 and FAISS, stage, switch, commit), on a library of the 100 forms;
  three times (removed and their vectors dropped from the cache in between), the median reported.

Run: `jixiao bench-library` or `python -m eval.library_bench` (JIXIAO_HOME for the model).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

from corpus import BUNDLED_CORPUS, Declaration, load_corpus, parse_text
from corpus.text import squash

_NUMERALS = "一二三四五六七八九十"


def _renamed(block: str, r: Declaration, n: int, year: int) -> tuple[str, str, str]:
    """(form text, new code, new name) of next year's version of one form."""
    text = block.replace("2021", str(year))
    code = r.code.replace("2021", str(year))
    if code == r.code:  # a code without the year in it: a new one of the same shape
        code = f"99{year}{n:08d}"[:14]
        text = text.replace(r.code, code)
    name = f"{r.name}（二期）"
    return text.replace(r.name, name, 1), code, name


def next_year_text(n: int = 10, year: int = 2022, step: int = 10) -> tuple[str, list[dict]]:
    """A declarations text in the bundled layout (目录 and forms) with n forms of `year`, derived from
    every step-th bundled form; and what each became ({code, name, original_code}). Forms whose
    name the extract breaks over lines (the rename would not take) are passed over."""
    raw = BUNDLED_CORPUS.read_text(encoding="utf-8").splitlines()
    records = load_corpus()
    order = [records[i] for k in range(step) for i in range(k, len(records), step)]
    forms, made = [], []
    for r in order:
        if len(made) == n:
            break
        block = "\n".join(raw[r.source.line_start - 1 : r.source.line_end])
        text, code, name = _renamed(block, r, len(made) + 1, year)
        parsed = parse_text(text, file="check.txt").records
        if len(parsed) != 1 or parsed[0].name != name or parsed[0].code != squash(code) or parsed[0].year != year:
            continue
        forms.append(text)
        made.append({"code": parsed[0].code, "name": name, "original_code": r.code, "section": r.section})
    sections: dict[str, list[str]] = {}
    for m in made:
        sections.setdefault(m["section"] or "其他", []).append(m["name"])
    toc = ["目 录", ""]
    for k, (section, names) in enumerate(sections.items()):
        toc.append(f"{_NUMERALS[k % 10]}、{section}\t1")
        toc += [f"{i}.{name}.....\t{i}" for i, name in enumerate(names, 1)]
    return "\n".join(toc) + "\n\n\n" + "\n\n".join(forms) + "\n", made


def _fresh_home(base: Path, source: Path) -> Path:
    """A data directory sharing the converted model (symlinked), with nothing else."""
    home = Path(tempfile.mkdtemp(prefix="bench-", dir=base))
    (home / "models").mkdir()
    for model in (source / "models").iterdir():
        if not model.name.startswith("."):
            (home / "models" / model.name).symlink_to(model)
    return home


def _timed_adds(home: Path, path: Path, embedder, repeats: int) -> tuple[list[float], object]:
    """Add the file `repeats` times: between two, its forms are removed and their vectors dropped
    from the cache, so every add embeds them again. (seconds of each add, the last result)"""
    from index.chunks import chunk_records
    from index.library import add_files, remove_codes

    seconds, result = [], None
    for n in range(repeats):
        if result is not None:
            remove_codes(home, [r.code for r in result.added], embedder=embedder, log=lambda msg: None)
            embedder.passage_cache.forget([c.text for c in chunk_records(result.added)])
        result = add_files(home, [path], embedder=embedder, log=lambda msg: None)
        seconds.append(result.seconds)
    return seconds, result


def run_library_benchmark(source_home: Path, n_added: int = 10, repeats: int = 3) -> dict:
    """Full build vs adding n forms, in this process with the model warm (see the module doc)."""
    from statistics import median

    from embeddings import Embedder
    from index.search import SearchIndex
    from index.store import index_dir, library_records

    base = Path(tempfile.mkdtemp(prefix="jixiao-library-bench-"))
    try:
        home = _fresh_home(base, Path(source_home))
        embedder = Embedder(home=home)
        embedder.encode_passages(["预热：加载模型"])  # warm: loaded and run once before timing
        records = library_records(home)  # the library: the bundled corpus imported (not timed); the cache is empty
        start = time.perf_counter()
        full = SearchIndex.build(records, embedder)
        full.save(index_dir(home))
        full_seconds = time.perf_counter() - start
        text, made = next_year_text(n_added)
        path = base / "2022-declarations.txt"
        path.write_text(text, encoding="utf-8")
        adds, result = _timed_adds(home, path, embedder, repeats)
        found = sum(1 for m in made if result.index.search(m["code"], k=1)[0].code == m["code"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {
        "forms_before": len(records), "forms_added": len(made), "chunks_full": len(full.chunks),
        "chunks_after": len(result.index.chunks), "chunks_embedded_by_add": result.embedded,
        "full_build_seconds": round(full_seconds, 2), "add_seconds": round(median(adds), 2),
        "add_seconds_each": [round(x, 2) for x in adds], "ratio": round(median(adds) / full_seconds, 4),
        "added_found_by_code": found, "model_id": embedder.model_id, "torch_threads": _torch_threads(),
    }


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def report_lines(result: dict) -> list[str]:
    return [
        f"全量构建：{result['forms_before']} 张申报表，{result['chunks_full']} 个片段，{result['full_build_seconds']:.1f} 秒",
        f"添加 {result['forms_added']} 张：新嵌入 {result['chunks_embedded_by_add']} 个片段（共 {result['chunks_after']} 个），"
        f"{result['add_seconds']:.1f} 秒（{len(result['add_seconds_each'])} 次的中位数："
        + "、".join(f"{x:.1f}" for x in result["add_seconds_each"]) + " 秒）",
        f"添加用时 / 全量构建用时 = {result['ratio']:.1%}（要求 ≤ 15%）；新表按编号检索排第一：{result['added_found_by_code']}/{result['forms_added']}",
    ]


def main() -> int:
    from embeddings import data_dir
    from eval.report import write_results

    result = run_library_benchmark(data_dir())
    for line in report_lines(result):
        print(line)
    print(f"结果已写入 {write_results('library-benchmark', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
