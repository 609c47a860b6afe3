//! A private Postgres cluster, started from the local Postgres binaries.
//!
//! `mediamon up` and the end-to-end tests use it when no `DATABASE_URL` is
//! given. The binaries are looked up on `PATH`, then in
//! `/usr/lib/postgresql/*/bin` (newest first). initdb refuses to run as root,
//! so when this process is root the cluster runs as the unprivileged `nobody`
//! user on a data directory that user owns.
//!
//! Invariant: a [`Cluster`] owns its `postgres` process; dropping it (or
//! [`Cluster::stop`]) shuts the server down fast and waits, so no process and
//! no stale `postmaster.pid` is left behind.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Gid, Pid, Uid, User, chown};
use tokio::process::{Child, Command};

/// What can go wrong with the private cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no Postgres server binaries found (looked for initdb on PATH and in \
         /usr/lib/postgresql/*/bin); install them (Debian/Ubuntu: apt-get install -y \
         postgresql) or set DATABASE_URL to an existing server"
    )]
    BinariesNotFound,
    #[error("cannot run as root and no unprivileged user `nobody` exists")]
    NoUnprivilegedUser,
    #[error("{path} is not reachable by the unprivileged user {user}: {reason}")]
    Permissions {
        path: PathBuf,
        user: String,
        reason: String,
    },
    #[error("{step} failed: {detail}")]
    Command { step: &'static str, detail: String },
    #[error("postgres did not accept connections within {0:?}; its log ({1}) ends: {2}")]
    StartTimeout(Duration, PathBuf, String),
    #[error("io error at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

type Result<T> = std::result::Result<T, ClusterError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ClusterError + '_ {
    move |source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The directory that holds `initdb`, `postgres` and their helpers.
pub fn find_binaries() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            // Some systems link only initdb and postgres onto PATH; the
            // helpers (pg_isready, createdb) live beside the link's target.
            if dir.join("postgres").is_file()
                && let Ok(initdb) = std::fs::canonicalize(dir.join("initdb"))
                && let Some(real) = initdb.parent()
                && real.join("pg_isready").is_file()
            {
                return Ok(real.to_path_buf());
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or(ClusterError::BinariesNotFound)
}

/// The user the server runs as: `None` means the current user.
fn server_user() -> Result<Option<User>> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    User::from_name("nobody")
        .ok()
        .flatten()
        .map(Some)
        .ok_or(ClusterError::NoUnprivilegedUser)
}

/// Whether an acknowledged commit survives a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Postgres' defaults: a commit is on disk before it is acknowledged,
    /// so an article ingest answered for survives `kill -9` and power loss.
    Durable,
    /// `fsync`, `synchronous_commit` and full-page writes off: several times
    /// faster on small disks, and a crash may lose acknowledged commits or
    /// corrupt the cluster. For throwaway clusters (tests) and benchmarks
    /// that ask for it.
    Unsafe,
}

/// A running private cluster.
#[derive(Debug)]
pub struct Cluster {
    data_dir: PathBuf,
    log_path: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Cluster {
    /// Creates the cluster in `dir` if it has none, then starts it on a free
    /// loopback port and waits until it accepts connections. An existing
    /// cluster in `dir` is reused.
    pub async fn start(dir: &Path, durability: Durability) -> Result<Self> {
        let bin = find_binaries()?;
        let user = server_user()?;
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let data_dir = dir.join("data");
        let socket_dir = dir.join("run");
        std::fs::create_dir_all(&socket_dir).map_err(io(&socket_dir))?;
        if let Some(u) = &user {
            give_to(dir, u)?;
            give_to(&socket_dir, u)?;
            check_reachable(dir, u)?;
        }
        if !data_dir.join("PG_VERSION").is_file() {
            let mut initdb = command(&bin.join("initdb"), user.as_ref());
            initdb
                .arg("-D")
                .arg(&data_dir)
                .args([
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ])
                .args(["--locale=C.UTF-8"]);
            run("initdb", initdb).await?;
        }
        let port = free_port().map_err(io(dir))?;
        let log_path = dir.join("postgres.log");
        let log = std::fs::File::create(&log_path).map_err(io(&log_path))?;
        if let Some(u) = &user {
            give_to(&log_path, u)?;
        }
        let mut postgres = command(&bin.join("postgres"), user.as_ref());
        postgres
            .arg("-D")
            .arg(&data_dir)
            .arg("-k")
            .arg(&socket_dir)
            .args(["-c", "listen_addresses=127.0.0.1", "-p", &port.to_string()]);
        if durability == Durability::Unsafe {
            postgres
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off"]);
        }
        postgres
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        let child = postgres.spawn().map_err(io(&bin))?;
        let mut cluster = Cluster {
            data_dir,
            log_path: log_path.clone(),
            port,
            child: Some(child),
        };
        cluster
            .wait_ready(&bin, Duration::from_secs(30), &log_path)
            .await?;
        Ok(cluster)
    }

    /// The postmaster's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory.
    /// The server's log (its standard error).
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A connection URL for `database`.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Host, port and user arguments for the client programs.
    fn connection_args(&self) -> [String; 6] {
        [
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
        ]
        .map(String::from)
    }

    async fn wait_ready(&mut self, bin: &Path, timeout: Duration, log: &Path) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(ClusterError::Command {
                    step: "postgres",
                    detail: format!("exited with {status}: {}", log_tail(log)),
                });
            }
            let ready = Command::new(bin.join("pg_isready"))
                .args(self.connection_args())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(ClusterError::StartTimeout(
                    timeout,
                    log.to_path_buf(),
                    log_tail(log),
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Creates a database (no error when it exists).
    pub async fn create_database(&self, name: &str) -> Result<()> {
        let bin = find_binaries()?;
        let out = Command::new(bin.join("createdb"))
            .args(self.connection_args())
            .arg(name)
            .output()
            .await
            .map_err(io(&bin))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() || stderr.contains("already exists") {
            Ok(())
        } else {
            Err(ClusterError::Command {
                step: "createdb",
                detail: stderr.trim().to_string(),
            })
        }
    }

    /// The value of a server setting (`SHOW name`), through psql.
    pub async fn show(&self, name: &str) -> Result<String> {
        let bin = find_binaries()?;
        let output = Command::new(bin.join("psql"))
            .args(self.connection_args())
            .args(["-d", "postgres", "-AtX", "-c"])
            .arg(format!("SHOW {name}"))
            .output()
            .await
            .map_err(io(&bin))?;
        if !output.status.success() {
            return Err(ClusterError::Command {
                step: "psql",
                detail: String::from_utf8_lossy(&output.stderr).trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Shuts the server down (fast mode: running transactions are rolled back)
    /// and waits for it to exit.
    pub async fn stop(mut self) -> Result<()> {
        self.stop_inner().await
    }

    async fn stop_inner(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
            // SIGINT is Postgres' "fast shutdown".
            let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        }
        match tokio::time::timeout(Duration::from_secs(20), child.wait()).await {
            Ok(status) => {
                status.map_err(io(&self.data_dir))?;
            }
            Err(_) => {
                child.kill().await.map_err(io(&self.data_dir))?;
            }
        }
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Best effort when stop() was not awaited: a fast shutdown, then a
        // short blocking wait so the postmaster removes its pid file.
        if let Some(child) = self.child.take()
            && let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok())
        {
            let pid = Pid::from_raw(pid);
            let _ = kill(pid, Signal::SIGINT);
            let deadline = Instant::now() + Duration::from_secs(10);
            while kill(pid, None).is_ok() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
                if self.data_dir.join("postmaster.pid").exists() {
                    continue;
                }
                break;
            }
            std::mem::forget(child);
        }
    }
}

fn command(program: &Path, user: Option<&User>) -> Command {
    let mut cmd = Command::new(program);
    if let Some(u) = user {
        cmd.uid(u.uid.as_raw()).gid(u.gid.as_raw());
        cmd.env("HOME", "/tmp");
    }
    cmd
}

async fn run(step: &'static str, mut cmd: Command) -> Result<()> {
    let out = cmd.output().await.map_err(|e| ClusterError::Command {
        step,
        detail: e.to_string(),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(ClusterError::Command {
            step,
            detail: last_lines(&String::from_utf8_lossy(&out.stderr), 5),
        })
    }
}

/// The last lines of the server log, for error messages.
fn log_tail(log: &Path) -> String {
    last_lines(&std::fs::read_to_string(log).unwrap_or_default(), 5)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

fn give_to(path: &Path, user: &User) -> Result<()> {
    chown(path, Some(user.uid), Some(Gid::from_raw(user.gid.as_raw()))).map_err(|e| {
        ClusterError::Permissions {
            path: path.to_path_buf(),
            user: user.name.clone(),
            reason: e.to_string(),
        }
    })
}

/// Every ancestor must be searchable by the server's user.
fn check_reachable(dir: &Path, user: &User) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    for ancestor in dir.ancestors().skip(1) {
        let Ok(meta) = std::fs::metadata(ancestor) else {
            continue;
        };
        let mode = meta.mode();
        let searchable = mode & 0o001 != 0
            || (meta.uid() == user.uid.as_raw() && mode & 0o100 != 0)
            || (meta.gid() == user.gid.as_raw() && mode & 0o010 != 0);
        if !searchable {
            return Err(ClusterError::Permissions {
                path: ancestor.to_path_buf(),
                user: user.name.clone(),
                reason: "directory is not searchable; choose a data directory elsewhere \
                         (MEDIAMON_HOME) or set DATABASE_URL"
                    .into(),
            });
        }
    }
    Ok(())
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_lines_keeps_the_tail() {
        assert_eq!(last_lines("a\nb\nc\n", 2), "b | c");
    }

    #[tokio::test]
    async fn starts_reuses_and_stops_without_leftovers() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let first = Cluster::start(tmp.path(), Durability::Unsafe)
            .await
            .expect("start");
        first.create_database("probe").await.expect("createdb");
        let data = first.data_dir().to_path_buf();
        first.stop().await.expect("stop");
        assert!(!data.join("postmaster.pid").exists(), "stale pid file");
        // A second start reuses the cluster: the database is still there.
        let second = Cluster::start(tmp.path(), Durability::Durable)
            .await
            .expect("restart");
        second
            .create_database("probe")
            .await
            .expect("exists is fine");
        // Issue 19: the default cluster ran with fsync and synchronous
        // commit off, and kill -9 lost an acknowledged article.
        for setting in ["fsync", "synchronous_commit", "full_page_writes"] {
            assert_eq!(second.show(setting).await.expect("show"), "on", "{setting}");
        }
        second.stop().await.expect("stop");
        assert!(!data.join("postmaster.pid").exists());
    }
}
