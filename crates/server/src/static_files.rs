//! Serving the app built by Trunk: hashed assets are immutable, `index.html` is revalidated on
//! every visit, unknown non-API paths get `index.html` with 200 (the app routes them), and
//! precompressed `.br`/`.gz` files written at build time are chosen by `Accept-Encoding`.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};

pub(crate) const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>一次办</title>\
<h1>应用尚未构建</h1><p>请运行 <code>cargo xtask serve</code>。</p></html>";

/// Files Trunk names `name-<16 hex>.ext` never change: cache them for a year.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// The page of the application flow's materials step, in `dist`.
pub const MATERIALS_INDEX: &str = "apply/materials-app/index.html";

pub fn router<S: Clone + Send + Sync + 'static>(dist: &Path) -> Router<S> {
    let index = dist.join("index.html");
    if !index.is_file() {
        tracing::warn!(dist = %dist.display(), "no built app found; serving a notice instead");
        return Router::new().fallback(|| async { Html(NOT_BUILT).into_response() });
    }
    let serve = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );
    let mut router = Router::new();
    // The application flow (/apply/), the progress app (/track/), the staff side (/staff/)
    // and the booking app (/book/) are apps of their own, each with its own index.html for
    // the paths under it.
    // The materials step of the application flow (/apply/materials, /apply/supplement/…) is
    // an app of its own, its files under /apply/materials-app/.
    let materials = dist.join(MATERIALS_INDEX);
    if materials.is_file() {
        let page = ServeFile::new(materials)
            .precompressed_br()
            .precompressed_gzip();
        router = router
            .route_service("/apply/materials", page.clone())
            .route_service("/apply/materials/", page.clone())
            .route_service("/apply/supplement/{number}", page);
    }
    for app in ["apply", "track", "staff", "book"] {
        let folder = dist.join(app);
        if folder.join("index.html").is_file() {
            let serve_app = ServeDir::new(&folder)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(folder.join("index.html"))
                        .precompressed_br()
                        .precompressed_gzip(),
                );
            router = router.nest_service(&format!("/{app}"), serve_app);
        }
    }
    router
        .fallback_service(serve)
        .layer(middleware::from_fn(cache_control))
}

/// SHA-256 sources for the inline `<script>` and `<style>` blocks of a page we serve, so the
/// CSP can allow exactly them and nothing else inline.
pub fn inline_hashes(html: &str) -> (Vec<String>, Vec<String>) {
    let hashes = |tag: &str| {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find(&open) {
            let after = &rest[start..];
            let Some(gt) = after.find('>') else { break };
            let attrs = &after[..gt];
            let body_start = gt + 1;
            let Some(end) = after[body_start..].find(&close) else {
                break;
            };
            let body = &after[body_start..body_start + end];
            if !attrs.contains(" src=") && !body.is_empty() {
                let digest = Sha256::digest(body.as_bytes());
                let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
                out.push(format!("'sha256-{b64}'"));
            }
            rest = &after[body_start + end + close.len()..];
        }
        out
    };
    (hashes("script"), hashes("style"))
}

/// The Content-Security-Policy for a wasm app: scripts from us plus the exact inline ones,
/// `'wasm-unsafe-eval'` to compile the module, never `'unsafe-eval'`.
pub fn content_security_policy(pages: &[&str]) -> String {
    let mut scripts = Vec::new();
    let mut styles = Vec::new();
    for page in pages {
        let (s, t) = inline_hashes(page);
        scripts.extend(s);
        styles.extend(t);
    }
    scripts.sort();
    scripts.dedup();
    styles.sort();
    styles.dedup();
    let join = |v: &[String]| {
        if v.is_empty() {
            String::new()
        } else {
            format!(" {}", v.join(" "))
        }
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        join(&scripts),
        join(&styles)
    )
}

pub fn maintenance_page() -> &'static str {
    include_str!("maintenance.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/onetrip-3f2a9c0d1e4b5a6f_bg.wasm"));
        assert!(is_hashed_asset("/onetrip-3f2a9c0d1e4b5a6f.js"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/matters/company-registration"));
    }

    #[test]
    fn csp_hashes_inline_blocks_only() {
        let html = "<script>probe()</script><script type=\"module\" src=\"/x.js\"></script>\
                    <style>b{}</style>";
        let (scripts, styles) = inline_hashes(html);
        assert_eq!(scripts.len(), 1);
        assert_eq!(styles.len(), 1);
        let csp = content_security_policy(&[html]);
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("'unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains(&scripts[0]));
    }
}
