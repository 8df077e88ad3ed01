"""The Milvus backend: the same chunk candidates as bm25s + FAISS, scored by Milvus.

One collection holds every chunk with its project's metadata as scalar fields (for filter
expressions), its dense vector (the very vectors the index computed — never embedded again) and its
BM25 weights as a sparse vector. The weights are bm25s' own per-(chunk, term) BM25 values (lucene
IDF, k1 = 1.5, b = 0.75, over the same jieba tokens); a query becomes its term counts, so the
inner product Milvus computes is exactly the BM25 score bm25s computes. (Milvus' built-in BM25
function is not used: its analyzer is not our jieba with the corpus dictionary, and Milvus Lite's
IDF is per segment.)

The collection's ``jixiao.manifest`` property (and its schema description) records the corpus
fingerprint, model and a hash of the vectors and BM25 weights; a collection that does not match the
index is rebuilt, or refused when rebuilding is not allowed. A build writes a side collection and
renames it into place, so a crash never leaves half a collection under the served name.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from dataclasses import fields as dataclass_fields
from pathlib import Path

import numpy as np

from index.backends import DENSE_CANDIDATES
from index.filters import Filters
from index.search import EXACT_SEARCH_LIMIT, IndexMismatch, SearchError, corpus_fingerprint
from index.store import IndexUnavailable

FORMAT = 2  # 2: the budget year as a scalar field
DEFAULT_COLLECTION = "jixiao_chunks"
MANIFEST_PROPERTY = "jixiao.manifest"
MAX_TOPK = 16384  # Milvus' limit on results per search (quotaAndLimits topK)
INSERT_BATCH = 500
TIMEOUT = 10.0  # seconds for connecting and for each call
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
_INSTALL = "pip install 'jixiao[milvus]'（即 pymilvus 与 milvus-lite）"


class MilvusUnavailable(IndexUnavailable):
    """Milvus cannot be reached or used as configured; the message says what, where and what to do."""


class MilvusSearchFailed(SearchError, MilvusUnavailable):
    """A search call failed mid-session (the server went away): a search error where searches are
    reported (jixiao search, the page's /search), and an unavailable index elsewhere (jixiao ask)."""


# ---------------------------------------------------------------- connecting


def _pymilvus():
    try:
        import pymilvus
    except ImportError:
        raise MilvusUnavailable(f"使用 Milvus 检索后端需要安装 pymilvus。请运行 {_INSTALL}，或改用默认后端 --backend faiss。") from None
    return pymilvus


def uri_kind(uri: str, source: str) -> str:
    """"lite" for a local .db path (Milvus Lite), "server" for http(s)://host:port."""
    if re.match(r"^(https?|tcp|grpc)://[^/\s:]+(:\d+)?/?$", uri):
        return "server"
    if uri.endswith(".db") and "://" not in uri:
        return "lite"
    raise MilvusUnavailable(
        f"{source} 给出的 Milvus 地址“{uri}”无法识别。请给出以 .db 结尾的本地路径（Milvus Lite，例如 "
        f"/data/jixiao/milvus.db），或 Milvus 服务器地址（例如 http://127.0.0.1:19530）。"
    )


def _check_lite_path(uri: str, source: str) -> None:
    path = Path(uri).expanduser()
    if not path.parent.is_dir():
        raise MilvusUnavailable(f"{source} 给出的 Milvus Lite 路径 {path} 所在的目录 {path.parent} 不存在。请先创建该目录，或换一个路径。")
    if path.exists() and not path.is_dir():
        raise MilvusUnavailable(f"{source} 给出的 {path} 是一个普通文件，不是 Milvus Lite 数据库（Milvus Lite 的 .db 是一个目录）。请换一个路径。")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise MilvusUnavailable(f"{source} 给出的 Milvus Lite 路径 {path} 不可写（没有权限）。请换一个可写的路径。")
    if not _lite_installed():
        raise MilvusUnavailable(f"本地 Milvus Lite（{path}）需要安装 milvus-lite。请运行 {_INSTALL}，或用 http://主机:19530 连接 Milvus 服务器。")


def _lite_installed() -> bool:
    try:
        import milvus_lite  # noqa: F401
    except ImportError:
        return False
    return True


class _Captured(logging.Handler):
    """What pymilvus and Milvus Lite log while connecting: kept for our own message, not printed."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def cause(self) -> BaseException | None:
        for record in self.records:
            if record.exc_info and record.exc_info[1] is not None:
                return record.exc_info[1]
        return None


_LOGGERS = ("pymilvus", "pymilvus.milvus_client", "milvus_lite")


@contextlib.contextmanager
def _quiet():
    """Their loggers print tracebacks for failures we report in one Chinese line: while connecting,
    what they log is kept (for the cause), not printed."""
    handler = _Captured()
    loggers = [logging.getLogger(n) for n in _LOGGERS]
    saved = [(lg.level, lg.propagate, lg.handlers[:]) for lg in loggers]
    for lg in loggers:
        lg.handlers, lg.propagate = [handler], False
        lg.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for lg, (level, propagate, handlers) in zip(loggers, saved):
            lg.setLevel(level)
            lg.propagate, lg.handlers = propagate, handlers


def check_uri(uri: str, source: str) -> str:
    """What can be told without connecting (pymilvus installed, the URI's form, a local path's
    directory): said before the index is loaded. Returns the URI's kind."""
    _pymilvus()
    kind = uri_kind(uri, source)
    if kind == "lite":
        _check_lite_path(uri, source)
    return kind


def connect(uri: str, source: str):
    """A MilvusClient that has answered once, or MilvusUnavailable saying what to do."""
    pymilvus = _pymilvus()
    kind = check_uri(uri, source)
    if kind == "lite":
        uri = str(Path(uri).expanduser().resolve())
    token = os.environ.get("JIXIAO_MILVUS_TOKEN", "")
    with _quiet() as captured:
        try:
            client = pymilvus.MilvusClient(uri=uri, token=token, timeout=TIMEOUT)
            client.list_collections(timeout=TIMEOUT)
        except Exception as exc:  # any failure to reach Milvus becomes one line, never a traceback
            raise MilvusUnavailable(_connect_message(kind, uri, source, exc, captured.cause())) from None
    for name in _LOGGERS:  # from here on every Milvus error is reported by us, in one line
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return client


def _connect_message(kind: str, uri: str, source: str, exc: BaseException, cause: BaseException | None) -> str:
    reason = _reason(cause or exc)
    if kind == "lite":
        if cause is not None and type(cause).__name__ == "DataDirLockedError":
            return (f"Milvus Lite 数据库 {uri}（{source}）正被另一个进程使用：Milvus Lite 同一时间只允许一个进程打开它。"
                    "请先停止那个进程（例如正在运行的 jixiao serve），或让多个进程改连同一个 Milvus 服务器"
                    "（milvus-lite server 或 Milvus Standalone，--milvus-uri http://主机:19530）。")
        return f"无法打开 Milvus Lite 数据库 {uri}（{source}；{reason}）。请检查该路径，或换一个以 .db 结尾的 --milvus-uri。"
    return (f"无法连接 Milvus 服务器 {uri}（{source}；{reason}）。请确认服务器已启动、地址和端口正确（默认端口 19530）、"
            "需要登录时设置 JIXIAO_MILVUS_TOKEN=用户:密码；或改用本地 Milvus Lite（--milvus-uri 某路径.db）或默认后端 --backend faiss。")


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:200]


