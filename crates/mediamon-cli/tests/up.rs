//! `mediamon up` on the built binary: serving with the demo corpus, the
//! printed example calls work through the CLI, Ctrl-C stops everything and
//! leaves no stale lock, and a second `up` reuses the cluster.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_mediamon");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One plain HTTP/1.1 GET; the body.
async fn http_get(addr: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("metrics endpoint reachable");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("read");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    reply
}

struct Up {
    child: Child,
    banner: String,
}

async fn up(home: &Path, ports: [u16; 3]) -> Up {
    let mut child = Command::new(BIN)
        .args(["up", "--home"])
        .arg(home)
        .args(["--ingest-port", &ports[0].to_string()])
        .args(["--resolver-port", &ports[1].to_string()])
        .args(["--query-port", &ports[2].to_string()])
        .args(["--metrics-port", "0"])
        .env_remove("DATABASE_URL")
        .env_remove("MEDIAMON_DATABASE__URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("mediamon up starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = String::new();
    let read = async {
        while let Some(line) = lines.next_line().await.expect("readable") {
            banner.push_str(&line);
            banner.push('\n');
            if line.contains("Ctrl-C stops everything") {
                return;
            }
        }
        panic!("mediamon up ended early:\n{banner}");
    };
    tokio::time::timeout(Duration::from_secs(90), read)
        .await
        .expect("banner within 90 s");
    Up { child, banner }
}

async fn interrupt(mut up: Up) {
    let pid = i32::try_from(up.child.id().expect("running")).expect("pid fits");
    kill(Pid::from_raw(pid), Signal::SIGINT).expect("signal sent");
    let status = tokio::time::timeout(Duration::from_secs(30), up.child.wait())
        .await
        .expect("stops within 30 s")
        .expect("exit status");
    assert!(status.success(), "mediamon up exited with {status}");
}

async fn cli(home: &Path, query_port: u16, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--home")
        .arg(home)
        .args(["--query-url", &format!("http://127.0.0.1:{query_port}")])
        .env_remove("MEDIAMON_TOKEN")
        .output()
        .await
        .expect("cli runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn serving_seconds(banner: &str) -> f64 {
    banner
        .split("serving ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("banner says when it was serving")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_serves_the_demo_and_stops_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The private cluster may run as another user, who must reach it.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for p in [dir.path(), home.as_path()] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    let ports = [free_port(), free_port(), free_port()];
    let first = up(&home, ports).await;
    assert!(
        first.banner.contains("12 new, 0 already loaded"),
        "{}",
        first.banner
    );
    assert!(serving_seconds(&first.banner) < 15.0, "{}", first.banner);
    assert!(
        first.banner.contains("every accepted article is resolved"),
        "{}",
        first.banner
    );

    // The printed example calls, through the CLI.
    let (ok, out, err) = cli(&home, ports[2], &["search", "Mottaki", "--json"]).await;
    assert!(ok, "{err}");
    let reply: serde_json::Value = serde_json::from_str(&out).expect("json");
    // Both spellings are one entity: every article about him is found.
    let aliases = reply["matchedEntities"][0]["entity"]["aliases"].to_string();
    assert!(
        aliases.contains("Amir Khan Mottaki") && aliases.contains("Amir Khan Muttaqi"),
        "{aliases}"
    );
    assert_eq!(reply["articles"].as_array().map(Vec::len), Some(6));
    // Issue 19: the demo showed today's date for articles that name a day
    // without its year; each is sent with its publication day.
    for article in reply["articles"].as_array().into_iter().flatten() {
        let published = article["metadata"]["publishTime"].as_str().unwrap_or("");
        assert!(
            published.starts_with("2025-0") && published.ends_with("T00:00:00Z"),
            "{article}"
        );
    }
    let (ok, out, err) = cli(&home, ports[2], &["entity", "Ahmad Massoud"]).await;
    assert!(ok, "{err}");
    // The son, under whichever of his spellings was resolved first (the
    // dispatcher resolves several articles at once), never the father.
    let head = out.lines().next().unwrap_or_default();
    let aliases = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("written: "))
        .unwrap_or_default();
    assert!(head.contains("(person") && !head.contains("Shah"), "{out}");
    assert!(
        aliases.contains("Ahmad Massoud")
            && aliases.contains("Ahmed Masood")
            && !aliases.contains("Shah"),
        "{out}"
    );
    // Entity views: weeks in Kabul, the graph around him, an export.
    let (ok, out, err) = cli(
        &home,
        ports[2],
        &[
            "timeline",
            "Ahmad Massoud",
            "--bucket",
            "month",
            "--from",
            "2025-01-01",
            "--until",
            "2026-01-01",
            "--time-zone",
            "Asia/Kabul",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains(" mentions ")).count(),
        12,
        "{out}"
    );
    let (ok, out, err) = cli(
        &home,
        ports[2],
        &["graph", "Ahmad Massoud", "--max-nodes", "4"],
    )
    .await;
    assert!(ok, "{err}");
    assert!(out.contains("(centre)") && out.contains("Pairs:"), "{out}");
    let (ok, out, err) = cli(&home, ports[2], &["export", "--entity", "Ahmad Massoud"]).await;
    assert!(ok, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l["body"].is_string()),
        "{out}"
    );
    assert!(err.contains("articles exported"), "{err}");
    let article = first
        .banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("mediamon article "))
        .expect("example article call")
        .to_string();
    let (ok, out, err) = cli(&home, ports[2], &["article", &article]).await;
    assert!(ok, "{err}");
    assert!(out.contains("Mentions:"), "{out}");
    // Every mention line names its id, which `explain` takes.
    let mention = out
        .lines()
        .find_map(|l| l.split(" mention ").nth(1))
        .expect("a mention id")
        .trim()
        .to_string();
    let resolver = format!("http://127.0.0.1:{}", ports[1]);
    let (ok, out, err) = cli(
        &home,
        ports[2],
        &["explain", &mention, "--resolver-url", &resolver],
    )
    .await;
    assert!(ok, "{err}");
    assert!(
        out.contains("compared as") && out.contains("now: "),
        "{out}"
    );
    // The Prometheus endpoint the banner names has seen all of the above.
    let metrics = first
        .banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("metrics"))
        .and_then(|rest| rest.trim().strip_prefix("http://"))
        .and_then(|rest| rest.split('/').next())
        .expect("the metrics address in the banner")
        .to_string();
    let scraped = http_get(&metrics, "/metrics").await;
    for expected in [
        "rpc_server_call_duration_seconds_count{",
        "rpc_method=\"mediamon.v1.IngestService/IngestArticle\"",
        "rpc_grpc_status_code=\"OK\"",
        "mediamon_ingest_lag_seconds_count",
        "mediamon_resolver_decisions_total{decision=\"new_entity\"",
        "mediamon_outbox_depth",
        "mediamon_outbox_failed",
        "db_client_connections_usage{state=\"idle\"",
    ] {
        assert!(scraped.contains(expected), "no {expected} in:\n{scraped}");
    }
    // Feeds: registered, listed, removed. Loopback would be refused (an
    // internal address); a name under .invalid never resolves.
    let ingest = format!("http://127.0.0.1:{}", ports[0]);
    let feed = "http://mediamon-up-test.invalid/feed.xml";
    let (ok, out, err) = cli(
        &home,
        ports[2],
        &[
            "feed",
            "add",
            feed,
            "--every",
            "3600",
            "--ingest-url",
            &ingest,
        ],
    )
    .await;
    assert!(ok, "{err}");
    let id = out
        .split(" as ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("the feed's id")
        .to_string();
    let (ok, out, err) = cli(&home, ports[2], &["feed", "list", "--ingest-url", &ingest]).await;
    assert!(ok, "{err}");
    assert!(out.contains(feed) && out.contains("every 3600 s"), "{out}");
    let (ok, _, err) = cli(
        &home,
        ports[2],
        &["feed", "add", feed, "--ingest-url", &ingest],
    )
    .await;
    assert!(!ok && err.contains("AlreadyExists"), "{err}");
    let (ok, _, err) = cli(
        &home,
        ports[2],
        &["feed", "rm", &id, "--ingest-url", &ingest],
    )
    .await;
    assert!(ok, "{err}");

    // A bad id is a clear error, not a crash.
    let (ok, _, err) = cli(&home, ports[2], &["article", "not-an-id"]).await;
    assert!(!ok);
    assert!(
        err.contains("InvalidArgument") && err.contains("article_id"),
        "{err}"
    );

    interrupt(first).await;
    assert!(
        !home.join("pg/data/postmaster.pid").exists(),
        "stale lock left behind"
    );

    // The second start reuses the cluster and its data.
    let second = up(&home, ports).await;
    assert!(
        second.banner.contains("0 new, 12 already loaded"),
        "{}",
        second.banner
    );

    // Issue 19: after a crash that left an item claimed for long and one set
    // aside as failed, `up` exited after a minute. It must serve and say so.
    let url = second
        .banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("postgres"))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the database URL in the banner")
        .to_string();
    let db = sea_orm::Database::connect(&url).await.expect("connect");
    for sql in [
        "UPDATE outbox SET done_at = NULL, next_attempt_at = now() + interval '1 hour' \
         WHERE id = (SELECT min(id) FROM outbox)",
        "UPDATE outbox SET done_at = NULL, failed_at = now(), last_error = 'refused in a test' \
         WHERE id = (SELECT max(id) FROM outbox)",
    ] {
        sea_orm::ConnectionTrait::execute_unprepared(&db, sql)
            .await
            .expect("stuck items");
    }
    db.close().await.expect("close");
    crash(second, &home).await;

    let third = up(&home, ports).await;
    assert!(
        third.banner.contains("1 waiting for the resolver")
            && third.banner.contains("1 failed (mediamon outbox failed"),
        "{}",
        third.banner
    );
    let (ok, out, err) = cli(
        &home,
        ports[2],
        &["outbox", "failed", "--ingest-url", &ingest],
    )
    .await;
    assert!(ok && out.contains("refused in a test"), "{out}{err}");
    let (ok, out, err) = cli(
        &home,
        ports[2],
        &["outbox", "retry", "--all", "--ingest-url", &ingest],
    )
    .await;
    assert!(ok && out.contains("1 article(s) queued"), "{out}{err}");
    interrupt(third).await;
    assert!(!home.join("pg/data/postmaster.pid").exists());
}

/// Kills `up` and its Postgres with SIGKILL, as a crash would.
async fn crash(mut up: Up, home: &Path) {
    let postmaster = std::fs::read_to_string(home.join("pg/data/postmaster.pid"))
        .expect("postmaster.pid")
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
        .expect("the postmaster's pid");
    up.child.kill().await.expect("killed");
    kill(Pid::from_raw(postmaster), Signal::SIGKILL).expect("postgres killed");
    // Until it is gone (or a zombie nobody reaps: then it holds nothing).
    for _ in 0..100 {
        if kill(Pid::from_raw(postmaster), None).is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
