"""The library's incremental update, measured: add 10 forms to the 100-form library vs a full build.

The 10 forms are next year's versions of bundled forms (`next_year_text`): the same layout, their
year, dates and codes moved to 2022 and their names changed, so every chunk is new to the
embedding cache. Both timings run in one process with the model warm (loaded and used once):

- full build: the bundled 100 forms, embedded from an empty cache, built and saved (twice);
- add 10: `jixiao add`'s own code path (parse the file, check, write the library transaction, embed
  the new chunks, rebuild BM25 and FAISS, stage, switch, commit), on a library of the 100 forms;
  three times (removed and their vectors dropped from the cache in between).

The ratio is taken of the best runs (the least disturbed by other work on a shared machine), and
reported with the medians and the process's CPU time, which other processes do not inflate.

Run: `jixiao bench-library` or `python -m eval.library_bench` (JIXIAO_HOME for the model).
"""

from __future__ import annotations

import os
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


def _timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process — all its threads —, fn's value)."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def _full_builds(home: Path, records: list[Declaration], embedder, runs: int) -> tuple[list[tuple[float, float]], object]:
    """Build and save the index of the records `runs` times, each from an empty embedding cache."""
    from embeddings.cache import PassageCache
    from index.search import SearchIndex
    from index.store import index_dir

    cache = embedder.passage_cache
    times, full = [], None
    for n in range(runs):
        embedder.passage_cache = PassageCache(home / f"bench-cache-{n}.sqlite", cache.namespace, cache.dim)

        def build():
            index = SearchIndex.build(records, embedder)
            index.save(index_dir(home))
            return index

        wall, cpu, full = _timed(build)
        times.append((wall, cpu))
    embedder.passage_cache = cache
    cache.put_many([c.text for c in full.chunks], full.vectors)  # the library's cache holds the 100 forms
    return times, full


def _timed_adds(home: Path, path: Path, embedder, repeats: int) -> tuple[list[tuple[float, float]], object]:
    """Add the file `repeats` times: between two, its forms are removed and their vectors dropped
    from the cache, so every add embeds them again. ((wall, CPU) seconds of each add, the last result)"""
    from index.chunks import chunk_records
    from index.library import add_files, remove_codes

    times, result = [], None
    for n in range(repeats):
        if result is not None:
            remove_codes(home, [r.code for r in result.added], embedder=embedder, log=lambda msg: None)
            embedder.passage_cache.forget([c.text for c in chunk_records(result.added)])
        wall, cpu, result = _timed(lambda: add_files(home, [path], embedder=embedder, log=lambda msg: None))
        times.append((wall, cpu))
    return times, result


def run_library_benchmark(source_home: Path, n_added: int = 10, repeats: int = 3, builds: int = 2) -> dict:
    """Full builds vs adding n forms, in this process with the model warm (see the module doc)."""
    from embeddings import Embedder
    from index.store import library_records

    base = Path(tempfile.mkdtemp(prefix="jixiao-library-bench-"))
    try:
        home = _fresh_home(base, Path(source_home))
        embedder = Embedder(home=home)
        embedder.encode_passages(["预热：加载模型"])  # warm: loaded and run once before timing
        records = library_records(home)  # the library: the bundled corpus imported (not timed)
        full_times, full = _full_builds(home, records, embedder, builds)
        text, made = next_year_text(n_added)
        path = base / "2022-declarations.txt"
        path.write_text(text, encoding="utf-8")
        add_times, result = _timed_adds(home, path, embedder, repeats)
        found = sum(1 for m in made if result.index.search(m["code"], k=1)[0].code == m["code"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return _summary(records, made, full, result, full_times, add_times, found, embedder)


def _summary(records, made, full, result, full_times, add_times, found, embedder) -> dict:
    from statistics import median

    def stats(times, k):
        values = [t[k] for t in times]
        return {"each": [round(v, 2) for v in values], "min": round(min(values), 2), "median": round(median(values), 2)}

    full_wall, full_cpu, add_wall, add_cpu = stats(full_times, 0), stats(full_times, 1), stats(add_times, 0), stats(add_times, 1)
    return {
        "forms_before": len(records), "forms_added": len(made), "chunks_full": len(full.chunks),
        "chunks_after": len(result.index.chunks), "chunks_embedded_by_add": result.embedded,
        "full_build_wall_seconds": full_wall, "full_build_cpu_seconds": full_cpu,
        "add_wall_seconds": add_wall, "add_cpu_seconds": add_cpu,
        # best of each (the runs least disturbed by other work on a shared machine), then medians and CPU time
        "ratio": round(add_wall["min"] / full_wall["min"], 4),
        "ratio_median_wall": round(add_wall["median"] / full_wall["median"], 4),
        "ratio_cpu": round(add_cpu["median"] / full_cpu["median"], 4),
        "added_found_by_code": found, "model_id": embedder.model_id, "torch_threads": _torch_threads(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def report_lines(result: dict) -> list[str]:
    fw, fc, aw, ac = (result[k] for k in ("full_build_wall_seconds", "full_build_cpu_seconds", "add_wall_seconds", "add_cpu_seconds"))

    def each(values):
        return "、".join(f"{v:.1f}" for v in values["each"])

    return [
        f"全量构建：{result['forms_before']} 张申报表，{result['chunks_full']} 个片段（空缓存）：{each(fw)} 秒（CPU {each(fc)} 秒）",
        f"添加 {result['forms_added']} 张：新嵌入 {result['chunks_embedded_by_add']} 个片段（共 {result['chunks_after']} 个）："
        f"{each(aw)} 秒（CPU {each(ac)} 秒）",
        f"添加 / 全量构建：最好一次 {result['ratio']:.1%}，中位数 {result['ratio_median_wall']:.1%}，CPU 时间 {result['ratio_cpu']:.1%}"
        f"（要求 ≤ 15%；机器负载 {result['load_average'][0]}）；新表按编号检索排第一：{result['added_found_by_code']}/{result['forms_added']}",
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
