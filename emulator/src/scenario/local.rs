//! Where scenarios run: a fresh in-process emulator per file, a running server
//! (`--endpoint`), or the world `orgsim serve --scenario` is about to serve.
//!
//! Determinism: a file's `seed` seeds the ID generator, and the world clock is pinned
//! at the file's `clock` (default [`super::parse::DEFAULT_CLOCK`]) for the whole run, so the same
//! file gives the same IDs, timestamps and snapshot, byte for byte. Against
//! `--endpoint` the server's own seed and clock apply.

use std::sync::Arc;

use super::parse::Scenario;
use super::report::{Reporter, ScenarioReport};
use super::run::{run_scenario, StopAfter};
use crate::client::Client;
use crate::server::{router, AppState};
use crate::world::{IdGenerator, Settings};
use crate::Emulator;

/// A fresh emulator for `scenario`: its seed, and the clock pinned at its instant.
pub fn emulator_for(scenario: &Scenario) -> Emulator {
    let emulator = Emulator::start_with(Settings {
        seed: scenario.seed,
        ..Settings::default()
    });
    emulator.with_world(|w| w.clock.pinned_ms = Some(scenario.clock_ms));
    emulator
}

/// Runs `scenario` in a fresh in-process emulator; the emulator is returned so its
/// world can be inspected or saved.
pub async fn run_in_process(
    scenario: &Scenario,
    stop_after: &StopAfter,
    reporter: &mut dyn Reporter,
) -> (ScenarioReport, Emulator) {
    let emulator = emulator_for(scenario);
    let client = Client::new(&emulator.url());
    let report = run_scenario(scenario, &client, stop_after, reporter).await;
    (report, emulator)
}

/// Runs `scenarios` one after the other against the world of `state` before the
/// server listens (`orgsim serve --scenario`), over a loopback port of its own.
///
/// On a fresh world the first file's seed and clock apply, so the world is the one
/// `orgsim scenario run` builds; afterwards the clock runs again from real time.
/// Every file must pass: a class must not start from half a chapter.
pub async fn preload(
    state: Arc<AppState>,
    scenarios: &[Scenario],
    reporter: &mut dyn Reporter,
) -> Result<(), String> {
    let Some(first) = scenarios.first() else {
        return Ok(());
    };
    let clock_before = {
        let mut world = state.world();
        let before = world.clock.clone();
        if world.request_count == 0 {
            if let Some(seed) = first.seed {
                world.settings.seed = Some(seed);
                world.ids = IdGenerator::new(seed);
            }
        }
        world.clock.pinned_ms = Some(first.clock_ms);
        before
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot bind a loopback port to preload scenarios: {e}"))?;
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = router(state.clone());
    let server = tokio::spawn(async move {
        crate::server::serve(listener, app, crate::server::Timeouts::default(), async {
            let _ = stopped.await;
        })
        .await
    });
    let client = Client::new(&url);
    let mut failure = None;
    for scenario in scenarios {
        let report = run_scenario(scenario, &client, &StopAfter::default(), reporter).await;
        if !report.passed {
            failure = Some(format!(
                "scenario {} ({}) failed: the world was not preloaded",
                scenario.name, scenario.file
            ));
            break;
        }
    }
    drop(client);
    let _ = stop.send(());
    let _ = server.await;
    state.world().clock = clock_before;
    failure.map_or(Ok(()), Err)
}

/// `POST /_orgsim/reset` on an orgsim endpoint, so the next file starts from nothing.
pub async fn reset_endpoint(endpoint: &str) -> Result<(), String> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client as HttpClient;
    use hyper_util::rt::TokioExecutor;

    let url = format!("{}/_orgsim/reset", endpoint.trim_end_matches('/'));
    let http = HttpClient::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
    let request = axum::http::Request::post(&url)
        .body(Full::new(bytes::Bytes::new()))
        .map_err(|e| e.to_string())?;
    let response = http
        .request(request)
        .await
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    let status = response.status();
    let _ = response.into_body().collect().await;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "{url} answered {status}: is this an orgsim server?"
        ))
    }
}
