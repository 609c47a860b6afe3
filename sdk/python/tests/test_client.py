"""The Python SDK against a live stack: real answers, not mocks."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest

import mediamon
from mediamon.client import DEFAULT_QUERY_URL
from mediamon.v1 import ingest_pb2


def story(marker: str, round_: int = 1) -> str:
    """A short article of our own that names Amir Khan Muttaqi; rounds differ
    in their text, so they are not exact duplicates of each other."""
    return (
        f"Muttaqi discusses customs plan with traders, round {round_}\n\n"
        f"KABUL (SDK Test Wire) — The Taliban's acting foreign minister, Amir Khan Muttaqi, "
        f"met a delegation of traders in Kabul for round {round_} of talks on the {marker} "
        f"customs arrangement, officials said. The talks covered tariffs, transit routes "
        f"and the reopening of two border markets.\n\n"
        f"Muttaqi told the traders that another round was planned, according to a "
        f"statement from the ministry, which called the meeting constructive.\n"
    )


def test_an_ingested_article_is_found_by_search(client: mediamon.Client, marker: str) -> None:
    first = client.ingest(mediamon.article(text=story(marker), outlet="SDK Test Wire"))
    assert first.outcome == ingest_pb2.INGEST_OUTCOME_CREATED
    assert first.mention_count > 0
    again = client.ingest(mediamon.article(text=story(marker)))
    assert again.outcome == ingest_pb2.INGEST_OUTCOME_DUPLICATE
    assert again.article_id == first.article_id

    client.wait_resolved([first.article_id])
    found = list(client.search_articles(marker))
    assert [a.id for a in found] == [first.article_id]
    summary = mediamon.to_dict(found[0])
    assert summary["title"] == "Muttaqi discusses customs plan with traders, round 1"
    assert summary["metadata"]["outlet"] == "SDK Test Wire"
    assert summary["resolution_state"] == "RESOLUTION_STATE_RESOLVED"
    assert summary["ingest_time"].tzinfo is not None
    assert summary["near_duplicate_of"] is None

    # The minister's mentions are linked to the entity the demo knows him as.
    article = client.get_article(first.article_id)
    linked = {m.text: m.entity_id for m in article.mentions}
    assert linked["Amir Khan Muttaqi"]
    assert client.get_entity(linked["Amir Khan Muttaqi"]).canonical_name in (
        "Amir Khan Muttaqi",
        "Amir Khan Mottaki",
    )
    explained = client.explain_resolution(article.mentions[0].id)
    assert explained.mention.id == article.mentions[0].id
    assert explained.explanation

    # The minister's reported words are his, and listed by speaker.
    said = [q for q in article.quotes if q.text.startswith("another round was planned")]
    assert said and said[0].speaker_entity_id == linked["Amir Khan Muttaqi"]
    listed = client.list_quotes(speaker_entity_id=linked["Amir Khan Muttaqi"])
    assert first.article_id in {item.article.id for item in listed}

    # The meeting it reports is an event with the minister taking part.
    events = list(client.list_events(entity_id=linked["Amir Khan Muttaqi"]))
    reports = [client.get_event(e.id).reports for e in events]
    assert any(r.article.id == first.article_id for rs in reports for r in rs)


def test_an_html_page_is_read_for_its_story_and_metadata(
    client: mediamon.Client, marker: str, tmp_path: Path
) -> None:
    body = story(marker).split("\n\n", 1)[1].replace("\n\n", "</p><p>")
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>Muttaqi discusses customs plan | SDK Test Pages</title>"
        '<meta property="og:site_name" content="SDK Test Pages">'
        '<meta property="article:published_time" content="2024-05-06T08:00:00Z">'
        '</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>Muttaqi discusses customs plan</h1><p>{body}</p></article>"
        "<footer>SDK Test Pages</footer></body></html>",
        encoding="utf-8",
    )
    request = mediamon.article_from_file(page)
    assert request.WhichOneof("content") == "html"
    stored = client.ingest(request)
    client.wait_resolved([stored.article_id])

    summary = mediamon.to_dict(client.get_article(stored.article_id).summary)
    assert summary["title"] == "Muttaqi discusses customs plan"
    assert summary["metadata"]["outlet"] == "SDK Test Pages"
    assert summary["metadata"]["publish_time"] == datetime(2024, 5, 6, 8, tzinfo=UTC)
    assert summary["metadata"]["publish_time_source"] == "PUBLISH_TIME_SOURCE_META"


@pytest.mark.usefixtures("demo")
def test_entity_profiles_have_the_aliases_of_their_spellings(client: mediamon.Client) -> None:
    son = client.entity_profile("Ahmad Massoud").entity
    assert {"Ahmad Massoud", "Ahmed Masood"} <= set(son.aliases)
    # The father is another person.
    assert not any("Shah" in alias for alias in son.aliases)

    profile = client.entity_profile("Mottaki", max_items=2)
    assert {"Amir Khan Mottaki", "Amir Khan Muttaqi"} <= set(profile.entity.aliases)
    assert len(profile.recent_mentions) == 2
    assert profile.co_mentions

    plain = mediamon.to_dict(profile)
    assert plain["entity"]["type"] == "ENTITY_TYPE_PERSON"
    assert isinstance(plain["entity"]["mention_count"], int)
    assert plain["entity"]["mention_count"] >= 6
    assert plain["entity"]["create_time"] <= datetime.now(UTC)


@pytest.mark.usefixtures("demo")
def test_timelines_and_graphs_count_an_entitys_mentions(client: mediamon.Client) -> None:
    entity = client.entity_profile("Mottaki").entity
    (timeline,) = client.mention_timeline(
        [entity.id],
        since=datetime(2020, 1, 1, tzinfo=UTC),
        before=datetime(2030, 1, 1, tzinfo=UTC),
        bucket="month",
        time_zone="Asia/Kabul",
    )
    # In Kabul the range ends at 04:30 on 1 January 2030: that month counts too.
    assert len(timeline.buckets) == 121
    assert sum(b.mention_count for b in timeline.buckets) == entity.mention_count
    with pytest.raises(ValueError):
        client.mention_timeline([entity.id], since=datetime.now(UTC), before=datetime.now(UTC), bucket="year")

    graph = client.co_mentions([entity.id], max_nodes=5)
    assert graph.nodes[0].center and graph.nodes[0].entity.id == entity.id
    assert 1 < len(graph.nodes) <= 5
    assert graph.edges


@pytest.mark.usefixtures("demo")
def test_an_export_streams_what_a_search_pages_through(client: mediamon.Client) -> None:
    searched = [a.id for a in client.search_articles(text="Taliban", page_size=3)]
    exported = list(client.export_articles(text="Taliban", include_mentions=True))
    assert [a.summary.id for a in exported] == searched
    assert all(a.body and a.mentions for a in exported)


@pytest.mark.usefixtures("demo")
def test_paging_follows_page_tokens(client: mediamon.Client) -> None:
    page = client.search_articles_page(entity_name="Mottaki", page_size=2)
    assert len(page.articles) == 2
    assert page.next_page_token
    assert page.matched_entities[0].entity.canonical_name in (
        "Amir Khan Mottaki",
        "Amir Khan Muttaqi",
    )

    paged = [a.id for a in client.search_articles(entity_name="Mottaki", page_size=2)]
    at_once = client.search_articles_page(entity_name="Mottaki", page_size=100)
    assert not at_once.next_page_token
    # Six demo articles name him (more when other tests added theirs).
    assert len(paged) >= 6
    assert len(set(paged)) == len(paged)
    assert set(paged) == {a.id for a in at_once.articles}

    matches = list(client.search_entities("Mujahid", page_size=1))
    assert matches[0].entity.canonical_name in ("Zabihullah Mujahid", "Zabiullah Mujahid")


def test_time_ranges_are_datetimes(client: mediamon.Client, marker: str) -> None:
    dates = [
        datetime(2020, 1, 1, tzinfo=UTC),
        datetime(2020, 6, 1, tzinfo=UTC),
        datetime(2021, 1, 1, tzinfo=UTC),
    ]
    ids = [
        client.ingest(mediamon.article(text=story(marker, n), published=d)).article_id
        for n, d in enumerate(dates, start=1)
    ]
    client.wait_resolved(ids)

    def found(since: datetime | None, before: datetime | None) -> list[str]:
        return [a.id for a in client.search_articles(marker, since=since, before=before)]

    # Newest first; since is inclusive, before exclusive.
    assert found(None, None) == ids[::-1]
    assert found(datetime(2020, 3, 1, tzinfo=UTC), dates[2]) == [ids[1]]
    assert found(dates[1], None) == [ids[2], ids[1]]
    assert found(None, dates[1]) == [ids[0]]
    assert client.get_article(ids[1]).summary.metadata.publish_time.ToDatetime(UTC) == dates[1]
    with pytest.raises(ValueError, match="time zone"):
        found(datetime(2020, 1, 1), None)


def test_a_batch_reports_each_item(client: mediamon.Client, marker: str) -> None:
    batch = client.ingest_batch([mediamon.article(text=story(marker)), mediamon.article(text="")])
    assert (batch.created, batch.duplicates, batch.failed) == (1, 0, 1)
    assert batch.results[0].WhichOneof("result") == "article"
    error = batch.results[1].error
    # Item errors carry the numeric gRPC code: 3 is INVALID_ARGUMENT.
    assert (batch.results[1].index, error.code, error.field) == (1, 3, "text")


def test_a_bad_request_is_invalid_argument_with_the_field(client: mediamon.Client) -> None:
    with pytest.raises(mediamon.InvalidArgument) as bad_id:
        client.get_article("not-an-id")
    assert bad_id.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in bad_id.value.field_violations] == ["article_id"]
    assert str(bad_id.value).startswith("INVALID_ARGUMENT: ")

    with pytest.raises(mediamon.InvalidArgument) as bad_token:
        client.search_articles_page("Kabul", page_token="not-a-token")
    assert [v.field for v in bad_token.value.field_violations] == ["page_token"]

    with pytest.raises(mediamon.InvalidArgument) as empty:
        client.ingest(mediamon.article(text=""))
    assert [v.field for v in empty.value.field_violations] == ["text"]


def test_unknown_things_are_not_found(client: mediamon.Client) -> None:
    with pytest.raises(mediamon.NotFound) as missing:
        client.entity_profile("Zzyzx Qwertyuiop")
    assert missing.value.code == grpc.StatusCode.NOT_FOUND
    assert "Zzyzx Qwertyuiop" in missing.value.message


def test_a_missing_or_unknown_token_is_unauthenticated() -> None:
    query_url = os.environ.get("MEDIAMON_QUERY_URL", DEFAULT_QUERY_URL)
    for token in (None, "mm_not_a_key"):
        with mediamon.Client(token, query_url=query_url) as anonymous:
            with pytest.raises(mediamon.Unauthenticated) as denied:
                anonymous.search_articles_page("Kabul")
            assert denied.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_curation_is_audited(client: mediamon.Client, marker: str) -> None:
    entity = client.entity_profile("Hakan Fidan").entity
    alias = f"Hakan Fidan {marker}"
    added = client.add_alias(entity.id, alias, reason="SDK test: add")
    assert alias in added.aliases
    with pytest.raises(mediamon.AlreadyExists):
        client.add_alias(entity.id, alias, reason="SDK test: again")
    removed = client.remove_alias(entity.id, alias, reason="SDK test: remove")
    assert alias not in removed.aliases

    log = list(client.curation_log(entity_id=entity.id, page_size=1))
    assert [(e.action, e.reason) for e in log[:2]] == [
        ("remove_alias", "SDK test: remove"),
        ("add_alias", "SDK test: add"),
    ]
    assert log[0].actor == "dev"


def test_feeds_are_registered_listed_and_removed(client: mediamon.Client, marker: str) -> None:
    # Loopback is refused (an internal address), and a name under .invalid
    # (RFC 6761) never resolves: polls fail at once, nothing is fetched.
    url = f"http://{marker}.invalid/feed.xml"
    feed = client.register_feed(url, poll_interval_seconds=3600)
    assert (feed.url, feed.poll_interval_seconds) == (url, 3600)
    assert feed.id in [f.id for f in client.list_feeds()]
    with pytest.raises(mediamon.AlreadyExists):
        client.register_feed(url)
    client.remove_feed(feed.id)
    with pytest.raises(mediamon.NotFound):
        client.remove_feed(feed.id)
