// The error every failed call rejects with.

import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";

export { Code };

/** One bad field of a request (INVALID_ARGUMENT). */
export interface FieldViolation {
  /** The field's path in the request message, e.g. `metadata.url`. */
  field: string;
  /** What is wrong with it. */
  description: string;
}

/**
 * A failed call: `code` is the gRPC status (Connect's `Code`, e.g.
 * `Code.NotFound`), `rawMessage` the server's words and, for
 * INVALID_ARGUMENT, `fieldViolations` the bad fields.
 */
export class MediamonError extends Error {
  override readonly name = "MediamonError";

  constructor(
    readonly code: Code,
    readonly rawMessage: string,
    readonly fieldViolations: readonly FieldViolation[] = [],
    options?: ErrorOptions,
  ) {
    super(`${codeName(code)}: ${rawMessage}`, options);
  }

  /** The error for anything a call threw. */
  static from(cause: unknown): MediamonError {
    if (cause instanceof MediamonError) {
      return cause;
    }
    const error = ConnectError.from(cause);
    // Details received from a server are {type, value} (the others are
    // {desc, value}, made locally).
    const violations = error.details.flatMap((detail) =>
      "type" in detail && detail.type === "google.rpc.BadRequest" ? decodeBadRequest(detail.value) : [],
    );
    return new MediamonError(error.code, error.rawMessage, violations, { cause });
  }
}

/** The gRPC name of a code: `Code.InvalidArgument` is "INVALID_ARGUMENT". */
export function codeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

// google.rpc.BadRequest is not part of this API's protos, so its two fields
// are read off the wire: `repeated FieldViolation field_violations = 1`, and
// in each `string field = 1; string description = 2`.
function decodeBadRequest(bytes: Uint8Array): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (number !== 1 || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType);
      continue;
    }
    const inner = new BinaryReader(reader.bytes());
    const violation: FieldViolation = { field: "", description: "" };
    while (inner.pos < inner.len) {
      const [innerNumber, innerType] = inner.tag();
      if (innerNumber === 1) {
        violation.field = inner.string();
      } else if (innerNumber === 2) {
        violation.description = inner.string();
      } else {
        inner.skip(innerType);
      }
    }
    violations.push(violation);
  }
  return violations;
}
