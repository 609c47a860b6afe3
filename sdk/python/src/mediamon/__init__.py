"""Python client for the mediamon API.

``mediamon.Client`` wraps the three gRPC services; the generated messages and
stubs are in ``mediamon.v1`` (``from mediamon.v1 import query_pb2``).
"""

from mediamon.client import Client
from mediamon.convert import article, article_from_file, to_dict
from mediamon.errors import (
    AlreadyExists,
    DeadlineExceeded,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    MediamonError,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)

__all__ = [
    "AlreadyExists",
    "Client",
    "DeadlineExceeded",
    "FailedPrecondition",
    "FieldViolation",
    "InvalidArgument",
    "MediamonError",
    "NotFound",
    "PermissionDenied",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
    "article",
    "article_from_file",
    "to_dict",
]
