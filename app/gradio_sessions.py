"""Cheaper new sessions for Gradio: every HTTP API call (/ask, /search, /suggest) is one.

Gradio's SessionState builds the configuration of every component on the page when a session
starts (84 here), which it needs only to restore a deep link. Profiled under a burst of 200
/search calls, that was about 85% of the server's CPU, against 10% for the searches themselves.
Here each component's configuration is built when it is first read, which gives the same values.

This replaces one constructor of the installed Gradio, so it is applied only when that
constructor is the one it was written against (checked by its source); otherwise Gradio is left
as it is, and only slower.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
from copy import copy

# sha256 of gradio.state_holder.SessionState.__init__'s source in the Gradio releases this mirrors
_KNOWN_INIT = {"1b2ea21dc42c45dafb54280eccd932efe6851230b7f896ddbfd4cf593bc0d06b"}  # Gradio 6.31.0
_log = logging.getLogger(__name__)


class LazyConfigValues(dict):
    """A session's config_values, each block's built on first read, in the blocks' order."""

    def __init__(self, build, keys):
        super().__init__()
        self._build = build
        self._order = list(keys)
        self._pending = set(self._order)

    def _fill(self, key) -> None:
        if key in self._pending:
            self._pending.discard(key)
            dict.__setitem__(self, key, self._build(key))

    def _fill_all(self) -> None:
        if self._pending:
            built = {k: (dict.__getitem__(self, k) if dict.__contains__(self, k) else self._build(k))
                     for k in self._order if k in self._pending or dict.__contains__(self, k)}
            extra = {k: v for k, v in dict.items(self) if k not in built}
            self._pending.clear()
            dict.clear(self)
            dict.update(self, built)
            dict.update(self, extra)

    def __missing__(self, key):
        self._fill(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self._pending

    def __setitem__(self, key, value) -> None:
        self._pending.discard(key)
        dict.__setitem__(self, key, value)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __iter__(self):
        self._fill_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._pending)

    def keys(self):
        self._fill_all()
        return dict.keys(self)

    def values(self):
        self._fill_all()
        return dict.values(self)

    def items(self):
        self._fill_all()
        return dict.items(self)


def source_fingerprint(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def install() -> bool:
    """Make new Gradio sessions build component configurations lazily; False when this Gradio's
    SessionState is not the one this was written for (then nothing changes)."""
    from gradio import state_holder

    original = state_holder.SessionState
    if getattr(original, "_jixiao_lazy", False):
        return True
    try:
        fingerprint = source_fingerprint(original.__init__)
    except (OSError, TypeError):
        fingerprint = None
    if fingerprint not in _KNOWN_INIT:
        _log.info("Gradio's SessionState differs from the one expected; sessions stay as Gradio builds them.")
        return False

    def __init__(self, blocks):
        # Gradio's constructor line by line (its source is checked above), with config_values lazy
        self.blocks_config = copy(blocks.default_config)
        config = self.blocks_config
        keys = [k for k in config.blocks if k in blocks.blocks]
        self.config_values = LazyConfigValues(lambda k: config.config_for_block(k, [], config.blocks[k]), keys)
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600

    original.__init__ = __init__
    original._jixiao_lazy = True
    return True

