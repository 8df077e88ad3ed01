"""The library: forms added year after year without a full rebuild, bad input that changes nothing,
and `jixiao add` killed with SIGKILL at every stage leaving the previous library and index.

Every test works on a copy of the session's data directory (the model is shared read-only).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, CorpusError, load_corpus
from corpus.library import Library, content_hash, read_declarations
from eval.library_bench import next_year_text
from index.search import corpus_fingerprint
from tests.conftest import copy_data_home
from tests.forms import HEADER, document, form

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["污水处理运营", "办公设备购置", "培训的绩效指标怎么设", "东昌湖维护", "采购检验检测仪器设备"]
QUIET = {"log": lambda msg: None}




@pytest.fixture
def lib_home(home, index, tmp_path):
    return copy_data_home(home, tmp_path / "home")


@pytest.fixture(scope="module")
def next_year(tmp_path_factory):
    """Ten forms of 2022 in the bundled layout (bundled forms with new codes, names and dates)."""
    text, made = next_year_text(10)
    path = tmp_path_factory.mktemp("forms") / "2022-declarations.txt"
    path.write_text(text, encoding="utf-8")
    return path, made


def _open(home, embedder):
    from index.store import open_index

    return open_index(home=home, embedder=embedder, rebuild=False, progress=False, **QUIET)


def _entries(home: Path) -> list[tuple]:
    with Library.open(home) as library:
        return [(e.position, e.code, e.year, e.content_sha256, e.added_at) for e in library.entries()]


def _searches(index) -> dict:
    return {(q, mode): [(h.code, h.score) for h in index.search(q, k=10, mode=mode)]
            for q in QUERIES for mode in ("hybrid", "bm25", "dense")}


def _state(home: Path, embedder) -> tuple:
    """What must not change: the library's rows, the fingerprint the index was built for, searches."""
    index = _open(home, embedder)  # rebuild=False: an index that does not match raises
    return _entries(home), index.manifest["corpus_sha256"], _searches(index)


