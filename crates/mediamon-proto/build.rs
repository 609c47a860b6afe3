//! Compiles proto/mediamon/v1 with protox (pure Rust, no system protoc) and
//! writes the descriptor set that server reflection serves.

use std::path::PathBuf;

use prost::Message;

const FILES: &[&str] = &[
    "mediamon/v1/common.proto",
    "mediamon/v1/ingest.proto",
    "mediamon/v1/resolution.proto",
    "mediamon/v1/query.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    println!("cargo:rerun-if-changed={}", root.display());
    for file in FILES {
        println!("cargo:rerun-if-changed={}", root.join(file).display());
    }
    let fds = protox::compile(FILES, [&root])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("mediamon_descriptor.bin"), fds.encode_to_vec())?;
    tonic_prost_build::configure().compile_fds(fds)?;
    Ok(())
}
