//! The mediamon.v1 API: generated message and service code, conversions
//! between wire and domain types, and the one mapping from a service error to
//! a `tonic::Status`.
//!
//! No other crate runs code generation or redeclares wire types.

pub mod convert;
pub mod error;
pub mod page;

/// Generated code for package `mediamon.v1`.
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("mediamon.v1");
}

/// The encoded descriptor set of every mediamon.v1 file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/mediamon_descriptor.bin"));