def _same_searches(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert [c for c, _ in a[key]] == [c for c, _ in b[key]], key
        assert all(abs(x - y) <= 1e-6 for (_, x), (_, y) in zip(a[key], b[key])), key


# ---------------------------------------------------------------- the first import


def test_the_bundled_corpus_is_the_first_import_and_the_index_still_fits(lib_home, embedder):
    index = _open(lib_home, embedder)  # the session's index serves the new library without a rebuild
    bundled = load_corpus()
    assert corpus_fingerprint(index.records) == corpus_fingerprint(bundled)
    assert index.years == [2021] and index.manifest["corpus_sha256"] == corpus_fingerprint(bundled)
    with Library.open(lib_home) as library:
        entries = library.entries()
        assert library.years() == [2021] and library.integrity() is None
    assert [e.code for e in entries] == [r.code for r in bundled]
    assert {e.source_file for e in entries} == {BUNDLED_CORPUS.name}
    assert all(e.content_sha256 == content_hash(r) for e, r in zip(entries, bundled))


# ---------------------------------------------------------------- add, search, ask, remove


def test_added_forms_are_found_and_removing_them_restores_every_search(lib_home, embedder, next_year):
    from app.answer import Answerer
    from index.library import add_files, remove_codes

    from corpus import parse_files
    from index.chunks import chunk_records

    path, made = next_year
    before = _state(lib_home, embedder)
    new_chunks = {c.text for c in chunk_records(parse_files([path]).records)}
    embedder.passage_cache.forget(sorted(new_chunks))  # an earlier run of this test cached them
    added = add_files(lib_home, [path], embedder=embedder, **QUIET)
    assert len(added.added) == 10 and added.forms == 110 and added.years == [2021, 2022]
    assert added.embedded == len(new_chunks) < 200  # only the new forms' chunks: the 100 bundled ones are cached
    index = _open(lib_home, embedder)  # what a fresh process loads: the saved index of the new library
    assert len(index.records) == 110 and index.years == [2021, 2022]
    for m in made:
        assert index.search(m["code"], k=1)[0].code == m["code"]
        assert m["code"] in [h.code for h in index.search(m["name"], k=3)]
    answerer = Answerer(index)
    first = made[0]
    answer, _ = answerer.ask(f"{first['name']}的联系人是谁")
    assert not answer.refused and answer.citations[0].code == first["code"]
    answer, _ = answerer.ask("2023年的污水处理运营费是多少")
    assert answer.refused and "2021、2022" in answer.answer

    removed = remove_codes(lib_home, [m["code"] for m in made], embedder=embedder, **QUIET)
    assert removed.forms == 100 and removed.embedded == 0  # every vector from the cache
    after = _state(lib_home, embedder)
    assert [e[:4] for e in after[0]] == [e[:4] for e in before[0]] and after[1] == before[1]
    _same_searches(after[2], before[2])


def test_replace_keeps_the_place_and_embeds_only_what_changed(lib_home, embedder, by_name, capsys):
    from app.cli import main

    _open(lib_home, embedder)
    r = by_name["办公设备购置费用"]
    raw = BUNDLED_CORPUS.read_text(encoding="utf-8").splitlines()
    text = "\n".join(raw[r.source.line_start - 1 : r.source.line_end]).replace("200000.00", "260000.00")
    path = lib_home.parent / "revised.txt"
    path.write_text(text + "\n", encoding="utf-8")
    assert main(["add", str(path), "--data-dir", str(lib_home)]) == 1  # the code is in the library
    err = capsys.readouterr().err
    assert f"项目编号 {r.code}" in err and "--replace" in err and "没有任何改动" in err
    assert main(["add", str(path), "--replace", "--data-dir", str(lib_home)]) == 0
    out = capsys.readouterr().out
    assert "替换" in out and "资料库现有 100 张" in out
    index = _open(lib_home, embedder)
    assert index.records[r.seq - 1].code == r.code and index.by_code[r.code].amount_yuan == 260000.0
    assert main(["list", "--json", "--data-dir", str(lib_home)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[r.seq - 1]["code"] == r.code and rows[r.seq - 1]["source_file"] == "revised.txt"


# ---------------------------------------------------------------- bad input changes nothing


def _bad_inputs(tmp: Path, next_year_path: Path) -> dict[str, tuple[list[str], str]]:
    """name → (arguments after `add`, what the message must say)."""
    garbage = tmp / "garbage.txt"
    garbage.write_text("这不是申报表\n只是一些文字\n", encoding="utf-8")
    twice = tmp / "twice.txt"
    twice.write_text(document(form(code="99900120220001"), form(name="另一个", code="99900120220001")), encoding="utf-8")
    no_code = tmp / "no-code.txt"
    no_code.write_text(document(form(code="")), encoding="utf-8")
    no_year = tmp / "no-year.txt"
    no_year.write_text(form(code="99900120220002").replace(HEADER, "项目支出绩效目标申报表\n\n"), encoding="utf-8")
    good = tmp / "good.txt"
    good.write_text(document(form(code="99900120220003")), encoding="utf-8")
    (tmp / "form.docx").write_bytes(b"PK\x03\x04")
    return {
        "missing file": ([str(tmp / "no-such.txt")], "文件不存在"),
        "not a declaration": ([str(garbage)], "没有找到任何申报表"),
        "bundled codes again": ([str(BUNDLED_CORPUS)], "已在资料库中"),
        "a code twice in the file": ([str(twice)], "出现了两次"),
        "a form without its code": ([str(no_code)], "项目编号"),
        "no year on the form": ([str(no_year)], "--year"),
        "year unlike the form's": ([str(next_year_path), "--year", "2023"], "与 --year 2023 不符"),
        "one bad file among good ones": ([str(good), str(garbage)], "garbage.txt"),
        "a Word file that is not one": ([str(tmp / "form.docx")], "Word"),
        "unknown format": ([str(tmp / "notes.md")], "不支持的文件类型"),
    }


def test_bad_input_is_refused_clearly_and_changes_nothing(lib_home, embedder, next_year, tmp_path, capsys):
    from app.cli import main

    before = _state(lib_home, embedder)
    index_files = sorted((p.relative_to(lib_home), p.stat().st_mtime_ns) for p in (lib_home / "index").rglob("*"))
    for name, (args, says) in _bad_inputs(tmp_path, next_year[0]).items():
        assert main(["add", *args, "--data-dir", str(lib_home)]) == 1, name
        err = capsys.readouterr().err
        assert err.startswith("错误：无法添加，资料库没有任何改动") and says in err and "Traceback" not in err, (name, err)
        assert _entries(lib_home) == before[0], name
        assert sorted((p.relative_to(lib_home), p.stat().st_mtime_ns) for p in (lib_home / "index").rglob("*")) == index_files
    assert main(["remove", "00000000000000", "--data-dir", str(lib_home)]) == 1
    assert "不在资料库中" in capsys.readouterr().err
    every = [r.code for r in load_corpus()]
    assert main(["remove", *every, "--data-dir", str(lib_home)]) == 1
    assert "没有申报表" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="--year 21 不是合理的年度"):
        main(["add", str(next_year[0]), "--year", "21", "--data-dir", str(lib_home)])
    after = _state(lib_home, embedder)
    assert after[0] == before[0] and after[1] == before[1]
    _same_searches(after[2], before[2])


def test_the_year_comes_from_the_option_only_when_the_form_has_none(lib_home, embedder, tmp_path):
    from index.library import add_files

    _open(lib_home, embedder)
    path = tmp_path / "undated.txt"
    path.write_text(form(name="没有年度的测试项目", code="99900120230001").replace(HEADER, "项目支出绩效目标申报表\n\n"),
                    encoding="utf-8")
    result = add_files(lib_home, [path], year=2023, embedder=embedder, **QUIET)
    assert [r.year for r in result.added] == [2023] and result.years == [2021, 2023]
    with Library.open(lib_home) as library:
        assert [e.name for e in library.entries(2023)] == ["没有年度的测试项目"]


# ---------------------------------------------------------------- the other commands use the library


def test_list_checks_and_doctor_work_on_the_library(lib_home, embedder, next_year, capsys):
    from app.cli import main
    from index.library import add_files

    add_files(lib_home, [next_year[0]], embedder=embedder, **QUIET)
    assert main(["list", "--year", "2022", "--data-dir", str(lib_home)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("资料库：10 张申报表（2022 年度 10 张）") and "（二期）" in out
    assert main(["list", "--year", "2030", "--data-dir", str(lib_home)]) == 0
    assert "现有年度：2021、2022" in capsys.readouterr().err
    assert main(["checks", "--json", "--data-dir", str(lib_home)]) == 0
    assert json.loads(capsys.readouterr().out)["forms_checked"] == 110
    assert main(["doctor", "--data-dir", str(lib_home)]) == 0
    out = capsys.readouterr().out
    assert "资料库" in out and "110 张申报表（2021 年度 100 张，2022 年度 10 张）" in out and "索引与资料库一致" in out
    assert main(["search", "--corpus", str(BUNDLED_CORPUS), "--data-dir", str(lib_home), "--json", "污水处理"]) == 0
    assert all(not r["name"].endswith("（二期）") for r in json.loads(capsys.readouterr().out)["results"])  # files, not the library


# ---------------------------------------------------------------- the embedding cache and the format dispatch


def test_the_passage_cache_encodes_each_text_once_per_model(tmp_path):
    import numpy as np

    from embeddings.cache import PassageCache

    calls = []

    def encode(texts, progress):
        calls.append(list(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    cache = PassageCache(tmp_path / "cache.sqlite", "model-a", 3)
    first = cache.encode(encode, ["甲乙", "丙", "甲乙"])
    assert calls == [["丙", "甲乙"]] and first[0].tolist() == first[2].tolist() == [2.0, 1.0, 0.0]
    again = cache.encode(encode, ["丙", "甲乙", "丁"])
    assert calls[-1] == ["丁"] and again[1].tolist() == [2.0, 1.0, 0.0]
    PassageCache(tmp_path / "cache.sqlite", "model-b", 3).encode(encode, ["丙"])
    assert calls[-1] == ["丙"]  # another model's vectors are never used
    (tmp_path / "broken.sqlite").write_bytes(b"not a database at all" * 100)
    broken = PassageCache(tmp_path / "broken.sqlite", "model-a", 3)
    assert broken.encode(encode, ["丙"]).shape == (1, 3)  # a damaged cache is skipped, never an error


def test_the_format_dispatch_reads_every_supported_suffix(tmp_path):
    for suffix in (".pdf", ".docx", ".xlsx"):
        broken = tmp_path / f"a{suffix}"
        broken.write_bytes(b"not a declaration file")
        with pytest.raises(CorpusError, match=str(broken.name)):
            read_declarations(broken)
    assert len(read_declarations(BUNDLED_CORPUS).records) == 100


# ---------------------------------------------------------------- kill -9 during `jixiao add`

BEFORE_COMMIT = ["parsed", "changed", "embedding", "staged", "moved-aside", "switched"]
# What a kill at each stage leaves on disk, before anything opens the library again.
LEFT_BEHIND = {
    "changed": lambda home: (home / "library.sqlite-journal").exists(),  # an uncommitted transaction
    "embedding": lambda home: (home / "library.sqlite-journal").exists(),
    "staged": lambda home: any(p.name.startswith(".index.building-") for p in home.iterdir()),
    "moved-aside": lambda home: not (home / "index").exists() and (home / "index.previous").exists(),
    "switched": lambda home: (home / "index").exists() and (home / "index.previous").exists(),
    "committed": lambda home: (home / "index.previous").exists() and not (home / "library.sqlite-journal").exists(),
}


def _add_until(home: Path, path: Path, stage: str) -> None:
    """Run `jixiao add` in a subprocess until it reaches stage, then SIGKILL it there."""
    env = dict(os.environ, JIXIAO_TEST_PAUSE_AT=stage, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "add", str(path), "--data-dir", str(home)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    seen = []
    try:
        while True:
            line = lines.get(timeout=300)
            seen.append(line)
            if line.startswith(f"PAUSED {stage}"):
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, seen


def test_add_killed_at_any_stage_leaves_the_previous_library_and_index(lib_home, embedder, tmp_path):
    text, made = next_year_text(3, step=7)
    path = tmp_path / "three.txt"
    path.write_text(text, encoding="utf-8")
    before = _state(lib_home, embedder)
    for stage in BEFORE_COMMIT:
        _add_until(lib_home, path, stage)
        assert LEFT_BEHIND.get(stage, lambda home: True)(lib_home), stage
        after = _state(lib_home, embedder)  # open: recovers, and must not need a rebuild
        assert after[0] == before[0] and after[1] == before[1], stage
        _same_searches(after[2], before[2])
        assert not (lib_home / "index.previous").exists()
        assert not [p for p in lib_home.iterdir() if p.name.startswith(".index.")], stage  # leftovers cleaned
    _add_until(lib_home, path, "committed")  # killed after its commit: the new library, whole
    assert LEFT_BEHIND["committed"](lib_home)
    entries, fingerprint, searches = _state(lib_home, embedder)
    assert [e[1] for e in entries] == [e[1] for e in before[0]] + [m["code"] for m in made]
    assert not (lib_home / "index.previous").exists()
    index = _open(lib_home, embedder)
    assert all(index.search(m["code"], k=1)[0].code == m["code"] for m in made)


def test_an_update_that_fails_while_switching_puts_everything_back(lib_home, embedder, next_year, monkeypatch):
    import index.library as updates
    from corpus.library import LibraryError

    before = _state(lib_home, embedder)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):  # the second rename (new index into place) fails: a full disk, say
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(updates.os, "replace", failing_replace)
    with pytest.raises(OSError):
        updates.add_files(lib_home, [next_year[0]], embedder=embedder, **QUIET)
    monkeypatch.undo()
    assert (lib_home / "index").is_dir() and not (lib_home / "index.previous").exists()
    after = _state(lib_home, embedder)
    assert after[0] == before[0] and after[1] == before[1]
    _same_searches(after[2], before[2])
    with pytest.raises(LibraryError, match="没有任何改动"):
        updates.remove_codes(lib_home, ["00000000000000"], embedder=embedder, **QUIET)


def test_add_and_remove_with_the_milvus_backend_write_to_milvus(home, index, tmp_path, next_year, capsys):
    pytest.importorskip("pymilvus", reason="pymilvus / milvus-lite 未安装（pip install 'jixiao[milvus]'）")
    pytest.importorskip("milvus_lite")
    from app.cli import main
    from index.backend_config import open_search_index

    lib = copy_data_home(home, tmp_path / "lib")
    uri = str(tmp_path / "m.db")
    options = ["--data-dir", str(lib), "--backend", "milvus", "--milvus-uri", uri]
    new = next_year[1][0]
    assert main(["add", str(next_year[0]), *options]) == 0
    assert "Milvus 集合已与资料库同步" in capsys.readouterr().out
    on_milvus = open_search_index(home=lib, backend="milvus", milvus_uri=uri, rebuild=False, progress=False, **QUIET)
    assert on_milvus.search(new["code"], k=1)[0].code == new["code"]
    assert main(["remove", new["code"], *options]) == 0
    again = open_search_index(home=lib, backend="milvus", milvus_uri=uri, rebuild=False, progress=False, **QUIET)
    assert all(h.code != new["code"] for h in again.search(new["name"], k=10))
