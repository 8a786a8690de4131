//! Issue 12, against real sockets and processes: a request that once killed the
//! server, SIGKILL in the middle of saves, an unwritable `--state`, clients that stall
//! or hold connections open (also at the file-descriptor limit), and malformed HTTP
//! that hyper refuses before the router sees it.
//!
//! No test asserts on time: each waits for an outcome with a generous deadline.

use orgsim::server::Timeouts;
use orgsim::{Emulator, Settings};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ORGSIM: &str = env!("CARGO_BIN_EXE_orgsim");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orgsim-process-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An `orgsim serve` child, killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    /// Runs `command` (which execs orgsim serve) and waits for its banner.
    fn start(mut command: Command) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn orgsim serve");
        let stdout = child.stdout.take().unwrap();
        let (found, url) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on http://") {
                    let _ =
                        found.send(line[at + "listening on http://".len()..].trim().to_string());
                }
            }
        });
        let address = url
            .recv_timeout(Duration::from_secs(60))
            .expect("orgsim serve printed its URL");
        Server { child, address }
    }

    fn spawn(args: &[&str]) -> Server {
        let mut command = Command::new(ORGSIM);
        command
            .args(["serve", "--port", "0", "--log-level", "error"])
            .args(args);
        Server::start(command)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on its own connection; the whole answer, or `None` if none came.
fn exchange(address: &str, request: &[u8]) -> Option<String> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

fn post(address: &str, path: &str, content_type: &str, body: &str) -> Option<String> {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(address, request.as_bytes())
}

fn healthy(address: &str) -> bool {
    let request =
        format!("GET /_orgsim/health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    exchange(address, request.as_bytes()).is_some_and(|a| a.starts_with("HTTP/1.1 200"))
}

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=111111111111/20250101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=abc";

fn create_organization(address: &str) -> String {
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSOrganizationsV20161128.CreateOrganization\r\nAuthorization: {AUTH}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    exchange(address, request.as_bytes()).expect("an answer")
}

fn describe_organization(address: &str) -> String {
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSOrganizationsV20161128.DescribeOrganization\r\nAuthorization: {AUTH}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    exchange(address, request.as_bytes()).expect("an answer")
}

fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

/// The 2 KB unsigned request that aborted the process is answered, and the server
/// lives on; saves hammered from four clients and then SIGKILL leave a file the next
/// start loads, and that start removes the temporary files the kill left.
#[test]
fn a_killed_server_leaves_a_state_file_the_next_start_loads() {
    let dir = temp_dir("kill");
    let state = dir.join("state.json");
    let state_arg = state.to_str().unwrap();
    let server = Server::spawn(&["--state", state_arg]);
    let deep = format!(
        "Action=GetCallerIdentity&Version=2011-06-15&{}=1",
        vec!["a"; 1200].join(".")
    );
    let answer = post(
        &server.address,
        "/",
        "application/x-www-form-urlencoded",
        &deep,
    )
    .expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("<Code>ValidationError</Code>"), "{answer}");
    assert!(create_organization(&server.address).starts_with("HTTP/1.1 200"));

    let stop = Instant::now() + Duration::from_millis(600);
    let savers: Vec<_> = (0..4)
        .map(|_| {
            let address = server.address.clone();
            std::thread::spawn(move || {
                let mut answers = Vec::new();
                while Instant::now() < stop {
                    match post(&address, "/_orgsim/state/save", "application/json", "") {
                        Some(a) if !a.is_empty() => answers.push(a),
                        _ => break, // killed
                    }
                }
                answers
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL, mid-save
    server.child.wait().unwrap();
    for saver in savers {
        for answer in saver.join().unwrap() {
            assert!(
                answer.starts_with("HTTP/1.1 200"),
                "a save failed: {answer}"
            );
        }
    }
    // What a kill between write and rename leaves behind.
    std::fs::write(dir.join(".state.json.999999.3.tmp"), "{\"torn").unwrap();
    let restarted = Server::spawn(&["--state", state_arg]);
    let described = describe_organization(&restarted.address);
    assert!(described.starts_with("HTTP/1.1 200"), "{described}");
    assert!(
        temporary_files(&dir).is_empty(),
        "{:?}",
        temporary_files(&dir)
    );
    drop(restarted);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An unwritable `--state` was reported only at shutdown, when every change was lost.
#[test]
fn an_unwritable_state_location_stops_the_start() {
    let dir = temp_dir("unwritable");
    // A file where the directory should be: unwritable even for root.
    std::fs::write(dir.join("file"), "").unwrap();
    let state = dir.join("file").join("state.json");
    let mut child = Command::new(ORGSIM)
        .args(["serve", "--port", "0", "--state", state.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "it must exit at start: {stderr}"
    );
    assert!(stderr.contains("cannot save the state"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn short_timeouts() -> Timeouts {
    Timeouts {
        header_read: Duration::from_millis(300),
        idle: Duration::from_millis(600),
    }
}

/// Whether the server closes the connection after `sent`, without answering a
/// request (an EOF or a reset within the deadline; a read timeout means it held on).
fn closed_after(address: &str, sent: &[u8]) -> bool {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(sent).unwrap();
    let mut buf = Vec::new();
    match stream.read_to_end(&mut buf) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

/// Half-open and stalled connections were held forever.
#[test]
fn silent_and_stalled_connections_are_closed() {
    let emulator = Emulator::start_with_timeouts(Settings::default(), short_timeouts());
    let address = emulator.address().to_string();
    assert!(
        closed_after(&address, b""),
        "a connection that sends nothing"
    );
    assert!(
        closed_after(
            &address,
            b"GET /_orgsim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        ),
        "a head that never ends"
    );
    assert!(
        closed_after(
            &address,
            b"PUT /_orgsim/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"form"
        ),
        "a body that stops"
    );
    // A kept-alive connection that sends no next request.
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /_orgsim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let closed = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        closed.is_ok(),
        "the idle keep-alive connection is closed: {closed:?}"
    );
}

/// At the file-descriptor limit new clients hung: connections nobody uses filled it
/// and were never closed. With a limit of 48 and 80 silent connections, a new client
/// is still served once the timeouts close the silent ones.
#[test]
fn a_server_at_its_file_descriptor_limit_keeps_serving() {
    let mut command = Command::new("bash");
    command.args([
        "-c",
        &format!("ulimit -n 48 && exec {ORGSIM} serve --port 0 --log-level error --header-read-timeout 0.3 --idle-timeout 0.6"),
    ]);
    let server = Server::start(command);
    let silent: Vec<TcpStream> = (0..80)
        .filter_map(|_| TcpStream::connect(&server.address).ok())
        .collect();
    assert!(
        silent.len() >= 48,
        "only {} connections opened",
        silent.len()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !healthy(&server.address) {
        assert!(
            Instant::now() < deadline,
            "no answer at the descriptor limit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(silent);
    assert!(healthy(&server.address));
}

fn raw(address: &str, request: &[u8]) -> String {
    exchange(address, request).expect("an answer")
}

/// Answers hyper gave with empty bodies (414, 431, conflicting Content-Length) come in
/// the protocol the headers speak, or JSON.
#[test]
fn malformed_http_is_answered_in_the_protocol_s_format() {
    let emulator = Emulator::start();
    let address = emulator.address().to_string();
    let long = "a".repeat(70_000);
    let answer = raw(
        &address,
        format!("POST /?{long} HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{{}}").as_bytes(),
    );
    assert!(
        answer.starts_with("HTTP/1.1 414"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(
        answer.contains("\"__type\":\"RequestUriTooLong\""),
        "{answer}"
    );

    let headers: String = (0..150).map(|i| format!("X-Filler-{i}: x\r\n")).collect();
    let answer = raw(
        &address,
        format!("POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n{headers}Content-Length: 0\r\n\r\n").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert!(
        answer.contains("<Code>RequestHeaderFieldsTooLarge</Code>"),
        "{answer}"
    );
    assert!(answer.contains("content-type: text/xml"), "{answer}");

    let answer = raw(
        &address,
        format!("POST /detector HTTP/1.1\r\nHost: {address}\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{{}}").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("\"__type\":\"MalformedHttpRequest\""),
        "{answer}"
    );
    assert!(healthy(&address), "and the server goes on");
}
