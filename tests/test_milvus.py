"""The Milvus backend against a real Milvus Lite (its local .db mode in this process, and its gRPC
server on a loopback port in a child process): the same rankings as the embedded bm25s + FAISS
backend, filters as Milvus expressions, the collection's manifest, and one-line Chinese errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter
from dataclasses import fields

import numpy as np
import pytest

try:
    import milvus_lite  # noqa: F401
    import pymilvus  # noqa: F401
except ImportError as exc:  # the optional extra is not installed: nothing here can run
    pytest.skip(f"pymilvus / milvus-lite 未安装（pip install 'jixiao[milvus]'），跳过 Milvus 后端测试：{exc}",
                allow_module_level=True)

from eval.agreement import twin  # another SearchIndex over the same structures: the session index keeps its backend
from index.backend_config import attach_backend
from index.backends import EmbeddedBackend
from index.filters import Filters
from index.milvus_backend import (
    _EXPRESSIONS, _MODIFIERS, MilvusUnavailable, chunk_term_weights, connect, filter_expression,
)
from index.search import IndexMismatch

FILTERS = [
    Filters(section="社会保障科"),
    Filters(department="聊城市教育和体育局"),
    Filters(project_type="一次性项目"),
    Filters(category="资本类项目支出"),
    Filters(min_amount=1_000_000, max_amount=5_000_000),
    Filters(min_amount=1_000_000, min_strict=True, max_amount=5_000_000, max_strict=True),
    Filters(end_year="2021"),
    Filters(end_after="2021-06-30", start_before="2021-01-02"),
    Filters(blank="category"),
    Filters(name_contains="经 费"),
    Filters(amount=80_000_000),
    Filters(year=2021, section="工贸科"),
]


def sample_queries(n_each: int = 12) -> list[str]:
    from eval.questions import load_questions
    from eval.retrieval import load_graded

    by_kind: dict[str, list[str]] = {}
    for q in load_questions("all"):
        by_kind.setdefault(q.kind, []).append(q.question)
    for q in load_graded("all"):
        by_kind.setdefault(q.kind, []).append(q.text)
    return [text for texts in by_kind.values() for text in texts[:n_each]]


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("milvus") / "jixiao.db")


@pytest.fixture(scope="session")
def on_milvus(index, milvus_uri):
    """The bundled corpus' index scoring its chunks in Milvus Lite: the collection is written once
    from the prebuilt index's own vectors and BM25 weights."""
    built = attach_backend(twin(index), backend="milvus", uri=milvus_uri, log=lambda m: None)
    assert built.backend.name == "milvus"
    return built


def test_hybrid_rankings_are_the_embedded_backends(index, on_milvus):
    queries = sample_queries()
    assert len(queries) >= 60
    for q in queries:
        ours = on_milvus.search(q, k=10)
        theirs = index.search(q, k=10)
        assert [h.code for h in ours] == [h.code for h in theirs], q
        assert [h.field for h in ours] == [h.field for h in theirs], q
        assert np.allclose([h.score for h in ours], [h.score for h in theirs], atol=5e-4), q


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_single_list_rankings_and_scores_are_the_same(index, on_milvus, mode):
    for q in sample_queries(4):
        ours, theirs = on_milvus.search(q, k=10, mode=mode), index.search(q, k=10, mode=mode)
        assert [h.code for h in ours] == [h.code for h in theirs], (mode, q)
        assert np.allclose([h.score for h in ours], [h.score for h in theirs], atol=1e-5), (mode, q)


def test_chunk_scores_agree_to_float32_precision(index, on_milvus):
    embedded = EmbeddedBackend(index)
    for q in ("污水处理厂运营费用", "培训项目的满意度指标怎么设", "给困难群众发救助金"):
        tokens, vector = index.tokenizer.query(q), index.embedder.encode_queries([q])[0]
        for name in ("bm25_scores", "dense_scores"):
            a = getattr(embedded, name)(tokens if name == "bm25_scores" else vector, None, None)
            b = getattr(on_milvus.backend, name)(tokens if name == "bm25_scores" else vector, None, None)
            assert np.array_equal(a > 0, b > 0) and np.allclose(a, b, atol=1e-5), (q, name)