def collection_name() -> str:
    name = os.environ.get("JIXIAO_MILVUS_COLLECTION", DEFAULT_COLLECTION).strip()
    if not _NAME.match(name):
        raise MilvusUnavailable(f"环境变量 JIXIAO_MILVUS_COLLECTION 的值“{name}”不是合法的 Milvus 集合名。请只用字母、数字和下划线，并以字母或下划线开头。")
    return name


# ---------------------------------------------------------------- what the collection holds


def chunk_term_weights(bm25, n_chunks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """bm25s' BM25 weights per chunk (row-major): (indptr, term ids, weights).

    bm25s keeps them per term (CSC: for each term, the chunks holding it and the term's BM25 value
    in each); a sparse vector needs them per chunk."""
    scores = bm25.scores
    data, docs, indptr = (np.asarray(scores[k]) for k in ("data", "indices", "indptr"))
    terms = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
    order = np.argsort(docs, kind="stable")
    counts = np.bincount(docs, minlength=n_chunks)
    row_ptr = np.concatenate([[0], np.cumsum(counts)])
    return row_ptr, terms[order], data[order].astype(np.float32)


def content_fingerprint(index) -> str:
    """Hash of what the collection must hold: vectors, BM25 weights and vocabulary, chunk ids."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(index.vectors, dtype=np.float32).tobytes())
    for key in ("data", "indices", "indptr"):
        h.update(np.ascontiguousarray(index.bm25.scores[key]).tobytes())
    h.update(json.dumps(index.bm25.vocab_dict, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for c in index.chunks:
        h.update(f"{c.id}\t{c.seq}\t{c.code}\t{c.field}\n".encode("utf-8"))
    return h.hexdigest()


def expected_manifest(index) -> dict:
    params = {k: getattr(index.bm25, k, None) for k in ("k1", "b", "method", "idf_method")}
    return {
        "format": FORMAT,
        "corpus_sha256": index.manifest.get("corpus_sha256") or corpus_fingerprint(index.records),
        "model_id": index.embedder.model_id,
        "dim": int(index.vectors.shape[1]),
        "n_chunks": len(index.chunks),
        "content_sha256": content_fingerprint(index),
        "bm25": params,
    }


def _blank_fields(record) -> list[str]:
    return [k for k, v in record.model_dump().items() if v is None or v == ""]


def _record_fields(r) -> dict:
    """A project's scalar fields, as every one of its chunks carries them (None stored as "")."""
    return {
        "code": r.code, "name": r.name, "name_compact": "".join(r.name.split()),
        "section": r.section or "", "department": r.department or "", "unit": r.unit or "",
        "project_type": r.project_type or "", "category": r.category or "", "contact": r.contact or "",
        "amount": float(r.amount_yuan or 0.0), "start_date": r.start_date or "", "end_date": r.end_date or "",
        "blank_fields": _blank_fields(r), "year": int(r.year or 0),
    }


STRING_FIELDS = ("code", "field", "text", "name", "name_compact", "section", "department", "unit",
                 "project_type", "category", "contact", "start_date", "end_date")


def _schema(pymilvus, dim: int, manifest: str):
    DataType = pymilvus.DataType
    schema = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False, description=manifest)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("seq", DataType.INT64)
    for name in STRING_FIELDS:
        schema.add_field(name, DataType.VARCHAR, max_length=65535)
    schema.add_field("amount", DataType.DOUBLE)
    schema.add_field("year", DataType.INT64)
    schema.add_field("blank_fields", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=64, max_length=64)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    return schema


