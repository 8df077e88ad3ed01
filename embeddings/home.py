"""Where built artefacts live: the converted model and the index. Never in the repo."""

from __future__ import annotations

import os
import shutil
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


def replace_directory(staged: Path, target: Path) -> None:
    """Put a fully built directory in place of target: the old one is moved aside first and
    removed only after the rename, so readers never see a missing or half-written directory."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


PAUSE_VARIABLE = "JIXIAO_TEST_PAUSE_AT"


def pause_point(stage: str) -> None:
    """A named point of a library update, for the test that kills the process there with SIGKILL.

    When $JIXIAO_TEST_PAUSE_AT names this stage, say so on stderr and wait to be killed; otherwise
    nothing. Never set outside tests."""
    if os.environ.get(PAUSE_VARIABLE) != stage:
        return
    import sys
    import time

    print(f"PAUSED {stage}", file=sys.stderr, flush=True)
    time.sleep(600)