def test_sparse_weights_are_bm25_over_the_same_jieba_tokens(index):
    """Each chunk's sparse vector is lucene BM25 (k1 1.5, b 0.75) of the tokens the tokenizer gives."""
    docs = [index.tokenizer(c.text) for c in index.chunks]
    avgdl = sum(map(len, docs)) / len(docs)
    df = Counter(t for d in docs for t in set(d))
    row_ptr, terms, weights = chunk_term_weights(index.bm25, len(index.chunks))
    vocab = {i: t for t, i in index.bm25.vocab_dict.items()}
    for cid in (0, 17, 500, len(docs) - 1):
        a, b = row_ptr[cid], row_ptr[cid + 1]
        got = {vocab[int(t)]: float(w) for t, w in zip(terms[a:b], weights[a:b])}
        tf = Counter(docs[cid])
        assert set(got) == set(tf)
        for term, count in tf.items():
            idf = math.log(1 + (len(docs) - df[term] + 0.5) / (df[term] + 0.5))
            expected = idf * count / (count + 1.5 * (1 - 0.75 + 0.75 * len(docs[cid]) / avgdl))
            assert got[term] == pytest.approx(expected, rel=1e-5), (cid, term)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: filter_expression(f)[0][:40])
def test_filters_are_milvus_expressions_selecting_exactly_the_accepted_chunks(index, on_milvus, filters):
    expr, exact = filter_expression(filters)
    assert exact and expr
    backend = on_milvus.backend
    rows = backend.client.query(backend.collection, filter=expr, output_fields=["id"], limit=len(index.chunks))
    accepted = {r.seq for r in index.records if filters.accepts(r)}
    assert accepted, filters
    assert {int(r["id"]) for r in rows} == {c.id for c in index.chunks if c.seq in accepted}
    for mode in ("hybrid", "bm25", "dense"):
        ours = on_milvus.search("培训和设备购置项目的绩效指标", k=20, mode=mode, filters=filters)
        theirs = index.search("培训和设备购置项目的绩效指标", k=20, mode=mode, filters=filters)
        assert [h.code for h in ours] == [h.code for h in theirs], (mode, filters)


def test_every_filter_has_an_expression_and_wildcards_are_not_claimed_exact():
    assert {f.name for f in fields(Filters)} - _MODIFIERS == set(_EXPRESSIONS)
    assert filter_expression(None) == ("", True) and filter_expression(Filters()) == ("", True)
    expr, exact = filter_expression(Filters(section='50%_"科'))
    assert not exact and '\\"' in expr
    assert filter_expression(Filters(codes=()))[0] == "id < 0"


def test_a_collection_that_does_not_match_is_rebuilt_or_refused(index, milvus_uri, monkeypatch):
    monkeypatch.setenv("JIXIAO_MILVUS_COLLECTION", "jixiao_mismatch_test")
    first = attach_backend(twin(index), backend="milvus", uri=milvus_uri, log=lambda m: None)
    client, name = first.backend.client, first.backend.collection
    info = client.describe_collection(name)
    manifest = json.loads(info["properties"]["jixiao.manifest"])
    assert manifest["corpus_sha256"] == index.manifest["corpus_sha256"] and manifest["n_chunks"] == len(index.chunks)
    manifest["corpus_sha256"] = "0" * 64
    client.alter_collection_properties(name, properties={"jixiao.manifest": json.dumps(manifest)})
    with pytest.raises(IndexMismatch, match="语料不同.*jixiao build --backend milvus"):
        attach_backend(twin(index), backend="milvus", uri=milvus_uri, rebuild=False)
    logged = []
    again = attach_backend(twin(index), backend="milvus", uri=milvus_uri, log=logged.append)
    assert any("语料不同" in m for m in logged) and any("已写入" in m for m in logged)
    assert [h.code for h in again.search("污水处理", k=3)] == [h.code for h in index.search("污水处理", k=3)]
    assert "jixiao_mismatch_test__building" not in client.list_collections()
    client.drop_collection(name)


def test_a_collection_jixiao_did_not_make_is_never_overwritten(index, milvus_uri, monkeypatch):
    client = connect(milvus_uri, "测试")
    client.create_collection("someone_elses", dimension=4)
    monkeypatch.setenv("JIXIAO_MILVUS_COLLECTION", "someone_elses")
    with pytest.raises(MilvusUnavailable, match="不是 jixiao 建立的"):
        attach_backend(twin(index), backend="milvus", uri=milvus_uri, rebuild=True)
    assert "someone_elses" in client.list_collections()
    client.drop_collection("someone_elses")


