// TypeScript client for the mediamon API (Node.js): `MediamonClient` wraps
// the three gRPC services; the generated messages and service descriptors
// are re-exported from ./gen.

export * from "./client.js";
export * from "./errors.js";
export * from "./gen/mediamon/v1/common_pb.js";
export * from "./gen/mediamon/v1/ingest_pb.js";
export * from "./gen/mediamon/v1/query_pb.js";
export * from "./gen/mediamon/v1/resolution_pb.js";
