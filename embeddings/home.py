"""Where built artefacts live: the converted model and the index. Never in the repo."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """--data-dir, else $JIXIAO_HOME, else the user's cache directory."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("JIXIAO_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("jixiao"))
