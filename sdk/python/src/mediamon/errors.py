"""The errors the client raises: one class per gRPC status the API uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grpc
from google.rpc.error_details_pb2 import BadRequest
from google.rpc.status_pb2 import Status

# The trailer that carries a google.rpc.Status with typed details.
_STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request (INVALID_ARGUMENT)."""

    field: str
    """The field's path in the request message, e.g. ``metadata.url``."""
    description: str
    """What is wrong with it."""


class MediamonError(Exception):
    """A call failed: ``code`` is the gRPC status, ``message`` the server's
    words and, for INVALID_ARGUMENT, ``field_violations`` the bad fields."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        field_violations: tuple[FieldViolation, ...] = (),
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.field_violations = field_violations

    def __str__(self) -> str:
        # The server's message already names the bad field, if any.
        return f"{self.code.name}: {self.message}"


class InvalidArgument(MediamonError):
    """The request is malformed; ``field_violations`` says where."""


class NotFound(MediamonError):
    """A named article, entity, mention or feed does not exist."""


class AlreadyExists(MediamonError):
    """The alias or feed is already there."""


class FailedPrecondition(MediamonError):
    """The state does not allow the call (e.g. removing an entity's last alias)."""


class ResourceExhausted(MediamonError):
    """Too large (an article over the size limit, a batch over the item limit)."""


class Unauthenticated(MediamonError):
    """No token, or one the service does not know."""


class PermissionDenied(MediamonError):
    """The token lacks the scope the call needs (ingest, read, curate)."""


class Unavailable(MediamonError):
    """The service or one it depends on cannot be reached; retrying may help."""


class DeadlineExceeded(MediamonError):
    """The call took longer than the client's timeout."""


_BY_CODE: dict[grpc.StatusCode, type[MediamonError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
}


def error_from_rpc(exc: grpc.RpcError) -> MediamonError:
    """The typed error for a failed call."""
    # Every RpcError that grpcio raises for a finished call is also a Call;
    # anything else (a client-side failure) is reported as UNKNOWN.
    if not isinstance(exc, grpc.Call):
        return MediamonError(grpc.StatusCode.UNKNOWN, str(exc))
    code = exc.code()
    message = exc.details() or ""
    violations = _field_violations(exc.trailing_metadata() or ())
    return _BY_CODE.get(code, MediamonError)(code, message, violations)


def _field_violations(trailers: Sequence[tuple[str, str | bytes]]) -> tuple[FieldViolation, ...]:
    for key, value in trailers:
        if key != _STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = Status.FromString(value)
        violations: list[FieldViolation] = []
        for detail in status.details:
            bad_request = BadRequest()
            if detail.Unpack(bad_request):
                violations.extend(
                    FieldViolation(v.field, v.description) for v in bad_request.field_violations
                )
        return tuple(violations)
    return ()
