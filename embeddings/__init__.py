"""Embeddings layer: sentence-transformers models, loaded offline from local directories."""

from embeddings.home import data_dir
from embeddings.model import DEFAULT_MODEL, Embedder, resolve_model

__all__ = ["DEFAULT_MODEL", "Embedder", "data_dir", "resolve_model"]
