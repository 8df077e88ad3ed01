"""The search index: chunks, BM25 (bm25s + jieba), FAISS, fusion, folded to projects.

Public API, in the spirit of txtai's Embeddings: build → save → load → search.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus import Declaration
from embeddings.cache import encode_passages
from embeddings.home import replace_directory
from index.backends import EmbeddedBackend
from index.chunks import Chunk, chunk_records, form_text
from index.filters import Filters
from index.fusion import Fusion, ProjectFusion
from index.tokenize import ChineseTokenizer, domain_terms

FORMAT_VERSION = 3  # 2: manifest holds file sizes, hashes and shapes; 3: chunks of 项目实施进度计划
MODES = ("hybrid", "bm25", "dense")
EXACT_SEARCH_LIMIT = 200_000  # above this many chunks, HNSW instead of exact inner product
_SNIPPET = 120


class SearchError(ValueError):
    """A query or filter the index cannot serve; the message says why and what to do."""


class IndexMismatch(RuntimeError):
    """The index on disk was built from another corpus or model."""


class IndexDamaged(IndexMismatch):
    """A file of the index is missing, cut short or edited since it was built."""


# Hashed at every load: small, and what is served as fact or matched against.
CHEAP_HASH_FILES = ("records.jsonl", "chunks.jsonl", "terms.txt")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_table(directory: Path) -> dict[str, dict]:
    """{relative path: {size, sha256}} of every file in a built index (but the manifest)."""
    out = {}
    for path in sorted(Path(directory).rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            out[path.relative_to(directory).as_posix()] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    return out


def check_files(directory: Path, manifest: dict, full: bool = False) -> list[str]:
    """What is wrong with the index files, one line each (empty when all is well).

    Sizes always; sha256 of the small files always, of every file when full (jixiao doctor)."""
    files, shapes = manifest.get("files"), manifest.get("shapes")
    if not isinstance(files, dict) or not files or not isinstance(shapes, dict):
        return ["manifest.json 中没有文件清单（旧版本索引）"]
    problems = []
    directory = Path(directory)
    for name, info in files.items():
        path = directory / name
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(f"缺少 {name}")
            continue
        if size != info.get("size"):
            problems.append(f"{name} 大小为 {size} 字节，应为 {info.get('size')} 字节")
        elif (full or name in CHEAP_HASH_FILES) and _sha256(path) != info.get("sha256"):
            problems.append(f"{name} 内容已改变（sha256 不符）")
    return problems


def _bm25_docs(bm25) -> int | None:
    n = getattr(bm25, "corpus_size", None)
    if n is None:
        n = (getattr(bm25, "scores", None) or {}).get("num_docs")
    return int(n) if n is not None else None


@dataclass
class Hit:
    code: str
    name: str
    score: float
    field: str
    snippet: str
    seq: int
    chunk_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 6), "field": self.field, "snippet": self.snippet}


def _forms_bm25(tokenizer: ChineseTokenizer, records: list[Declaration]):
    import bm25s

    forms_bm25 = bm25s.BM25()
    forms_bm25.index([tokenizer(form_text(r)) for r in records], show_progress=False)
    return forms_bm25


def _sparse_indexes(records: list[Declaration], chunks: list[Chunk]):
    """(tokenizer, chunk BM25, whole-form BM25): the dictionary comes from the records."""
    import bm25s

    tokenizer = ChineseTokenizer(domain_terms(records))
    bm25 = bm25s.BM25()
    bm25.index([tokenizer(c.text) for c in chunks], show_progress=False)
    return tokenizer, bm25, _forms_bm25(tokenizer, records)


def record_years(records: list[Declaration]) -> list[int]:
    return sorted({r.year for r in records if r.year})


def corpus_fingerprint(records: list[Declaration]) -> str:
    h = hashlib.sha256()
    for r in records:
        h.update(r.model_dump_json().encode("utf-8"))
    return h.hexdigest()


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("jixiao", "faiss-cpu", "bm25s", "jieba", "sentence-transformers", "torch"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def _faiss_index(vectors: np.ndarray):
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= EXACT_SEARCH_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
    index.add(vectors)
    return index


FAISS_FILE = "faiss.index"


def _write_faiss(index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def _read_faiss(path: Path, vectors: np.ndarray):
    """The saved FAISS index, memory-mapped (an HNSW graph over many vectors is not rebuilt at
    every start); None — rebuild from the vectors — when it is absent (an index saved before it
    was written) or does not hold exactly these vectors."""
    import faiss

    if not path.exists():
        return None
    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:
        try:
            index = faiss.read_index(str(path))
        except RuntimeError:
            raise IndexDamaged(f"索引文件损坏：{path.name} 无法读取。请运行 jixiao build 重建索引。") from None
    if index.ntotal != len(vectors) or index.d != vectors.shape[1]:
        raise IndexDamaged(f"索引文件损坏：{path.name} 有 {index.ntotal} 个向量，应为 {len(vectors)}。请运行 jixiao build 重建索引。")
    return index


class SearchIndex:
    def __init__(
        self,
        records: list[Declaration],
        chunks: list[Chunk],
        vectors: np.ndarray,
        tokenizer: ChineseTokenizer,
        bm25,
        embedder,
        fusion: Fusion | None = None,
        manifest: dict | None = None,
        forms_bm25=None,
        project_fusion: ProjectFusion | None = None,
        faiss_index=None,
    ):
        import faiss

        self.records = records
        self.by_code = {r.code: r for r in records}
        self.by_seq = {r.seq: r for r in records}
        self.chunks = chunks
        self.vectors = vectors
        self.tokenizer = tokenizer
        self.bm25 = bm25
        self.embedder = embedder
        self.fusion = fusion or Fusion()
        self.manifest = manifest or {}
        # one thread: a search over thousands of vectors is quicker than waking OpenMP workers,
        # which spin for a core on a busy machine; concurrency comes from serving requests in parallel
        faiss.omp_set_num_threads(1)
        self.faiss = faiss_index if faiss_index is not None else _faiss_index(vectors)
        self._chunk_seq = np.array([c.seq for c in chunks], dtype=np.int64)
        self._vocab = set(getattr(bm25, "vocab_dict", {}) or {})
        # Project level: position of each chunk's project in self.records, and a BM25 over whole forms.
        position = {r.seq: i for i, r in enumerate(records)}
        self._chunk_project = np.array([position[c.seq] for c in chunks], dtype=np.int64)
        self.project_fusion = project_fusion or ProjectFusion.packaged()
        self.forms_bm25 = forms_bm25 if forms_bm25 is not None else self._build_forms_bm25()
        self._forms_vocab = set(getattr(self.forms_bm25, "vocab_dict", {}) or {})
        # where chunk candidates are scored (index/backends.py): bm25s + FAISS here unless attached elsewhere
        self.backend = EmbeddedBackend(self)

    def _build_forms_bm25(self):
        return _forms_bm25(self.tokenizer, self.records)

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, records: list[Declaration], embedder, progress: bool = False, fusion: Fusion | None = None):
        from concurrent.futures import ThreadPoolExecutor

        chunks = chunk_records(records)
        # BM25 (jieba, pure Python) is built beside the embedding (torch, which releases the GIL in its
        # kernels): on two cores a build costs about its embedding alone — what a library update pays
        with ThreadPoolExecutor(1, thread_name_prefix="jixiao-bm25") as pool:
            sparse = pool.submit(_sparse_indexes, records, chunks)
            # through the passage cache: a library update embeds only the chunks it has not seen
            vectors = encode_passages(embedder, [c.text for c in chunks], progress=progress)
            tokenizer, bm25, forms_bm25 = sparse.result()
        manifest = {
            "format_version": FORMAT_VERSION,
            "corpus_sha256": corpus_fingerprint(records),
            "years": record_years(records),
            "model_id": embedder.model_id,
            "dim": int(vectors.shape[1]),
            "n_records": len(records),
            "n_chunks": len(chunks),
            "versions": _versions(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        return cls(records, chunks, vectors, tokenizer, bm25, embedder, fusion, manifest, forms_bm25)

    # ------------------------------------------------------------ persistence

    @property
    def years(self) -> list[int]:
        """The years the indexed forms are of (from the forms), for refusing questions about others."""
        return record_years(self.records)

    def save(self, directory: Path) -> Path:
        """Write atomically: a temp dir renamed into place, so a crash never leaves half an index.

        The manifest, written last, holds each file's size and sha256 and the shapes, so a
        later load can tell a damaged file from a good one."""
        directory = Path(directory)
        staged = self.stage(directory)
        try:
            replace_directory(staged, directory)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        return directory

    def stage(self, directory: Path) -> Path:
        """The complete index written to a temp dir beside directory (returned), not yet in place:
        a library update puts it in place together with its database commit (index/library.py)."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        # the pid in the name lets the next start tell a dead build's leftovers from a live one
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.building-{os.getpid()}-", dir=directory.parent))
        try:
            with open(tmp / "records.jsonl", "w", encoding="utf-8") as fh:
                for r in self.records:
                    fh.write(r.model_dump_json() + "\n")
            with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
                for c in self.chunks:
                    fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            np.save(tmp / "vectors.npy", self.vectors)
            _write_faiss(self.faiss, tmp / FAISS_FILE)
            (tmp / "terms.txt").write_text("\n".join(self.tokenizer.terms), encoding="utf-8")
            self.bm25.save(str(tmp / "bm25"), show_progress=False)
            self.forms_bm25.save(str(tmp / "forms_bm25"), show_progress=False)
            manifest = dict(
                self.manifest,
                fusion=self.fusion.to_dict(),
                project_fusion=self.project_fusion.to_dict(),
                files=file_table(tmp),
                shapes={"records": len(self.records), "chunks": len(self.chunks),
                        "vectors": [int(n) for n in self.vectors.shape]},
            )
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.manifest = manifest
        return tmp

    @staticmethod
    def read_manifest(directory: Path) -> dict | None:
        path = Path(directory) / "manifest.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @classmethod
    def load(cls, directory: Path, embedder, expect_corpus: str | None = None):
        """Load after cheap checks (sizes, shapes, the hash of the records served as fact).

        Raises IndexMismatch (built from another corpus or model) or IndexDamaged (a file is
        missing, cut or edited); both say what to do, and open_index rebuilds on either."""
        import bm25s

        directory = Path(directory)
        manifest = cls.read_manifest(directory)
        if manifest is None:
            if (directory / "manifest.json").exists():
                raise IndexDamaged(f"{directory / 'manifest.json'} 已损坏，无法读取。请运行 jixiao build 重建索引。")
            raise IndexMismatch(f"{directory} 中没有完整的索引（缺少 manifest.json）。请运行 jixiao build。")
        problems = []
        if manifest.get("format_version") != FORMAT_VERSION:
            problems.append(f"索引格式版本 {manifest.get('format_version')}，当前需要 {FORMAT_VERSION}")
        if manifest.get("model_id") != embedder.model_id:
            problems.append(f"索引用模型 {manifest.get('model_id')} 构建，当前模型是 {embedder.model_id}")
        if expect_corpus and manifest.get("corpus_sha256") != expect_corpus:
            problems.append("语料已改变（内容指纹不同）")
        if problems:
            raise IndexMismatch("；".join(problems) + "。请运行 jixiao build 重建索引。")
        damage = check_files(directory, manifest, full=False)
        if damage:
            raise IndexDamaged(f"索引文件损坏：{damage[0]}。请运行 jixiao build 重建索引。")
        shapes = manifest["shapes"]
        try:
            records = [Declaration.model_validate_json(line) for line in (directory / "records.jsonl").open(encoding="utf-8")]
            chunks = [Chunk(**json.loads(line)) for line in (directory / "chunks.jsonl").open(encoding="utf-8")]
            vectors = np.load(directory / "vectors.npy", allow_pickle=False)
            terms = (directory / "terms.txt").read_text(encoding="utf-8").split("\n")
            bm25 = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
            # Derived from the records alone: an index saved before it existed gets it built here (about a second).
            forms = directory / "forms_bm25"
            forms_bm25 = bm25s.BM25.load(str(forms), show_progress=False) if forms.is_dir() else None
        except Exception as exc:  # any unreadable file is damage, never a traceback for the user
            raise IndexDamaged(f"索引文件无法读取（{type(exc).__name__}）。请运行 jixiao build 重建索引。") from None
        found = {"records": len(records), "chunks": len(chunks), "vectors": list(vectors.shape)}
        for key, expected in shapes.items():
            if found.get(key) != expected:
                raise IndexDamaged(f"索引文件损坏：{key} 应为 {expected}，实际为 {found.get(key)}。请运行 jixiao build 重建索引。")
        n_docs = _bm25_docs(bm25)
        if n_docs is not None and n_docs != len(chunks):
            raise IndexDamaged(f"索引文件损坏：BM25 有 {n_docs} 个片段，应为 {len(chunks)}。请运行 jixiao build 重建索引。")
        if forms_bm25 is not None and (_bm25_docs(forms_bm25) or len(records)) != len(records):
            raise IndexDamaged(f"索引文件损坏：整表 BM25 的表数应为 {len(records)}。请运行 jixiao build 重建索引。")
        if vectors.ndim != 2 or vectors.shape[1] != embedder.dim or vectors.dtype != np.float32:
            raise IndexDamaged(f"索引文件损坏：向量形状 {vectors.shape}、类型 {vectors.dtype} 不对。请运行 jixiao build 重建索引。")
        if corpus_fingerprint(records) != manifest.get("corpus_sha256"):
            # the records are served as fact: they must be the ones the manifest was written for
            raise IndexDamaged("索引中的申报表记录与构建时不同（可能被修改）。请运行 jixiao build 重建索引。")
        # The manifest records the fusion it was built with; queries use the current default.
        tokenizer = ChineseTokenizer([t for t in terms if t])
        return cls(records, chunks, vectors, tokenizer, bm25, embedder, None, manifest, forms_bm25,
                   faiss_index=_read_faiss(directory / FAISS_FILE, vectors))

    # ------------------------------------------------------------ searching

    def _bm25_scores(self, query: str, filters: Filters | None = None, allowed: np.ndarray | None = None) -> np.ndarray:
        return self.backend.bm25_scores(self.tokenizer.query(query), filters, allowed)

    def _dense_scores(self, query: str, allowed: np.ndarray | None, filters: Filters | None = None) -> np.ndarray:
        q = self.embedder.encode_queries([query[:2000]])
        return self.backend.dense_scores(q[0], filters, allowed)

    def chunk_scores(self, query: str, mode: str = "hybrid", filters: Filters | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(candidate chunk ids, their scores) for one query."""
        candidates, scores, _ = self._chunk_scores(query, mode, filters)
        return candidates, scores

    def _chunk_scores(self, query: str, mode: str, filters: Filters | None):
        """(candidate chunk ids, their scores, each list's scores over all chunks)."""
        if mode not in MODES:
            raise SearchError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}。")
        query = (query or "").strip()
        if not query:
            raise SearchError("查询为空。请输入要查找的内容，例如“污水处理运营”。")
        allowed = None
        if filters and filters.active():
            seqs = np.array([r.seq for r in self.records if filters.accepts(r)], dtype=np.int64)
            allowed = np.nonzero(np.isin(self._chunk_seq, seqs))[0]
            if len(allowed) == 0:
                return allowed, np.zeros(0), {}
        candidates = allowed if allowed is not None else np.arange(len(self.chunks))
        scores: dict[str, np.ndarray] = {}
        if mode in ("hybrid", "bm25"):
            scores["bm25"] = self._bm25_scores(query, filters, allowed)
        if mode in ("hybrid", "dense"):
            scores["dense"] = self._dense_scores(query, allowed, filters)
        if mode == "hybrid":
            return candidates, self.fusion.join(scores, candidates), scores
        only = scores[mode][candidates].astype(np.float64)
        return candidates, only, scores

    def _forms_bm25_scores(self, query: str) -> np.ndarray:
        tokens = [t for t in self.tokenizer.query(query) if t in self._forms_vocab]
        if not tokens:
            return np.zeros(len(self.records), dtype=np.float64)
        return np.asarray(self.forms_bm25.get_scores(tokens), dtype=np.float64)

    def project_scores(self, query: str, filters: Filters | None = None,
                       profile: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Hybrid at the project level: (fused score per record, candidate chunk ids, their fused chunk scores).

        Projects are ranked by fusing three rankings of projects (index/data/fusion.json): the best
        per-field chunk (BM25 + dense), BM25 over the whole form, and the sum of the project's best
        chunk BM25 scores; indicator-oriented queries weigh the last one in.
        """
        candidates, chunk_fused, parts = self._chunk_scores(query, "hybrid", filters)
        n = len(self.records)
        if len(candidates) == 0:
            return np.zeros(n), candidates, chunk_fused
        allowed = np.zeros(n, dtype=bool)
        allowed[self._chunk_project[candidates]] = True
        best_chunk = np.zeros(n, dtype=np.float64)
        np.maximum.at(best_chunk, self._chunk_project[candidates], chunk_fused)
        pf = self.project_fusion
        if profile is None:
            profile = pf.profile(query)
        elif profile not in pf.profiles:
            raise ValueError(f"没有检索融合方案“{profile}”。可选：{'、'.join(pf.profiles)}。")
        wanted = {name for name, weight in pf.profiles[profile].items() if weight > 0}
        lists = {"chunks": best_chunk}
        if "form_bm25" in wanted:
            lists["form_bm25"] = self._forms_bm25_scores(query)
        if "chunk_bm25_sum" in wanted:  # computed only when the profile uses it: it costs most at scale
            lists["chunk_bm25_sum"] = pf.aggregate(parts["bm25"][candidates], self._chunk_project[candidates], n)
        return pf.join(lists, allowed, profile), candidates, chunk_fused

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
               profile: str | None = None) -> list[Hit]:
        """``profile`` names a fusion profile of index/data/fusion.json for hybrid search ("known_item":
        the one project a description means); by default it follows from the query."""
        if mode == "hybrid":
            return self._search_projects(query, k, filters, profile)
        candidates, scores = self.chunk_scores(query, mode, filters)
        if len(candidates) == 0:
            return []
        order = np.argsort(-scores, kind="stable")
        best: dict[int, Hit] = {}
        for pos in order:
            score = float(scores[pos])
            if score <= 0:
                break
            chunk = self.chunks[int(candidates[pos])]
            hit = best.get(chunk.seq)
            if hit is None:
                r = self.by_seq[chunk.seq]
                best[chunk.seq] = Hit(r.code, r.name, score, chunk.field, snippet(chunk.text, query), r.seq, [chunk.id])
                if len(best) >= k:
                    break
            else:
                hit.chunk_ids.append(chunk.id)
        return sorted(best.values(), key=lambda h: -h.score)[:k]

    def _search_projects(self, query: str, k: int, filters: Filters | None, profile: str | None = None) -> list[Hit]:
        fused, candidates, chunk_fused = self.project_scores(query, filters, profile)
        ranked = [int(i) for i in np.argsort(-fused, kind="stable")[:k] if fused[i] > 0]
        if not ranked:
            return []
        # each project's chunks, best first: the first one gives the field and snippet shown
        mine = np.isin(self._chunk_project[candidates], ranked)
        ids, scores = candidates[mine], chunk_fused[mine]
        chunks_of: dict[int, list[int]] = {}
        for cid in ids[np.argsort(-scores, kind="stable")]:
            chunks_of.setdefault(int(self._chunk_project[cid]), []).append(int(cid))
        hits = []
        for project in ranked:
            r = self.records[project]
            best = self.chunks[chunks_of[project][0]]
            hits.append(Hit(r.code, r.name, float(fused[project]), best.field, snippet(best.text, query), r.seq, chunks_of[project]))
        return hits


def snippet(text: str, query: str, width: int = _SNIPPET) -> str:
    """The chunk's text around the first query character it contains."""
    body = text
    if "｜" in body:  # "名称｜字段：正文" — show the text, not the label
        body = body.split("｜", 1)[1]
        head, sep, tail = body.partition("：")
        body = tail if sep and len(head) <= 16 else body
    anchor = next((body.find(ch) for ch in query if "\u4e00" <= ch <= "\u9fff" and ch in body), 0)
    start = max(0, anchor - width // 3)
    end = min(len(body), start + width)
    # never cut a number in two ("8,000,000", "1.5 万"): a snippet's digits must read as the form prints them
    while start > 0 and _inside_number(body, start):
        start -= 1
    while end < len(body) and _inside_number(body, end):
        end += 1
    if end < len(body) and re.search(r"\d\s?$", body[:end]) and (unit := re.match(r"\s?[万亿]", body[end:])):
        end += unit.end()  # "800 万" is not "800"
    return ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")


def _inside_number(body: str, i: int) -> bool:
    """Is the boundary before body[i] inside a number (digits, and the , or . between them)?"""
    left, right = body[i - 1], body[i]
    if left.isdigit() and right.isdigit():
        return True
    if left.isdigit() and right in ",." and i + 1 < len(body) and body[i + 1].isdigit():
        return True
    return left in ",." and right.isdigit() and i >= 2 and body[i - 2].isdigit()
