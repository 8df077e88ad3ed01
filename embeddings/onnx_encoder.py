"""The query side of the embedding model as ONNX, run with onnxruntime.

A search needs one short query vector; importing torch and sentence-transformers for it costs a
cold `jixiao search` about eight seconds and a gigabyte. The same transformer exported to ONNX
(weights in an external file that onnxruntime maps instead of copying) loads in under a second
and gives the same vectors: the export is checked against sentence-transformers on sample texts
and kept only when every cosine is at least MIN_COSINE. Passages are still encoded by
sentence-transformers at build time; when no checked export exists, queries go that way too.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np

from embeddings.home import replace_directory

ONNX_DIRNAME = "onnx"
INFO_FILE = "jixiao-onnx.json"
MIN_COSINE = 0.9999
_CHECK_TEXTS = (
    "东昌湖景区维护的经费",
    "给残疾人办就业培训的那个项目是谁负责的",
    "科室里预算最高的几个项目",
    "生活垃圾焚烧处理补贴每吨多少元，污水处理厂出水水质达标率年度目标",
    "a",
    "项目支出绩效目标申报表 " * 60,  # longer than the model's window: truncation must agree
)


def available(model_path: Path) -> bool:
    """A checked export exists and onnxruntime is installed (found without importing it)."""
    folder = model_path / ONNX_DIRNAME
    return (folder / INFO_FILE).exists() and (folder / "model.onnx").exists() and _has("onnxruntime")


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def export(st, model_path: Path, query_prompt: str | None, log) -> bool:
    """Export a loaded SentenceTransformer's transformer next to it and check it; False (and the
    torch path stays) when onnx/onnxruntime are missing, the model is not a plain encoder, or the
    vectors differ."""
    if not (_has("onnx") and _has("onnxruntime")):
        return False
    staged = Path(tempfile.mkdtemp(dir=model_path, prefix=f".{ONNX_DIRNAME}-"))
    try:
        _write_onnx(st, staged)
        encoder = OnnxQueryEncoder(staged, threads=1, max_length=int(st.max_seq_length))
        ours = encoder.encode(list(_CHECK_TEXTS), query_prompt)
        theirs = st.encode(list(_CHECK_TEXTS), prompt=query_prompt, normalize_embeddings=True, convert_to_numpy=True)
        cosine = float((ours * theirs).sum(axis=1).min())
        if cosine < MIN_COSINE:
            log(f"ONNX 查询编码器与原模型的向量不一致（最小余弦 {cosine:.6f}），继续使用 sentence-transformers。")
            return False
        info = {"min_cosine": cosine, "max_seq_length": int(st.max_seq_length), "checked_texts": len(_CHECK_TEXTS)}
        (staged / INFO_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
        for path in staged.iterdir():
            path.chmod(0o644)
        staged.chmod(0o755)
        replace_directory(staged, model_path / ONNX_DIRNAME)
        return True
    except Exception as exc:  # any export failure leaves the working torch path, said once
        log(f"未能生成 ONNX 查询编码器（{type(exc).__name__}: {exc}），继续使用 sentence-transformers。")
        return False
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _write_onnx(st, folder: Path) -> None:
    import onnx
    import torch

    transformer = st[0]
    model = getattr(transformer, "auto_model", None) or transformer.model
    model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = st.tokenizer(["query: 示例"], return_tensors="pt")
    single = folder / "single.onnx"
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on attention masks, not for users
        torch.onnx.export(
            LastHiddenState(model), (sample["input_ids"], sample["attention_mask"]), str(single),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=17, dynamo=False,
        )
    # weights in a file of their own: onnxruntime maps it instead of copying it into the heap
    proto = onnx.load(str(single))
    onnx.save_model(proto, str(folder / "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx.data", size_threshold=1024)
    single.unlink()
    st.tokenizer.save_pretrained(str(folder / "tokenizer"))
    shutil.move(str(folder / "tokenizer" / "tokenizer.json"), folder / "tokenizer.json")
    shutil.rmtree(folder / "tokenizer")


class OnnxQueryEncoder:
    """Mean-pooled, L2-normalised vectors from the exported transformer (what the model's
    Pooling and Normalize modules do)."""

    def __init__(self, folder: Path, threads: int = 1, max_length: int | None = None):
        self.folder = folder
        self._threads = threads
        self._max_length = max_length
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self):
        if self._session is None:
            with self._lock:
                if self._session is None:
                    import onnxruntime as ort
                    from tokenizers import Tokenizer

                    length = self._max_length
                    if length is None:
                        length = json.loads((self.folder / INFO_FILE).read_text(encoding="utf-8"))["max_seq_length"]
                    tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                    tokenizer.enable_truncation(length)
                    tokenizer.no_padding()
                    options = ort.SessionOptions()
                    options.intra_op_num_threads = self._threads
                    options.inter_op_num_threads = 1
                    # waiting threads sleep instead of spinning for a core the web server needs
                    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                    options.log_severity_level = 3
                    self._tokenizer = tokenizer
                    self._session = ort.InferenceSession(str(self.folder / "model.onnx"), options,
                                                         providers=["CPUExecutionProvider"])
        return self._session, self._tokenizer

    def encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch([(prompt or "") + t for t in texts])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors, dtype=np.float32)
