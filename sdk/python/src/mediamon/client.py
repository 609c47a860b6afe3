"""The client: one object for the three services, configured once."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar
from urllib.parse import urlsplit

import grpc
from google.protobuf.message import Message

from mediamon.convert import time_range
from mediamon.errors import error_from_rpc
from mediamon.v1 import (
    common_pb2,
    ingest_pb2,
    ingest_pb2_grpc,
    query_pb2,
    query_pb2_grpc,
    resolution_pb2,
    resolution_pb2_grpc,
)

_Request = TypeVar("_Request", bound=Message)
_Response = TypeVar("_Response", bound=Message)
_Item = TypeVar("_Item")

# The addresses `mediamon up` serves on.
DEFAULT_INGEST_URL = "http://127.0.0.1:50051"
DEFAULT_RESOLVER_URL = "http://127.0.0.1:50052"
DEFAULT_QUERY_URL = "http://127.0.0.1:50053"


class Client:
    """A client of a mediamon stack: ingest, resolver and query.

    The API key (sent as ``authorization: Bearer TOKEN``), TLS and the
    deadline of every call (``timeout``, in seconds) are set here once.
    ``http://`` URLs are plaintext; ``https://`` URLs use TLS, verified
    against ``ca`` (PEM bytes) when given, else the system's roots. Every
    failed call raises a :class:`mediamon.MediamonError` subclass named after
    its status. Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        token: str | None,
        *,
        ingest_url: str = DEFAULT_INGEST_URL,
        query_url: str = DEFAULT_QUERY_URL,
        resolver_url: str = DEFAULT_RESOLVER_URL,
        ca: bytes | None = None,
        timeout: float = 30.0,
    ) -> None:
        # No token sends no authorization header (the services then answer
        # UNAUTHENTICATED to everything but health checks).
        self._metadata = (("authorization", f"Bearer {token}"),) if token is not None else ()
        self._timeout = timeout
        self._channels = [_channel(url, ca) for url in (ingest_url, query_url, resolver_url)]
        ingest, query, resolver = self._channels
        self._ingest = ingest_pb2_grpc.IngestServiceStub(ingest)
        self._query = query_pb2_grpc.QueryServiceStub(query)
        self._resolver = resolution_pb2_grpc.EntityResolutionServiceStub(resolver)

    @classmethod
    def from_env(cls, *, timeout: float = 30.0) -> Client:
        """A client configured like the ``mediamon`` CLI: MEDIAMON_INGEST_URL,
        MEDIAMON_QUERY_URL, MEDIAMON_RESOLVER_URL (default: `mediamon up`'s
        ports), MEDIAMON_TOKEN (default: the development token that
        `mediamon up` saved in MEDIAMON_HOME, ``.mediamon``) and MEDIAMON_CA
        (a PEM file)."""
        env = os.environ
        token = env.get("MEDIAMON_TOKEN")
        if not token:
            path = Path(env.get("MEDIAMON_HOME", ".mediamon"), "dev-token")
            try:
                token = path.read_text().strip()
            except FileNotFoundError:
                raise ValueError(
                    f"no API token: set MEDIAMON_TOKEN (or run `mediamon up`, which writes {path})"
                ) from None
        ca_path = env.get("MEDIAMON_CA")
        return cls(
            token,
            ingest_url=env.get("MEDIAMON_INGEST_URL", DEFAULT_INGEST_URL),
            query_url=env.get("MEDIAMON_QUERY_URL", DEFAULT_QUERY_URL),
            resolver_url=env.get("MEDIAMON_RESOLVER_URL", DEFAULT_RESOLVER_URL),
            ca=Path(ca_path).read_bytes() if ca_path else None,
            timeout=timeout,
        )

    def close(self) -> None:
        for channel in self._channels:
            channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Ingest (scope `ingest`).

    def ingest(self, article: ingest_pb2.IngestArticleRequest) -> ingest_pb2.IngestArticleResponse:
        """Stores one article (see :func:`mediamon.article`); an exact
        duplicate answers DUPLICATE with the stored article's id."""
        return self._call(self._ingest.IngestArticle, article)

    def ingest_batch(
        self, articles: Iterable[ingest_pb2.IngestArticleRequest]
    ) -> ingest_pb2.IngestBatchResponse:
        """Streams articles in one call; an item that fails does not fail the
        others: its result carries the error."""
        stream = (ingest_pb2.IngestBatchRequest(article=a) for a in articles)
        try:
            return self._ingest.IngestBatch(stream, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc

    def register_feed(self, url: str, *, poll_interval_seconds: int = 0) -> ingest_pb2.Feed:
        """Registers an RSS or Atom feed for the ingest replicas to poll."""
        request = ingest_pb2.RegisterFeedRequest(
            url=url, poll_interval_seconds=poll_interval_seconds
        )
        return self._call(self._ingest.RegisterFeed, request).feed

    def list_feeds(self) -> list[ingest_pb2.Feed]:
        return list(self._call(self._ingest.ListFeeds, ingest_pb2.ListFeedsRequest()).feeds)

    def remove_feed(self, feed_id: str) -> None:
        self._call(self._ingest.RemoveFeed, ingest_pb2.RemoveFeedRequest(feed_id=feed_id))

    # Query (scope `read`).

    def search_articles(
        self,
        text: str = "",
        *,
        entity_name: str = "",
        entity_ids: Sequence[str] = (),
        since: datetime | None = None,
        before: datetime | None = None,
        outlet: str = "",
        page_size: int = 0,
    ) -> Iterator[common_pb2.ArticleSummary]:
        """Every matching article, best (or newest) first, fetching pages of
        ``page_size`` as the iteration goes. ``since`` (inclusive) and
        ``before`` (exclusive) bound the publication time and must be aware
        datetimes."""

        def page(token: str) -> tuple[Sequence[common_pb2.ArticleSummary], str]:
            response = self.search_articles_page(
                text,
                entity_name=entity_name,
                entity_ids=entity_ids,
                since=since,
                before=before,
                outlet=outlet,
                page_size=page_size,
                page_token=token,
            )
            return response.articles, response.next_page_token

        return _follow(page)

    def search_articles_page(
        self,
        text: str = "",
        *,
        entity_name: str = "",
        entity_ids: Sequence[str] = (),
        since: datetime | None = None,
        before: datetime | None = None,
        outlet: str = "",
        page_size: int = 0,
        page_token: str = "",
    ) -> query_pb2.SearchArticlesResponse:
        """One page of :meth:`search_articles`, with the entities that
        ``entity_name`` resolved to and the token of the next page."""
        request = query_pb2.SearchArticlesRequest(
            text=text,
            entity_name=entity_name,
            entity_ids=entity_ids,
            publish_time=time_range(since, before),
            outlet=outlet,
            page_size=page_size,
            page_token=page_token,
        )
        return self._call(self._query.SearchArticles, request)

    def list_quotes(
        self,
        *,
        speaker_entity_id: str = "",
        mentioned_entity_id: str = "",
        since: datetime | None = None,
        before: datetime | None = None,
        page_size: int = 0,
    ) -> Iterator[query_pb2.QuoteInArticle]:
        """Quotations and reported speech with their articles, newest
        article first, fetching pages as the iteration goes: by speaker, by
        an entity the article mentions, by publication time (aware
        datetimes)."""

        def page(token: str) -> tuple[Sequence[query_pb2.QuoteInArticle], str]:
            request = query_pb2.ListQuotesRequest(
                speaker_entity_id=speaker_entity_id,
                mentioned_entity_id=mentioned_entity_id,
                publish_time=time_range(since, before),
                page_size=page_size,
                page_token=token,
            )
            response = self._call(self._query.ListQuotes, request)
            return response.quotes, response.next_page_token

        return _follow(page)

    def list_events(
        self,
        *,
        entity_id: str = "",
        contested_only: bool = False,
        since: datetime | None = None,
        before: datetime | None = None,
        page_size: int = 0,
    ) -> Iterator[common_pb2.Event]:
        """Events (happenings linked across articles), latest reported
        first, fetching pages as the iteration goes: by an entity taking
        part, contested only, by reporting time (aware datetimes)."""

        def page(token: str) -> tuple[Sequence[common_pb2.Event], str]:
            request = query_pb2.ListEventsRequest(
                entity_id=entity_id,
                contested_only=contested_only,
                report_time=time_range(since, before),
                page_size=page_size,
                page_token=token,
            )
            response = self._call(self._query.ListEvents, request)
            return response.events, response.next_page_token

        return _follow(page)

    def get_event(self, event_id: str) -> query_pb2.GetEventResponse:
        """One event with every report: outlet, article, source, stance,
        cue and time."""
        return self._call(self._query.GetEvent, query_pb2.GetEventRequest(event_id=event_id))

    def get_article(self, article_id: str) -> query_pb2.Article:
        """One article with its body, every mention and every quote."""
        request = query_pb2.GetArticleRequest(article_id=article_id)
        return self._call(self._query.GetArticle, request).article

    def entity_profile(
        self, name: str | None = None, *, entity_id: str | None = None, max_items: int = 0
    ) -> query_pb2.GetEntityProfileResponse:
        """An entity's aliases, recent mentions, articles and co-mentioned
        entities, by a typed name (the best match) or by id."""
        if name is not None and entity_id is None:
            request = query_pb2.GetEntityProfileRequest(name=name, max_items=max_items)
        elif entity_id is not None and name is None:
            request = query_pb2.GetEntityProfileRequest(entity_id=entity_id, max_items=max_items)
        else:
            raise ValueError("give exactly one of name and entity_id")
        return self._call(self._query.GetEntityProfile, request)

    def export_articles(
        self,
        *,
        text: str = "",
        entity_ids: Sequence[str] = (),
        since: datetime | None = None,
        before: datetime | None = None,
        outlet: str = "",
        include_body: bool = True,
        include_mentions: bool = False,
    ) -> Iterator[query_pb2.ExportedArticle]:
        """Every article a search matches, streamed in batches (best or
        newest first), however many there are. The call's deadline covers
        the whole stream: give the client a ``timeout`` that fits."""
        request = query_pb2.ExportArticlesRequest(
            text=text,
            entity_ids=list(entity_ids),
            publish_time=time_range(since, before),
            outlet=outlet,
            include_body=include_body,
            include_mentions=include_mentions,
        )
        try:
            batches = self._query.ExportArticles(
                request, timeout=self._timeout, metadata=self._metadata
            )
            for batch in batches:
                yield from batch.articles
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc

    def mention_timeline(
        self,
        entity_ids: Sequence[str],
        *,
        since: datetime,
        before: datetime,
        bucket: str = "day",
        time_zone: str = "",
    ) -> list[query_pb2.EntityTimeline]:
        """Mentions and articles of each entity per ``bucket`` ("hour",
        "day", "week" or "month") of publication time in ``time_zone`` (an
        IANA name; UTC when empty), every bucket of [since, before) present,
        one timeline per entity in the order asked."""
        try:
            width = query_pb2.TimeBucket.Value("TIME_BUCKET_" + bucket.upper())
        except ValueError:
            raise ValueError(f"bucket must be hour, day, week or month, not {bucket!r}") from None
        request = query_pb2.GetMentionTimelineRequest(
            entity_ids=list(entity_ids),
            publish_time=time_range(since, before),
            bucket=width,
            time_zone=time_zone,
        )
        return list(self._call(self._query.GetMentionTimeline, request).timelines)

    def co_mentions(
        self,
        entity_ids: Sequence[str],
        *,
        since: datetime | None = None,
        before: datetime | None = None,
        min_weight: int = 0,
        max_nodes: int = 0,
    ) -> query_pb2.GetCoMentionsResponse:
        """Who appears with these entities: nodes (the entities asked about
        first) and edges weighted by shared articles, at least
        ``min_weight``, at most ``max_nodes`` nodes (default 25)."""
        request = query_pb2.GetCoMentionsRequest(
            entity_ids=list(entity_ids),
            publish_time=time_range(since, before),
            min_weight=min_weight,
            max_nodes=max_nodes,
        )
        return self._call(self._query.GetCoMentions, request)

    def wait_resolved(self, article_ids: Iterable[str], *, timeout: float = 60.0) -> None:
        """Waits until the resolver has linked every mention of these
        articles (ingest returns before that), polling their state."""
        pending = set(article_ids)
        deadline = time.monotonic() + timeout
        while True:
            for article_id in sorted(pending):
                state = self.get_article(article_id).summary.resolution_state
                if state == common_pb2.RESOLUTION_STATE_RESOLVED:
                    pending.discard(article_id)
            if not pending:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{len(pending)} articles still pending after {timeout} s: {sorted(pending)}"
                )
            time.sleep(0.1)

    # Entities (scope `read`).

    def get_entity(self, entity_id: str) -> common_pb2.Entity:
        request = resolution_pb2.GetEntityRequest(entity_id=entity_id)
        return self._call(self._resolver.GetEntity, request).entity

    def search_entities(
        self,
        query: str,
        *,
        entity_type: common_pb2.EntityType.ValueType = common_pb2.ENTITY_TYPE_UNSPECIFIED,
        page_size: int = 0,
    ) -> Iterator[resolution_pb2.EntityMatch]:
        """The entities a typed name may denote, best first, across pages;
        ``entity_type`` (e.g. ``common_pb2.ENTITY_TYPE_PERSON``) restricts them."""

        def page(token: str) -> tuple[Sequence[resolution_pb2.EntityMatch], str]:
            request = resolution_pb2.SearchEntitiesRequest(
                query=query, type=entity_type, page_size=page_size, page_token=token
            )
            response = self._call(self._resolver.SearchEntities, request)
            return response.matches, response.next_page_token

        return _follow(page)

    def explain_resolution(self, mention_id: str) -> resolution_pb2.ExplainResolutionResponse:
        """Why a mention resolved as it did: candidates, features, decision."""
        request = resolution_pb2.ExplainResolutionRequest(mention_id=mention_id)
        return self._call(self._resolver.ExplainResolution, request)

    def review_candidates(self, *, page_size: int = 0) -> Iterator[resolution_pb2.ReviewCandidate]:
        """Mentions the resolver was unsure about, newest first, across pages."""

        def page(token: str) -> tuple[Sequence[resolution_pb2.ReviewCandidate], str]:
            request = resolution_pb2.ListReviewCandidatesRequest(
                page_size=page_size, page_token=token
            )
            response = self._call(self._resolver.ListReviewCandidates, request)
            return response.candidates, response.next_page_token

        return _follow(page)

    # Curation (scope `curate`; every change needs a reason and is audited).

    def curation_log(
        self, *, entity_id: str = "", page_size: int = 0
    ) -> Iterator[resolution_pb2.CurationLogEntry]:
        """The analysts' decisions, newest first, across pages; only those
        that touched ``entity_id`` when given."""

        def page(token: str) -> tuple[Sequence[resolution_pb2.CurationLogEntry], str]:
            request = resolution_pb2.ListCurationLogRequest(
                entity_id=entity_id, page_size=page_size, page_token=token
            )
            response = self._call(self._resolver.ListCurationLog, request)
            return response.entries, response.next_page_token

        return _follow(page)

    def merge_entities(
        self, target_entity_id: str, source_entity_ids: Sequence[str], *, reason: str
    ) -> common_pb2.Entity:
        request = resolution_pb2.MergeEntitiesRequest(
            target_entity_id=target_entity_id, source_entity_ids=source_entity_ids, reason=reason
        )
        return self._call(self._resolver.MergeEntities, request).entity

    def split_entity(
        self,
        entity_id: str,
        *,
        reason: str,
        mention_ids: Sequence[str] = (),
        aliases: Sequence[str] = (),
        new_canonical_name: str = "",
        target_entity_id: str = "",
    ) -> resolution_pb2.SplitEntityResponse:
        """Moves mentions and aliases to a new entity (``new_canonical_name``)
        or to an existing one (``target_entity_id``)."""
        request = resolution_pb2.SplitEntityRequest(
            entity_id=entity_id,
            mention_ids=mention_ids,
            aliases=aliases,
            new_canonical_name=new_canonical_name,
            target_entity_id=target_entity_id,
            reason=reason,
        )
        return self._call(self._resolver.SplitEntity, request)

    def add_alias(self, entity_id: str, alias: str, *, reason: str) -> common_pb2.Entity:
        request = resolution_pb2.AddAliasRequest(entity_id=entity_id, alias=alias, reason=reason)
        return self._call(self._resolver.AddAlias, request).entity

    def remove_alias(self, entity_id: str, alias: str, *, reason: str) -> common_pb2.Entity:
        """Removes a surface form; that name never links to the entity again."""
        request = resolution_pb2.RemoveAliasRequest(entity_id=entity_id, alias=alias, reason=reason)
        return self._call(self._resolver.RemoveAlias, request).entity

    def set_canonical_name(
        self, entity_id: str, canonical_name: str, *, reason: str
    ) -> common_pb2.Entity:
        request = resolution_pb2.SetCanonicalNameRequest(
            entity_id=entity_id, canonical_name=canonical_name, reason=reason
        )
        return self._call(self._resolver.SetCanonicalName, request).entity

    def _call(
        self,
        method: grpc.UnaryUnaryMultiCallable[_Request, _Response],
        request: _Request,
    ) -> _Response:
        try:
            return method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc


def _channel(url: str, ca: bytes | None) -> grpc.Channel:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r}: expected http://HOST:PORT or https://HOST:PORT")
    tls = parts.scheme == "https"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    target = f"{host}:{parts.port or (443 if tls else 80)}"
    if tls:
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=ca))
    return grpc.insecure_channel(target)


def _follow(page: Callable[[str], tuple[Sequence[_Item], str]]) -> Iterator[_Item]:
    """Yields the items of page after page until a page has no next token."""
    token = ""
    while True:
        items, token = page(token)
        yield from items
        if not token:
            return
