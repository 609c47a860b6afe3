"""Between Python values and the API's messages: articles to send,
datetimes, and results as plain dicts."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from mediamon.v1 import common_pb2, ingest_pb2

# Extensions read as HTML pages by article_from_file; anything else is text.
_HTML_SUFFIXES = {".html", ".htm"}


def article(
    *,
    text: str | None = None,
    html: bytes | None = None,
    content_type: str = "",
    title: str = "",
    url: str = "",
    outlet: str = "",
    authors: Sequence[str] = (),
    language: str = "",
    published: datetime | None = None,
    dateline: str = "",
    idempotency_key: str = "",
) -> ingest_pb2.IngestArticleRequest:
    """An article to ingest: exactly one of ``text`` (plain text or a page saved
    as text) or ``html`` (a page as fetched, in any charset). Metadata left
    empty is read from the content where possible; a ``title`` given wins
    over the headline the content shows."""
    if (text is None) == (html is None):
        raise ValueError("give exactly one of text and html")
    metadata = common_pb2.ArticleMetadata(
        title=title,
        url=url,
        outlet=outlet,
        authors=authors,
        language=language,
        dateline=dateline,
        publish_time=timestamp(published) if published is not None else None,
    )
    request = ingest_pb2.IngestArticleRequest(
        metadata=metadata, idempotency_key=idempotency_key, content_type=content_type
    )
    if text is not None:
        request.text = text
    elif html is not None:
        request.html = html
    return request


def article_from_file(path: str | os.PathLike[str]) -> ingest_pb2.IngestArticleRequest:
    """An article from a file: ``.html``/``.htm`` as an HTML page (bytes as they
    are; ingest finds the charset), anything else as UTF-8 text."""
    file = Path(path)
    if file.suffix.lower() in _HTML_SUFFIXES:
        return article(html=file.read_bytes())
    return article(text=file.read_text(encoding="utf-8"))


def timestamp(value: datetime) -> Timestamp:
    """A protobuf Timestamp; naive datetimes are refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{value!r} has no time zone; use e.g. datetime(..., tzinfo=UTC)")
    result = Timestamp()
    result.FromDatetime(value)
    return result


def time_range(since: datetime | None, before: datetime | None) -> common_pb2.TimeRange | None:
    """The range [since, before); None when both ends are open."""
    if since is None and before is None:
        return None
    return common_pb2.TimeRange(
        start=timestamp(since) if since is not None else None,
        end=timestamp(before) if before is not None else None,
    )


def to_dict(message: Message) -> dict[str, Any]:
    """A message as plain Python values, for printing, JSON or data frames.

    Keys are the proto field names and every field is present (with its
    default when not set), so the shape never depends on the data. Unset
    message fields are None; enums are their names; timestamps are aware
    datetimes in UTC; 64-bit integers stay ints; 32-bit floats are rounded
    to the 7 significant digits they hold. Of a oneof, only the member that
    is set appears.
    """
    result: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        name = field.name
        if field.is_repeated:
            result[name] = [_plain(field, item) for item in getattr(message, name)]
        elif field.has_presence and not message.HasField(name):
            if field.containing_oneof is None:
                result[name] = None
        else:
            result[name] = _plain(field, getattr(message, name))
    return result


# `field` is Any: the descriptor classes differ between protobuf's
# implementations (upb, pure Python) and their stubs.
def _plain(field: Any, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.full_name == Timestamp.DESCRIPTOR.full_name:
            return value.ToDatetime(tzinfo=UTC)
        return to_dict(value)
    if field.type == FieldDescriptor.TYPE_ENUM:
        known = field.enum_type.values_by_number.get(value)
        # A number this SDK does not know (a newer server) stays a number.
        return known.name if known is not None else value
    if field.type == FieldDescriptor.TYPE_FLOAT:
        return float(f"{value:.7g}")
    return value
