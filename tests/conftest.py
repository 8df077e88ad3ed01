from __future__ import annotations

import pytest

from corpus import load_corpus


@pytest.fixture(scope="session")
def records():
    return load_corpus()


@pytest.fixture(scope="session")
def by_name(records):
    return {r.name: r for r in records}
