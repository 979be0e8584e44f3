//! Middleware applied to every request: request ids and logs, security headers, maintenance,
//! the cross-site check and the rate limiter.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use onetrip_api::ErrorCode;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::{ApiError, REQUEST_ID};
use crate::static_files::maintenance_page;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Give every request an id (kept from a well-formed incoming header, else new), log it once
/// with method, path (never the query string: it could carry personal data), status and time.
pub async fn request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %path, status, ms, "request");
    } else {
        tracing::info!(request_id = %id, %method, %path, status, ms, "request");
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    response
}

/// Security headers on every response, errors included.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&state.csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(self), geolocation=(self), microphone=(), payment=()"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if state.config.public_base_url().is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// While the maintenance switch is on: a friendly page for people, a 503 envelope for the API.
pub async fn maintenance(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.config.maintenance {
        return next.run(request).await;
    }
    if is_api(request.uri().path()) {
        return ApiError::new(ErrorCode::Maintenance)
            .retry_after(600)
            .into_response();
    }
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(maintenance_page())).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(600u32));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(n, value)| (n == name).then_some(value))
}

/// Refuse state-changing requests that a browser says come from another site. `Sec-Fetch-Site`
/// first; where a browser does not send it, the `Origin` must be ours. Clients that send
/// neither (curl, the load generator) are not browsers and cannot carry a user's session.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, our_origin: &str) -> bool {
    if is_safe(method) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    match headers.get(header::ORIGIN) {
        Some(origin) => origin
            .to_str()
            .map(|o| !o.eq_ignore_ascii_case(our_origin))
            .unwrap_or(true),
        None => false,
    }
}

pub async fn cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = state.config.public_base_url();
    if is_api(request.uri().path())
        && is_cross_site(request.method(), request.headers(), origin.origin())
    {
        return ApiError::new(ErrorCode::CrossSite).into_response();
    }
    next.run(request).await
}

/// The client address: the connection's peer, or the first `X-Forwarded-For` entry behind a
/// trusted proxy. In-process tests have neither and share one bucket.
fn client_ip(request: &Request, trust_proxy: bool) -> IpAddr {
    if trust_proxy
        && let Some(ip) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_api(request.uri().path()) {
        return next.run(request).await;
    }
    let ip = client_ip(&request, state.config.trust_proxy);
    let limiter = if is_safe(request.method()) {
        &state.limits.read
    } else {
        &state.limits.write
    };
    let now = Instant::now();
    // A client that has run out of misses (404s) is refused before anything is looked up,
    // so guessing checklist ids, resume tokens or counter codes gets nowhere.
    if let Err(wait) = limiter
        .check(ip, now)
        .and_then(|()| state.limits.guess.peek(ip, now))
    {
        return ApiError::new(ErrorCode::RateLimited)
            .retry_after(wait.as_secs().max(1))
            .into_response();
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        let _ = state.limits.guess.check(ip, Instant::now());
    }
    response
}

/// The catalogue's read-only resources: each answer is a function of the catalogue version and
/// the URL alone.
const CATALOGUE_PATHS: &[&str] = &[
    "/api/v1/catalog",
    "/api/v1/matters",
    "/api/v1/bundles",
    "/api/v1/banks",
    "/api/v1/search",
    "/api/v1/views",
];

/// Views that change after they are first read (a receipt lists what is still outstanding):
/// never answered from a tag of the catalogue version.
const CHANGING_VIEWS: &str = "/api/v1/views/applications/";

