//! The built `mediamon-ingest` binary: configured only through `MEDIAMON_*`
//! variables, it serves, reports SERVING, and on SIGTERM stops its server and
//! its dispatcher and exits cleanly.

use std::process::Stdio;
use std::time::Duration;

use mediamon_pgcluster::{Cluster, Durability};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::process::Command;

#[tokio::test]
async fn serves_then_exits_cleanly_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let cluster = Cluster::start(dir.path(), Durability::Unsafe).await?;
    mediamon_store::create_database(&cluster.url("postgres"), "ingest_bin").await?;
    let url = cluster.url("ingest_bin");
    let store = mediamon_store::Store::connect(&url, 2, Duration::from_secs(5)).await?;
    store.migrate().await?;
    store.close().await?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediamon-ingest"))
        .env_remove("DATABASE_URL")
        .env_remove("MEDIAMON_CONFIG")
        .env("MEDIAMON_DATABASE__URL", &url)
        .env("MEDIAMON_LISTEN", format!("127.0.0.1:{port}"))
        .env("MEDIAMON_RESOLVER__URL", "http://127.0.0.1:9")
        .env("MEDIAMON_TELEMETRY__FORMAT", "json")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    mediamon_client::wait_serving(
        &format!("http://127.0.0.1:{port}"),
        "mediamon.v1.IngestService",
        Duration::from_secs(20),
    )
    .await?;

    let pid = Pid::from_raw(i32::try_from(child.id().unwrap_or_default())?);
    kill(pid, Signal::SIGTERM)?;
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await??;
    assert!(status.success(), "exited with {status}");
    // The port is free again: the server really stopped.
    std::net::TcpListener::bind(("127.0.0.1", port))?;
    cluster.stop().await?;
    Ok(())
}

#[tokio::test]
async fn refuses_to_start_without_a_database_url() -> anyhow::Result<()> {
    let out = Command::new(env!("CARGO_BIN_EXE_mediamon-ingest"))
        .env_remove("DATABASE_URL")
        .env_remove("MEDIAMON_DATABASE__URL")
        .env_remove("MEDIAMON_CONFIG")
        .output()
        .await?;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("database.url"), "{stderr}");
    Ok(())
}