def _index_params(client, n_chunks: int):
    params = client.prepare_index_params()
    if n_chunks <= EXACT_SEARCH_LIMIT:  # as the FAISS side: exact up to 200,000 chunks, then HNSW
        params.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
    else:
        params.add_index(field_name="dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 200})
    params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    return params


def _rows(index, start: int, stop: int, weights) -> list[dict]:
    row_ptr, terms, values = weights
    by_seq = {r.seq: r for r in index.records}
    meta: dict[int, dict] = {}
    rows = []
    for c in index.chunks[start:stop]:
        if c.seq not in meta:
            meta[c.seq] = _record_fields(by_seq[c.seq])
        a, b = row_ptr[c.id], row_ptr[c.id + 1]
        rows.append(dict(meta[c.seq], id=c.id, seq=c.seq, field=c.field, text=c.text,
                         dense=index.vectors[c.id].tolist(),
                         sparse={int(t): float(w) for t, w in zip(terms[a:b], values[a:b])}))
    return rows


def read_manifest(client, name: str) -> dict | None:
    """The collection's jixiao.manifest (property, else schema description); None when it has none."""
    info = client.describe_collection(name, timeout=TIMEOUT)
    for text in ((info.get("properties") or {}).get(MANIFEST_PROPERTY), info.get("description")):
        try:
            data = json.loads(text) if text else None
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("format") is not None:
            return data
    return None


def manifest_problems(found: dict, expected: dict, rows: int | None) -> list[str]:
    problems = []
    if found.get("format") != expected["format"]:
        problems.append(f"集合格式版本 {found.get('format')}，当前需要 {expected['format']}")
    if found.get("model_id") != expected["model_id"]:
        problems.append(f"集合用模型 {found.get('model_id')} 构建，当前模型是 {expected['model_id']}")
    if found.get("corpus_sha256") != expected["corpus_sha256"]:
        problems.append("集合中的语料与当前语料不同（内容指纹不同）")
    elif found.get("content_sha256") != expected["content_sha256"] or found.get("dim") != expected["dim"]:
        problems.append("集合中的片段、向量或 BM25 权重与本地索引不同")
    if not problems and rows is not None and rows != expected["n_chunks"]:
        problems.append(f"集合有 {rows} 行，应为 {expected['n_chunks']} 行")
    return problems


def build_collection(client, name: str, index, log=lambda msg: None, manifest: dict | None = None) -> None:
    """Write the index's chunks into a side collection, then rename it to `name` (replacing it)."""
    pymilvus = _pymilvus()
    manifest = dict(manifest or expected_manifest(index), built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    text = json.dumps(manifest, ensure_ascii=False)
    staging = f"{name}__building"
    if client.has_collection(staging, timeout=TIMEOUT):
        client.drop_collection(staging, timeout=TIMEOUT)
    client.create_collection(staging, schema=_schema(pymilvus, int(index.vectors.shape[1]), text),
                             index_params=_index_params(client, len(index.chunks)), consistency_level="Strong",
                             properties={MANIFEST_PROPERTY: text}, timeout=TIMEOUT)
    weights = chunk_term_weights(index.bm25, len(index.chunks))
    step = max(INSERT_BATCH, len(index.chunks) // 10 // INSERT_BATCH * INSERT_BATCH)
    for start in range(0, len(index.chunks), INSERT_BATCH):
        client.insert(staging, _rows(index, start, start + INSERT_BATCH, weights))
        if len(index.chunks) > 20 * INSERT_BATCH and (start + INSERT_BATCH) % step == 0:
            log(f"已写入 {min(start + INSERT_BATCH, len(index.chunks))}/{len(index.chunks)} 个片段……")
    client.flush(staging)
    if client.has_collection(name, timeout=TIMEOUT):
        client.drop_collection(name, timeout=TIMEOUT)
    client.rename_collection(staging, name, timeout=TIMEOUT)
    client.load_collection(name)


def _row_count(client, name: str) -> int | None:
    try:
        return int(client.get_collection_stats(name, timeout=TIMEOUT).get("row_count"))
    except (TypeError, ValueError):
        return None


def open_milvus(index, uri: str, source: str, rebuild: bool | None = None, log=lambda msg: None) -> MilvusBackend:
    """The Milvus backend for `index`: the collection checked against it, written from it when
    missing or different (rebuild None), always (True), or refused with IndexMismatch (False)."""
    client = connect(uri, source)
    name = collection_name()
    expected = expected_manifest(index)
    try:
        problems = _collection_problems(client, name, expected)
        if rebuild is True:
            problems = problems or ["按要求重建"]
        if problems:
            if rebuild is False:
                raise IndexMismatch(f"Milvus 集合 {name}（{uri}）：{'；'.join(problems)}。请运行 jixiao build --backend milvus 重建。")
            log(f"Milvus 集合 {name}（{uri}）：{'；'.join(problems)}；正在写入 {len(index.chunks)} 个片段……")
            start = time.perf_counter()
            build_collection(client, name, index, log, expected)
            log(f"Milvus 集合 {name} 已写入（{time.perf_counter() - start:.1f} 秒）。")
        else:
            client.load_collection(name)
    except (IndexMismatch, MilvusUnavailable):
        raise
    except Exception as exc:  # a Milvus call failed: one line saying where, never a traceback
        raise MilvusUnavailable(f"Milvus（{uri}）操作集合 {name} 失败：{_reason(exc)}。请检查 Milvus 服务器的日志和磁盘空间，"
                                "或运行 jixiao build --backend milvus 重建集合。") from None
    return MilvusBackend(client, name, index, uri)


def _collection_problems(client, name: str, expected: dict) -> list[str]:
    if not client.has_collection(name, timeout=TIMEOUT):
        return ["还没有这个集合"]
    found = read_manifest(client, name)
    if found is None:
        raise MilvusUnavailable(f"Milvus 中已有集合 {name}，但它不是 jixiao 建立的（没有 {MANIFEST_PROPERTY} 记录），为免误删，不会覆盖。"
                                "请用环境变量 JIXIAO_MILVUS_COLLECTION 换一个集合名，或确认后手动删除该集合。")
    return manifest_problems(found, expected, _row_count(client, name))


# ---------------------------------------------------------------- filters as Milvus expressions


def _literal(value: str) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _contains(field: str, value: str) -> str:
    return f"{field} like {_literal('%' + value + '%')}"


def _date(field: str, op: str, value: str) -> str:
    return f'({field} != "" and {field} {op} {_literal(value)})'


_EXPRESSIONS = {
    "section": lambda f, v: _contains("section", v),
    "department": lambda f, v: f"({_contains('department', v)} or {_contains('unit', v)})",
    "project_type": lambda f, v: _contains("project_type", v),
    "category": lambda f, v: _contains("category", v),
    "min_amount": lambda f, v: f"amount {'>' if f.min_strict else '>='} {float(v)!r}",
    "max_amount": lambda f, v: f"amount {'<' if f.max_strict else '<='} {float(v)!r}",
    "amount": lambda f, v: f"(amount >= {float(v) - 0.5!r} and amount <= {float(v) + 0.5!r})",
    "end_after": lambda f, v: _date("end_date", ">", v),
    "end_before": lambda f, v: _date("end_date", "<", v),
    "end_year": lambda f, v: f"end_date like {_literal(str(v) + '%')}",
    "start_year": lambda f, v: f"start_date like {_literal(str(v) + '%')}",
    "start_before": lambda f, v: _date("start_date", "<", v),
    "end_on": lambda f, v: f"end_date == {_literal(v)}",
    "blank": lambda f, v: f"array_contains(blank_fields, {_literal(v)})",
    "codes": lambda f, v: f"code in [{', '.join(_literal(c) for c in v)}]" if v else "id < 0",
    "contact": lambda f, v: _contains("contact", v),
    "name_contains": lambda f, v: _contains("name_compact", "".join(str(v).split())),
    "year": lambda f, v: f"year == {int(v)}",
}
_MODIFIERS = {"min_strict", "max_strict"}
_WILDCARDS = re.compile(r"[%_]")


def filter_expression(filters: Filters | None) -> tuple[str, bool]:
    """(Milvus boolean expression, exact) for the filters; "" when nothing is filtered.

    Every condition is the one Filters.accepts applies. A LIKE pattern cannot escape % and _ in
    Milvus Lite, so a value holding them matches a superset: exact is then False, and the caller
    widens its limit and keeps only the chunks the filters accept."""
    if filters is None or not filters.active():
        return "", True
    parts, exact = [], True
    for f in dataclass_fields(filters):
        value = getattr(filters, f.name)
        if value is None or f.name in _MODIFIERS:
            continue
        if f.name not in _EXPRESSIONS:
            raise ValueError(f"filter {f.name!r} has no Milvus expression")
        parts.append(_EXPRESSIONS[f.name](filters, value))
        exact &= not (isinstance(value, str) and _WILDCARDS.search(value) and "like" in parts[-1])
    return " and ".join(parts), exact


# ---------------------------------------------------------------- searching


class MilvusBackend:
    """Chunk scores from a Milvus collection; see index/backends.py for the contract."""

    name = "milvus"

    def __init__(self, client, collection: str, index, uri: str):
        self.client, self.collection, self.uri = client, collection, uri
        self.n = len(index.chunks)
        self.vocab = index.bm25.vocab_dict

    def bm25_scores(self, tokens, filters, allowed) -> np.ndarray:
        counts: dict[int, float] = {}
        for t in tokens:  # bm25s counts a repeated query token once per occurrence
            if t in self.vocab:
                counts[int(self.vocab[t])] = counts.get(int(self.vocab[t]), 0.0) + 1.0
        if not counts:
            return np.zeros(self.n, dtype=np.float32)
        expr, exact = filter_expression(filters)
        limit = self._limit(allowed, exact, self.n)
        return self._search("sparse", counts, limit, expr, allowed)

    def dense_scores(self, vector, filters, allowed) -> np.ndarray:
        expr, exact = filter_expression(filters)
        unfiltered = allowed is None or len(allowed) >= self.n
        limit = min(self.n, DENSE_CANDIDATES) if unfiltered else self._limit(allowed, exact, self.n)
        return self._search("dense", np.asarray(vector, dtype=np.float32).tolist(), limit, expr if not unfiltered else "", allowed)

    @staticmethod
    def _limit(allowed, exact: bool, n: int) -> int:
        wanted = n if allowed is None or not exact else len(allowed)
        return max(1, min(wanted, MAX_TOPK))

    def _search(self, field: str, data, limit: int, expr: str, allowed) -> np.ndarray:
        params = {"metric_type": "IP"}
        if field == "dense" and self.n > EXACT_SEARCH_LIMIT:
            params["params"] = {"ef": max(128, limit)}  # HNSW: FAISS' efSearch 128, and Milvus wants ef ≥ limit
        try:
            hits = self.client.search(self.collection, data=[data], anns_field=field, limit=limit, filter=expr,
                                      output_fields=["id"], search_params=params, timeout=TIMEOUT)[0]
        except Exception as exc:  # the server went away mid-session: a search error, not a traceback
            raise MilvusSearchFailed(f"Milvus 检索失败（{self.uri}，集合 {self.collection}：{_reason(exc)}）。"
                              "请确认 Milvus 仍在运行，或改用默认后端 --backend faiss。") from None
        scores = np.zeros(self.n, dtype=np.float32)
        ids = np.asarray(getattr(hits, "ids", None) or [h["id"] for h in hits], dtype=np.int64)
        if len(ids):
            distances = getattr(hits, "distances", None) or [h["distance"] for h in hits]
            scores[ids] = np.asarray(distances, dtype=np.float32)
        if allowed is not None and len(allowed) < self.n:
            keep = np.zeros(self.n, dtype=bool)
            keep[allowed] = True
            scores[~keep] = 0.0
        return scores