fn is_catalogue(path: &str) -> bool {
    !path.starts_with(CHANGING_VIEWS)
        && CATALOGUE_PATHS.iter().any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// A catalogue answer, compressed for a client that accepts it (brotli or gzip, level 5: views
/// are a few KB of JSON on a 1.6 Mbps phone, and change only with the catalogue). Only here:
/// these answers are public, with nothing secret beside text an attacker could choose (no
/// BREACH), and a layer around every route cost the status reads 13% of their rate
/// (17,378/s without, 15,053/s with) though it compressed none of them.
async fn compressed(next: Next, request: Request) -> Response {
    use tower::{Layer, ServiceExt};
    let service = tower_http::compression::CompressionLayer::new()
        .quality(tower_http::compression::CompressionLevel::Precise(5))
        .layer(next);
    match service.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// A personal answer that is mostly catalogue text (a draft with its merged form), compressed
/// like the catalogue. Safe from BREACH, which needs a page that puts text an attacker chose
/// next to a secret and requests the attacker can make the victim's browser send: these
/// answers hold only what the applicant typed and the catalogue's text, and are read only with
/// the key in a header (`X-Draft-Key`), which no other site can add (no CORS).
pub async fn compressed_personal(request: Request, next: Next) -> Response {
    compressed(next, request).await
}

/// A weak ETag for a catalogue answer: the catalogue version, the server's own version (the
/// shape of an answer may change with it) and the path with its query. Weak, because the same
/// tag goes with the brotli, gzip and plain bodies (RFC 9110 8.8.1: a strong tag names one
/// sequence of bytes); revalidation compares weakly anyway.
pub fn catalogue_etag_of(catalog_version: &str, path_and_query: &str) -> String {
    let mut h = Sha256::new();
    for part in [catalog_version, env!("CARGO_PKG_VERSION"), path_and_query] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("W/\"{hex}\"")
}

/// Does `If-None-Match` name this tag? (`*`, a list, weak or strong: RFC 9110 weak comparison.)
pub(crate) fn none_match_hits(header: &str, etag: &str) -> bool {
    fn opaque(t: &str) -> &str {
        t.strip_prefix("W/").unwrap_or(t)
    }
    let etag = opaque(etag);
    header
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || opaque(candidate) == etag)
}

/// Revalidation for every catalogue read, in one place: successful answers get an `ETag` and
/// `Cache-Control: no-cache`, and a matching `If-None-Match` gets 304 without a body. The
/// handler still runs, so an unknown code stays a 404 whatever the client sends.
pub async fn catalogue_etag(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let applies = matches!(*request.method(), Method::GET | Method::HEAD)
        && is_catalogue(request.uri().path());
    if !applies {
        return next.run(request).await;
    }
    let path_and_query = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let etag = catalogue_etag_of(&state.catalog.version, &path_and_query);
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut response = compressed(next, request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let Ok(value) = HeaderValue::from_str(&etag) else {
        return response;
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, value);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if if_none_match.is_some_and(|v| none_match_hits(&v, &etag)) {
        let (mut parts, _) = response.into_parts();
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_ENCODING);
        return Response::from_parts(parts, Body::empty());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cross_site_rules() {
        let ours = "https://yici.example.cn";
        let post = Method::POST;
        let cases: &[(&[(&str, &str)], bool)] = &[
            (&[("sec-fetch-site", "same-origin")], false),
            (&[("sec-fetch-site", "none")], false),
            (&[("sec-fetch-site", "cross-site")], true),
            (&[("sec-fetch-site", "same-site")], true),
            (&[("origin", "https://yici.example.cn")], false),
            (&[("origin", "https://evil.example")], true),
            (&[("origin", "null")], true),
            (&[], false),
        ];
        for (pairs, want) in cases {
            assert_eq!(
                is_cross_site(&post, &headers(pairs), ours),
                *want,
                "{pairs:?}"
            );
        }
        // Reads are never refused.
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")]),
            ours
        ));
    }

    #[test]
    fn catalogue_paths_and_if_none_match() {
        for path in ["/api/v1/catalog", "/api/v1/matters/x", "/api/v1/search"] {
            assert!(is_catalogue(path), "{path}");
        }
        for path in [
            "/api/v1/checklists/x",
            "/api/v1/matterss",
            "/api/health",
            "/",
        ] {
            assert!(!is_catalogue(path), "{path}");
        }
        assert!(!is_catalogue("/api/v1/views/applications/7KQ2M9XA3T"));
        assert!(is_catalogue("/api/v1/views/checklists/7KQ2M9XA3T"));
        let tag = catalogue_etag_of("v1", "/api/v1/search?q=x");
        assert!(tag.starts_with("W/\"") && tag.ends_with('"'), "{tag}");
        assert_ne!(tag, catalogue_etag_of("v2", "/api/v1/search?q=x"));
        assert_ne!(tag, catalogue_etag_of("v1", "/api/v1/search?q=y"));
        assert!(none_match_hits(&tag, &tag));
        assert!(none_match_hits(&format!("\"zz\", {tag}"), &tag));
        assert!(none_match_hits(&format!("\"zz\", {}", &tag[2..]), &tag));
        assert!(none_match_hits("*", &tag));
        assert!(!none_match_hits("\"zz\"", &tag));
    }
}
