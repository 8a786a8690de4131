//! Browsers are not clients: a page the user has open must not drive orgsim. SDKs and
//! the AWS CLI send no `Origin` header, browsers do on every cross-site request, so a
//! request whose `Origin` is not the server's own is refused, on the admin routes and
//! the AWS APIs alike. A page can also rebind its own DNS name to 127.0.0.1 and then
//! read answers as "same-origin"; against that, a loopback-bound server (the default)
//! also refuses any `Host` that is not a loopback name or one named by `--allow-host`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Response, StatusCode};
use axum::middleware::Next;
use std::net::IpAddr;
use std::sync::Arc;

use super::AppState;
use crate::api::ApiError;
use crate::protocol::{self, Protocol};

/// Which requests the server answers, by their `Origin` and `Host` headers.
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// Refuse a `Host` that is neither a loopback name nor in `extra_hosts`.
    pub check_host: bool,
    /// Host names (no port) accepted besides `localhost`, `*.localhost`, 127.0.0.0/8
    /// and `[::1]`.
    pub extra_hosts: Vec<String>,
}

impl Access {
    /// The rules for a server bound to `ip`: the `Host` check is on for a loopback
    /// address, and for any address once `--allow-host` names hosts. A server bound to
    /// all interfaces (the Docker image) is reachable by name from anywhere, so only
    /// the `Origin` check applies there unless names are given.
    pub fn for_bind(ip: IpAddr, extra_hosts: Vec<String>) -> Access {
        Access {
            check_host: ip.is_loopback() || !extra_hosts.is_empty(),
            extra_hosts: extra_hosts
                .into_iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
        }
    }

    /// Why a request with these headers is refused, if it is.
    pub fn refusal(&self, headers: &HeaderMap) -> Option<String> {
        let host = headers.get("host").and_then(|v| v.to_str().ok());
        if self.check_host {
            if let Some(host) = host {
                let name = host_name(host);
                if !is_loopback_name(&name) && !self.extra_hosts.contains(&name) {
                    return Some(format!(
                        "orgsim listens on loopback and does not answer for host '{host}' \
                         (start it with --allow-host {name} to allow it)"
                    ));
                }
            }
        }
        let origin = headers.get("origin")?;
        let own = host.map(|h| format!("http://{h}"));
        match origin.to_str() {
            Ok(origin) if own.is_some_and(|own| own.eq_ignore_ascii_case(origin)) => None,
            Ok(origin) => Some(format!(
                "orgsim does not answer cross-site requests (Origin '{origin}'): AWS SDKs and the CLI send no Origin"
            )),
            Err(_) => Some("orgsim does not answer cross-site requests".to_string()),
        }
    }
}

/// The name of a `Host` value, lower-cased, without port or IPv6 brackets.
fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_string();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
        _ => host,
    }
}

fn is_loopback_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Middleware: refuses what [`Access`] does not let through before anything runs. The
/// admin routes answer JSON; AWS requests an `AccessDenied` in their protocol.
pub async fn refuse_cross_site(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let Some(why) = state.access.refusal(request.headers()) else {
        return next.run(request).await;
    };
    tracing::warn!(
        path = request.uri().path(),
        origin = ?request.headers().get("origin"),
        host = ?request.headers().get("host"),
        "refused: {why}"
    );
    if request.uri().path().starts_with("/_orgsim/") {
        return super::admin::error(StatusCode::FORBIDDEN, &why);
    }
    let query = request.uri().query().unwrap_or("");
    let proto = protocol::sniff(request.headers(), query);
    let code = match proto {
        Protocol::AwsQuery => "AccessDenied",
        _ => "AccessDeniedException",
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    protocol::encode_error(proto, None, &ApiError::new(code, 403, why), &request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_must_be_the_server_itself() {
        let access = Access::default();
        assert_eq!(access.refusal(&headers(&[("host", "example.org")])), None);
        assert_eq!(
            access.refusal(&headers(&[
                ("host", "127.0.0.1:4566"),
                ("origin", "http://127.0.0.1:4566")
            ])),
            None
        );
        for origin in ["https://evil.example", "null", "http://127.0.0.1:4567"] {
            assert!(
                access
                    .refusal(&headers(&[("host", "127.0.0.1:4566"), ("origin", origin)]))
                    .is_some(),
                "{origin}"
            );
        }
        assert!(access
            .refusal(&headers(&[("origin", "http://x")]))
            .is_some());
    }

    #[test]
    fn a_loopback_server_answers_loopback_names_and_allowed_hosts() {
        let access = Access::for_bind("127.0.0.1".parse().unwrap(), vec!["Orgsim".into()]);
        for host in [
            "localhost:4566",
            "LOCALHOST",
            "app.localhost:1",
            "127.0.0.1:4566",
            "127.1.2.3",
            "[::1]:4566",
            "orgsim:4566",
        ] {
            assert_eq!(access.refusal(&headers(&[("host", host)])), None, "{host}");
        }
        for host in [
            "evil.example:4566",
            "192.168.1.5:4566",
            "localhost.evil.example",
        ] {
            assert!(
                access.refusal(&headers(&[("host", host)])).is_some(),
                "{host}"
            );
        }
        // DNS rebinding: the page's own name, same-origin from the browser's view.
        assert!(access
            .refusal(&headers(&[
                ("host", "evil.example:4566"),
                ("origin", "http://evil.example:4566")
            ]))
            .is_some());
        let docker = Access::for_bind("0.0.0.0".parse().unwrap(), vec![]);
        assert_eq!(docker.refusal(&headers(&[("host", "orgsim:4566")])), None);
    }
}
