from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus import load_corpus


def copy_data_home(home: Path, target: Path) -> Path:
    """A data directory with the session's index (copied) and model (symlinked, read-only); no library."""
    import shutil

    shutil.copytree(home / "index", target / "index")
    (target / "models").mkdir()
    for model in (home / "models").iterdir():
        if not model.name.startswith("."):
            (target / "models" / model.name).symlink_to(model)
    return target


@pytest.fixture(scope="session")
def records():
    return load_corpus()


@pytest.fixture(scope="session")
def by_name(records):
    return {r.name: r for r in records}


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """One data directory per test run; $JIXIAO_TEST_HOME reuses a converted model across runs."""
    reuse = os.environ.get("JIXIAO_TEST_HOME")
    return Path(reuse) if reuse else tmp_path_factory.mktemp("jixiao-home")


@pytest.fixture(scope="session")
def embedder(home):
    from embeddings import Embedder

    return Embedder(home=home)


@pytest.fixture(scope="session")
def index(home, embedder):
    """The index on the bundled corpus, built once per test run."""
    from index.store import open_index

    return open_index(home=home, embedder=embedder, progress=False)
