//! The accept loop: one task per connection, each with a header-read timeout and an
//! idle timeout, and an accept loop that outlives running out of file descriptors.
//!
//! A client that opens a connection and sends nothing, stops halfway through a head
//! or a body, or stops reading the answer, holds a file descriptor; without timeouts a
//! few hundred of them exhaust the process limit and every new client hangs. So:
//! - the request head must arrive within [`Timeouts::header_read`] (hyper's own timer,
//!   which also closes a keep-alive connection that sends no next request in that time);
//! - a connection on which no byte moves either way for [`Timeouts::idle`] is closed,
//!   the way AWS's load balancers close idle connections;
//! - when `accept` fails (`EMFILE`, `ENFILE`, `ENOBUFS`), the loop waits a little
//!   longer each time, up to a second, and goes on: the clients wait in the backlog and
//!   are served once the timeouts have closed the stale connections.

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::http_errors;

/// How long a connection may take to send a request head, and may stay silent.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub header_read: Duration,
    pub idle: Duration,
}

impl Default for Timeouts {
    /// 30 s for a head (hyper's default), 60 s idle (AWS's load balancers' default).
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(30),
            idle: Duration::from_secs(60),
        }
    }
}

/// How long a graceful shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish (for at most a few seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Duration::ZERO;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => {
                backoff = Duration::ZERO;
                stream
            }
            // The peer gave up before we got to it: nothing to wait for.
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                backoff = (backoff * 2).clamp(Duration::from_millis(5), Duration::from_secs(1));
                tracing::warn!("cannot accept a connection ({e}); retrying in {backoff:?}");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => continue,
                    () = &mut shutdown => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let io = WatchedIo::new(stream);
        let activity = io.activity.clone();
        let connection = builder
            .serve_connection(TokioIo::new(io), TowerToHyperService::new(app.clone()))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                _ = connection => {}
                () = activity.idle_for(timeouts.idle) => {
                    tracing::debug!("closed a connection idle for {:?}", timeouts.idle);
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// When a connection last moved a byte.
struct Activity {
    since: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn touch(&self) {
        let ms = self.since.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn silent_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.since.elapsed().saturating_sub(last)
    }

    /// Resolves once the connection has been silent for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let silent = self.silent_for();
            if silent >= limit {
                return;
            }
            tokio::time::sleep(limit - silent).await;
        }
    }
}

/// The most of a request head kept to answer a malformed one (more than hyper reads).
const MAX_RECORDED_HEAD: usize = 512 * 1024;

/// A connection's socket, counting activity and keeping the request head being read,
/// so that hyper's empty automatic answers can be replaced ([`http_errors`]).
struct WatchedIo {
    stream: TcpStream,
    activity: Arc<Activity>,
    head: Vec<u8>,
    head_complete: bool,
    replacing: Option<Replacement>,
}

/// An answer being written in place of hyper's: the bytes, how many are out, and how
/// many of hyper's bytes to report written once they all are.
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    swallowed: usize,
}

impl WatchedIo {
    fn new(stream: TcpStream) -> WatchedIo {
        let activity = Arc::new(Activity {
            since: Instant::now(),
            last_ms: AtomicU64::new(0),
        });
        WatchedIo {
            stream,
            activity,
            head: Vec::new(),
            head_complete: false,
            replacing: None,
        }
    }

    fn record(&mut self, read: &[u8]) {
        if self.head_complete || self.head.len() >= MAX_RECORDED_HEAD {
            return;
        }
        let from = self.head.len().saturating_sub(3);
        let room = MAX_RECORDED_HEAD - self.head.len();
        self.head.extend_from_slice(&read[..read.len().min(room)]);
        self.head_complete = self.head[from..].windows(4).any(|w| w == b"\r\n\r\n");
    }

    /// An answer is going out: what is read next belongs to the next request.
    fn start_next_head(&mut self) {
        self.head.clear();
        self.head_complete = false;
        if self.head.capacity() > 16 * 1024 {
            self.head.shrink_to(16 * 1024);
        }
    }
}

impl AsyncRead for WatchedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
            if !this.head_complete {
                this.record(&buf.filled()[before..]);
            }
        }
        result
    }
}

impl AsyncWrite for WatchedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none() {
            match http_errors::automatic_status(buf) {
                Some(status) => {
                    this.replacing = Some(Replacement {
                        bytes: http_errors::render(status, &this.head),
                        written: 0,
                        swallowed: buf.len(),
                    })
                }
                None => {
                    let result = Pin::new(&mut this.stream).poll_write(cx, buf);
                    if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
                        this.activity.touch();
                        this.start_next_head();
                    }
                    return result;
                }
            }
        }
        let Some(replacement) = this.replacing.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while replacement.written < replacement.bytes.len() {
            let rest = &replacement.bytes[replacement.written..];
            match Pin::new(&mut this.stream).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    replacement.written += n;
                    this.activity.touch();
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let swallowed = replacement.swallowed;
        this.replacing = None;
        this.start_next_head();
        Poll::Ready(Ok(swallowed))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    /// Not vectored: hyper then writes each answer from one flat buffer, so an
    /// automatic answer starts a write and [`http_errors::automatic_status`] sees it.
    fn is_write_vectored(&self) -> bool {
        false
    }
}
