//! The server process under test: spawned (and pinned to a core) or given by PID, and
//! what `/proc` says about its CPU time and memory.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// CPU time and resident memory of a process, from `/proc/<pid>`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// User + system CPU time, in milliseconds.
    pub cpu_ms: f64,
    pub rss_kib: u64,
}

/// Reads `/proc/<pid>/stat` and `/proc/<pid>/status`; `None` off Linux or if it is gone.
pub fn usage(pid: u32) -> Option<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some(Usage {
        cpu_ms: (utime + stime) * 1000.0 / clock_ticks_per_second(),
        rss_kib,
    })
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// A server this benchmark started; killed when dropped.
pub struct SpawnedServer {
    pub child: Child,
    pub url: String,
    /// From exec to the first answered health check.
    pub cold_start: Duration,
}

impl Drop for SpawnedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `orgsim serve --port 0` from this same executable, pinned to `cpu` with
/// `taskset` when it is installed, and waits until it answers.
pub fn spawn_server(cpu: Option<usize>, extra_args: &[String]) -> Result<SpawnedServer, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the orgsim executable: {e}"))?;
    let mut serve_args: Vec<String> = ["serve", "--port", "0", "--log-level", "warn"]
        .map(String::from)
        .to_vec();
    serve_args.extend_from_slice(extra_args);
    let pinned = cpu.filter(|_| Command::new("taskset").arg("--version").output().is_ok());
    let mut command = match pinned {
        Some(cpu) => {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(cpu.to_string()).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let started = Instant::now();
    let mut child = command
        .args(&serve_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .ok_or("the server exited before it listened")?
            .map_err(|e| e.to_string())?;
        if let Some(url) = line.split("listening on ").nth(1) {
            break url.trim().to_string();
        }
    };
    // Keep draining the banner so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let address = url.trim_start_matches("http://").to_string();
    loop {
        if health_ok(&address) {
            break;
        }
        if started.elapsed() > Duration::from_secs(10) {
            return Err("the server did not answer within 10 s".into());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    Ok(SpawnedServer {
        child,
        url,
        cold_start: started.elapsed(),
    })
}

/// One blocking `GET /_orgsim/health`.
fn health_ok(address: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return false;
    };
    let request =
        format!("GET /_orgsim/health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}