def test_a_milvus_server_on_loopback_serves_the_same_rankings(index, tmp_path):
    from eval.benchmark_milvus import lite_server

    with lite_server(tmp_path / "server-data") as (proc, uri):
        assert uri.startswith("http://127.0.0.1:")
        served = attach_backend(twin(index), backend="milvus", uri=uri, log=lambda m: None)
        for q in sample_queries(2):
            assert [h.code for h in served.search(q, k=10)] == [h.code for h in index.search(q, k=10)], q
        served.backend.client.close()


def _cli(capsys, *argv) -> tuple[int, str, str]:
    from app.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search_on_milvus_gives_the_embedded_results(home, on_milvus, milvus_uri, capsys):
    args = ["search", "--data-dir", str(home), "--json", "--k", "5", "城市污水处理厂运营"]
    code, faiss_out, _ = _cli(capsys, *args)
    code_m, milvus_out, _ = _cli(capsys, *args, "--backend", "milvus", "--milvus-uri", milvus_uri)
    assert code == code_m == 0
    codes = [[r["code"] for r in json.loads(out)["results"]] for out in (faiss_out, milvus_out)]
    assert codes[0] == codes[1] and len(codes[0]) == 5


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("http://127.0.0.1:{port}", "无法连接 Milvus 服务器"),
        ("/no/such/dir/x.db", "所在的目录 /no/such/dir 不存在"),
        ("ftp://example/x", "无法识别"),
        ("milvus", "无法识别"),
    ],
)
def test_a_bad_or_unreachable_milvus_uri_is_one_chinese_line(home, capsys, uri, says):
    from eval.benchmark_milvus import free_port

    uri = uri.format(port=free_port())  # nothing listens there
    code, out, err = _cli(capsys, "search", "--data-dir", str(home), "--backend", "milvus", "--milvus-uri", uri, "污水")
    assert code == 2 and not out
    assert err.startswith("错误：") and says in err and "Traceback" not in err
    assert "--milvus-uri" in err and ("请" in err)


def test_a_lite_database_held_by_another_process_is_explained(tmp_path):
    path = tmp_path / "held.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pymilvus import MilvusClient\nMilvusClient(sys.argv[1])\n"
         "print('ready', flush=True)\ntime.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(MilvusUnavailable, match="正被另一个进程使用") as caught:
            connect(str(path), "--milvus-uri")
        assert "jixiao serve" in str(caught.value)
    finally:
        holder.terminate()
        holder.wait(timeout=10)


def test_unknown_backend_and_missing_pymilvus_are_explained(home, capsys, monkeypatch):
    monkeypatch.setenv("JIXIAO_BACKEND", "elastic")
    code, _, err = _cli(capsys, "search", "--data-dir", str(home), "污水")
    assert code == 2 and "JIXIAO_BACKEND" in err and "faiss、milvus" in err
    monkeypatch.delenv("JIXIAO_BACKEND")
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # as if the extra were not installed
    code, _, err = _cli(capsys, "search", "--data-dir", str(home), "--backend", "milvus", "污水")
    assert code == 2 and "pip install 'jixiao[milvus]'" in err and "Traceback" not in err


def test_doctor_checks_the_milvus_collection(home, on_milvus, milvus_uri, capsys):
    code, out, _ = _cli(capsys, "doctor", "--data-dir", str(home), "--backend", "milvus", "--milvus-uri", milvus_uri)
    assert code == 0 and "Milvus 集合 jixiao_chunks" in out and "与索引一致" in out


def test_answers_are_the_same_on_both_backends(index, on_milvus):
    from app.answer import Answerer
    from eval.questions import load_questions

    by_kind: dict[str, list] = {}
    for q in load_questions("dev"):
        by_kind.setdefault(q.kind, []).append(q.question)
    questions = [text for texts in by_kind.values() for text in texts[:5]]
    embedded, milvus = Answerer(index), Answerer(on_milvus)
    for question in questions:
        assert milvus.ask(question)[0].to_json() == embedded.ask(question)[0].to_json(), question


def test_a_server_that_goes_away_mid_session_is_a_search_error_not_a_traceback(index, tmp_path):
    from eval.benchmark_milvus import lite_server
    from index.search import SearchError
    from index.store import IndexUnavailable

    with lite_server(tmp_path / "server-data") as (proc, uri):
        served = attach_backend(twin(index), backend="milvus", uri=uri, log=lambda m: None)
        assert served.search("污水处理", k=1)
    with pytest.raises(SearchError, match="Milvus 检索失败") as caught:  # the server is stopped now
        served.search("污水处理", k=1)
    assert isinstance(caught.value, IndexUnavailable) and "--backend faiss" in str(caught.value)
