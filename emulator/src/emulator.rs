//! The in-process fixture: `Emulator::start()` serves orgsim on `127.0.0.1:<free port>`
//! from its own thread and runtime, and stops when the handle is dropped.

use std::net::{SocketAddr, TcpListener};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::server::{self, router, Access, AppState, Timeouts};
use crate::world::{Settings, World};

/// A running orgsim for one test. Bound before it returns, so `url()` is ready to use.
pub struct Emulator {
    address: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    stopped: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator with default settings.
    pub fn start() -> Emulator {
        Emulator::start_with(Settings::default())
    }

    /// Starts an emulator with the given settings (seed, quotas, default account…).
    pub fn start_with(settings: Settings) -> Emulator {
        Emulator::start_with_timeouts(settings, Timeouts::default())
    }

    /// Starts an emulator whose connections time out after `timeouts` (tests of slow
    /// and idle clients use short ones).
    pub fn start_with_timeouts(settings: Settings, timeouts: Timeouts) -> Emulator {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let address = listener.local_addr().expect("bound address");
        let access = Access::for_bind(address.ip(), Vec::new());
        let state = AppState::with_world(settings.clone(), World::new(settings), None, access);
        let app = router(state.clone());
        let (shutdown, shutdown_signal) = tokio::sync::oneshot::channel::<()>();
        let (stopped_tx, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(format!("orgsim-{}", address.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    server::serve(listener, app, timeouts, async {
                        let _ = shutdown_signal.await;
                    })
                    .await;
                });
                // Idle keep-alive connections must not hold the test up.
                runtime.shutdown_timeout(Duration::from_millis(100));
                let _ = stopped_tx.send(());
            })
            .expect("spawn emulator thread");
        Emulator {
            address,
            state,
            shutdown: Some(shutdown),
            stopped,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`, for `endpoint_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Runs `f` on the world under its lock: pin or advance the clock, inspect state.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.state.world())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Wait briefly; a client that keeps a connection open cannot block the drop.
        if self.stopped.recv_timeout(Duration::from_secs(5)).is_ok() {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
