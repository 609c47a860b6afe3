"""Fixtures for the tests, which run against a live stack (`mediamon up`),
configured like the CLI: MEDIAMON_TOKEN or MEDIAMON_HOME, MEDIAMON_*_URL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import mediamon

CORPUS = Path(__file__).resolve().parents[3] / "demo" / "corpus"


@pytest.fixture(scope="session")
def client() -> Iterator[mediamon.Client]:
    with mediamon.Client.from_env() as client:
        yield client


@pytest.fixture(scope="session")
def demo(client: mediamon.Client) -> None:
    """The demo corpus is in and resolved (duplicates if the example ran first)."""
    files = sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.html"))
    batch = client.ingest_batch(mediamon.article_from_file(f) for f in files)
    assert batch.failed == 0, batch
    client.wait_resolved(r.article.article_id for r in batch.results)


@pytest.fixture
def marker() -> str:
    """A word no other article contains, to find this test's articles."""
    return "kestrel" + uuid.uuid4().hex[:10]
