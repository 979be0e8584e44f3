//! 一次办 server: the REST API under `/api`, the built app everywhere else.
//!
//! `router(state)` builds the whole service and is what tests drive in-process; `run` adds the
//! listener, start-up checks and graceful shutdown.

pub mod admin;
pub mod api_doc;
pub mod body_cache;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod error;
pub mod first_paint;
pub mod form_paint;
pub mod middleware;
pub mod notify;
pub mod prefs;
pub mod qr;
pub mod rate_limit;
pub mod routes;
pub mod staff_auth;
pub mod static_files;
pub mod storage;
pub mod telemetry;
pub mod uploads;
pub mod workflow;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::catalog::LoadedCatalog;
use crate::clock::{Clock, SystemClock, TestClock};
use crate::config::Config;
use crate::rate_limit::RateLimiter;
use crate::storage::Storage;

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub storage: Arc<dyn Storage>,
    pub catalog: Arc<LoadedCatalog>,
    pub clock: Arc<dyn Clock>,
    /// Present when the clock is a test clock (tests, and `test-clock` builds on request).
    pub test_clock: Option<TestClock>,
    pub limits: Arc<Limits>,
    /// The Content-Security-Policy, computed once from the pages we serve.
    pub csp: Arc<str>,
    /// Uploaded documents' bytes.
    pub files: Arc<dyn object_store::ObjectStore>,
    /// Uploads checked at once (decoding images is memory-hungry: this bounds it).
    pub upload_permits: Arc<tokio::sync::Semaphore>,
    /// The applicant's progress answers, by application and ETag (`body_cache`).
    pub progress_cache: Arc<body_cache::BodyCache>,
    /// index.html as built (the guidance app's page for every path it routes).
    pub index_html: Arc<str>,
    /// index.html cut for the guidance pages served with their content (`first_paint`).
    pub first_paint: Option<Arc<first_paint::Template>>,
    /// The application flow's page as built, and cut for the steps drawn with their top
    /// (`form_paint`).
    pub apply_html: Arc<str>,
    pub form_paint: Option<Arc<first_paint::Template>>,
    /// apply.html cut for the review drawn before its app, which starts on use (`form_paint`).
    pub apply_on_use: Option<Arc<first_paint::Template>>,
    /// 办件进度's page (`/track/{number}`): track.html with the app started on use
    /// (`first_paint::track`); empty when the app is not built.
    pub track_html: Arc<str>,
    /// Set when the server is asked to stop: long polls answer at once instead of holding
    /// the graceful shutdown for up to `WAIT_MAX_SECS`.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
    /// The key of the digests kept of identity and phone numbers (`ids::keyed`):
    /// `ONETRIP_DIGEST_KEY`, else the database's (`build_state`), else (a state built
    /// directly, in tests) one made for this process.
    pub digest_key: Arc<config::DigestKey>,
}

/// Progress answers kept per generation: a few KB each, so at most some tens of MB.
const PROGRESS_CACHE_ENTRIES: usize = 4096;

pub struct Limits {
    pub read: RateLimiter,
    pub write: RateLimiter,
    /// Lookups that found nothing (404), so that guessing tokens soon meets a 429.
    pub guess: RateLimiter,
}

impl AppState {
    pub fn new(
        config: Config,
        storage: Arc<dyn Storage>,
        catalog: LoadedCatalog,
        test_clock: Option<TestClock>,
    ) -> Self {
        let read = |p: &str| std::fs::read_to_string(config.dist.join(p)).unwrap_or_default();
        let (index, apply, materials, track, staff, book) = (
            read("index.html"),
            read("apply/index.html"),
            read(static_files::MATERIALS_INDEX),
            read("track/index.html"),
            read("staff/index.html"),
            read("book/index.html"),
        );
        let first_paint = first_paint::template(&index);
        let form_paint = first_paint::after_first_paint(&apply)
            .and_then(|page| first_paint::Template::parse_as_built(&page))
            .or_else(|| first_paint::Template::parse_as_built(&apply))
            .map(Arc::new);
        let form_drawn = form_paint.as_ref().map(|t| t.markup()).unwrap_or_default();
        let track_html = first_paint::start_on_use(&track).unwrap_or_else(|| track.clone());
        // The review, drawn as the form's steps but with the app started on use.
        let apply_on_use = first_paint::Template::parse(&apply).map(Arc::new);
        let on_use_drawn = apply_on_use
            .as_ref()
            .map(|t| t.markup())
            .unwrap_or_default();
        let drawn = first_paint.as_ref().map(|t| t.markup()).unwrap_or_default();
        let csp = static_files::content_security_policy(&[
            &drawn,
            &form_drawn,
            &track_html,
            &on_use_drawn,
            &index,
            &apply,
            &materials,
            &track,
            &staff,
            &book,
            static_files::maintenance_page(),
        ]);
        let clock: Arc<dyn Clock> = match &test_clock {
            Some(c) => Arc::new(c.clone()),
            None => Arc::new(SystemClock),
        };
        let _ = std::fs::create_dir_all(&config.files_dir);
        let files = match files_store(&config) {
            Ok(store) => store,
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), dir = %config.files_dir.display(), "cannot use the files store; uploads are kept in memory");
                Arc::new(object_store::memory::InMemory::new())
            }
        };
        let digest_key = match &config.digest_key {
            Some(key) => key.clone(),
            None => config::DigestKey::random().expect("the operating system's randomness"),
        };
        AppState {
            digest_key: Arc::new(digest_key),
            files,
            upload_permits: Arc::new(tokio::sync::Semaphore::new(
                routes::files::DECODE_BUDGET as usize,
            )),
            limits: Arc::new(Limits {
                read: RateLimiter::new(config.rate_read),
                write: RateLimiter::new(config.rate_write),
                guess: RateLimiter::new(config.rate_guess),
            }),
            config: Arc::new(config),
            storage,
            catalog: Arc::new(catalog),
            clock,
            test_clock,
            csp: csp.into(),
            progress_cache: Arc::new(body_cache::BodyCache::new(PROGRESS_CACHE_ENTRIES)),
            first_paint,
            index_html: index.into(),
            form_paint,
            apply_html: apply.into(),
            track_html: track_html.into(),
            apply_on_use,
            stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }
}

/// The object store for documents' bytes: the local folder `files_dir`, or an S3-compatible
/// bucket (`ONETRIP_FILES=s3://bucket[/prefix]`) in builds with the `s3` feature.
pub fn files_store(config: &Config) -> anyhow::Result<Arc<dyn object_store::ObjectStore>> {
    match &config.files_store {
        config::FilesStore::Local => Ok(Arc::new(
            object_store::local::LocalFileSystem::new_with_prefix(&config.files_dir)?,
        )),
        #[cfg(feature = "s3")]
        config::FilesStore::S3 { bucket, prefix } => {
            // Endpoint (AWS_ENDPOINT for MinIO and the like), region, credentials and
            // AWS_ALLOW_HTTP from the environment, as every AWS tool reads them.
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .with_context(|| format!("the S3 bucket {bucket} (AWS_* variables)"))?;
            Ok(match prefix {
                Some(p) => Arc::new(object_store::prefix::PrefixStore::new(s3, p.as_str())),
                None => Arc::new(s3),
            })
        }
        #[cfg(not(feature = "s3"))]
        config::FilesStore::S3 { bucket, .. } => anyhow::bail!(
            "ONETRIP_FILES names the S3 bucket {bucket}, but this server was built without the \
             s3 feature (cargo build -p onetrip-server --features s3)"
        ),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "一次办 API", description = "Citizen-facing API of 一次办 (onetrip). Every error is the JSON envelope `ErrorEnvelope`."),
    servers((url = "/api")),
    tags(
        (name = "system", description = "健康检查"),
        (name = "catalog", description = "服务目录：事项与一件事"),
        (name = "checklists", description = "一次性告知单：保存、分享链接和二维码"),
        (name = "applications", description = "一表登记：草稿、续填、提交、回执，容缺与补正的补交材料"),
        (name = "staff", description = "工作人员：登录、窗口受理、部门审批、督办整改（会话 Cookie）"),
        (name = "bookings", description = "窗口预约：负面清单事项的可预约时段、预约、确认页和签到二维码、取消"),
        (name = "feedback", description = "页面反馈"),
        (name = "views", description = "服务器生成的只读页面（HTML），与 JSON 资源内容相同"),
    ),
    components(schemas(onetrip_api::ErrorEnvelope))
)]
struct ApiDoc;

/// The largest upload body: the largest material limit (10 MB) and the multipart framing.
const UPLOAD_BODY_LIMIT: usize = 11 * 1024 * 1024;

/// The documented API: every route is registered together with its OpenAPI entry. Resources
/// are versioned under `/v1`; the health check and the document itself are not.
fn api_router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(routes::catalog::index))
        .routes(routes!(routes::catalog::list_matters))
        .routes(routes!(routes::catalog::matter_guide))
        .routes(routes!(routes::catalog::list_bundles))
        .routes(routes!(routes::catalog::list_banks))
        .routes(routes!(routes::catalog::bundle_detail))
        .routes(routes!(routes::catalog::bundle_questions))
        .routes(routes!(routes::catalog::matter_questions))
        .routes(routes!(routes::catalog::search))
        .routes(routes!(routes::checklists::create))
        .routes(routes!(routes::checklists::get))
        .routes(routes!(routes::checklists::qr))
        .routes(routes!(routes::drafts::create))
        .merge(
            // A draft carries its whole merged form (about 30 KB of catalogue text), read on
            // every page of the form: compressed (see `middleware::compressed_personal`).
            OpenApiRouter::new()
                .routes(routes!(routes::drafts::get, routes::drafts::save))
                .routes(routes!(routes::drafts::review))
                .layer(axum::middleware::from_fn(middleware::compressed_personal)),
        )
        .routes(routes!(routes::drafts::open))
        .routes(routes!(routes::drafts::qr))
        .merge(
            // Documents are larger than JSON bodies; the route enforces each material's limit
            // while reading.
            OpenApiRouter::new()
                .routes(routes!(routes::files::upload, routes::files::list))
                .routes(routes!(routes::supplements::upload))
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .routes(routes!(routes::files::download, routes::files::remove))
        .routes(routes!(routes::files::order))
        .routes(routes!(routes::supplements::order))
        .routes(routes!(routes::applications::create))
        .routes(routes!(routes::applications::get))
        .routes(routes!(routes::applications::qr))
        .routes(routes!(routes::supplements::open))
        .routes(routes!(routes::supplements::materials))
        .routes(routes!(
            routes::supplements::download,
            routes::supplements::remove
        ))
        .routes(routes!(routes::supplements::hand_in))
        .routes(routes!(routes::progress::progress))
        .routes(routes!(routes::progress::progress_view))
        .routes(routes!(routes::progress::notice))
        .routes(routes!(routes::progress::withdraw))
        .routes(routes!(routes::drafts::restart))
        .routes(routes!(routes::progress::rate))
        .routes(routes!(
            routes::counter::current,
            routes::counter::issue,
            routes::counter::revoke
        ))
        .routes(routes!(routes::counter::qr))
        .routes(routes!(
            routes::counter::lookup,
            routes::counter::staff_revoke
        ))
        .routes(routes!(routes::bookings::slots))
        .routes(routes!(routes::bookings::book))
        .routes(routes!(routes::bookings::get, routes::bookings::cancel))
        .routes(routes!(routes::bookings::arrive))
        .routes(routes!(routes::staff::sign_in, routes::staff::sign_out))
        .routes(routes!(routes::staff::who_am_i))
        .routes(routes!(routes::staff::queue))
        .routes(routes!(routes::staff::show))
        .routes(routes!(routes::staff::act))
        .routes(routes!(routes::staff::download))
        .routes(routes!(routes::staff::followups))
        .routes(routes!(routes::staff::reply))
        .routes(routes!(routes::feedback::submit))
        .routes(routes!(routes::views::home))
        .routes(routes!(routes::views::for_whom))
        .routes(routes!(routes::views::department))
        .routes(routes!(routes::views::search))
        .routes(routes!(routes::views::bundle))
        .routes(routes!(routes::views::matter))
        .routes(routes!(routes::views::checklist))
        .routes(routes!(routes::views::application));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::health))
        .nest("/v1", v1)
}

/// The routes and their OpenAPI document, completed with what many operations share.
fn documented_api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut doc) = api_router().split_for_parts();
    api_doc::complete(&mut doc);
    (api, doc)
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented_api().1
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = documented_api();
    let doc_json = doc.to_pretty_json().unwrap_or_default();
    #[allow(unused_mut)]
    let mut api = api.route(
        "/openapi.json",
        axum::routing::get(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                doc_json,
            )
        }),
    );
    #[cfg(feature = "test-clock")]
    {
        api = api.route("/test/clock", axum::routing::put(routes::test_clock::set));
    }
    let api = api
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.json_limit));

    Router::new()
        .nest("/api", api)
        .route("/k/{code}", axum::routing::get(routes::counter::short_link))
        .merge(first_paint::router())
        .merge(form_paint::router())
        .merge(
            static_files::router(&state.config.dist)
                .layer(from_fn_with_state(state.clone(), first_paint::track_page)),
        )
        .layer(from_fn_with_state(
            state.clone(),
            middleware::catalogue_etag,
        ))
        .layer(from_fn_with_state(state.clone(), middleware::rate_limit))
        .layer(from_fn_with_state(state.clone(), middleware::cross_site))
        .layer(from_fn_with_state(state.clone(), middleware::maintenance))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn(middleware::request_id))
        .with_state(state)
}

/// Open storage, load the catalogue, and build the state. Fails loudly on anything unsafe.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let catalog = catalog::load(&config.catalog)?;
    // With S3, files_dir is the local folder uploads are received in.
    std::fs::create_dir_all(&config.files_dir)
        .and_then(|()| std::fs::metadata(&config.files_dir))
        .with_context(|| format!("the files folder {}", config.files_dir.display()))?;
    files_store(&config)?;
    if let config::FilesStore::S3 { bucket, prefix } = &config.files_store {
        tracing::info!(%bucket, prefix = prefix.as_deref().unwrap_or(""), uploads = %config.files_dir.display(), "documents kept in S3");
    }
    let storage = storage::open(&config.database_url).await.with_context(|| {
        format!(
            "opening the {} database",
            backend_name(&config.database_url)
        )
    })?;
    for (name, value) in storage.settings().await? {
        tracing::info!(backend = storage.backend().name(), setting = %name, %value, "database setting");
    }
    let test_clock = test_clock_from_env();
    let mut state = AppState::new(config, storage, catalog, test_clock);
    if state.config.digest_key.is_none() {
        state.digest_key = Arc::new(shared_digest_key(state.storage.as_ref()).await?);
        tracing::warn!(
            "ONETRIP_DIGEST_KEY unset: the digests of identity and phone numbers use a key kept in the database (see docs/deploy.md)"
        );
    }
    let now = state.clock.now();
    let new = state
        .storage
        .record_catalog_version(&state.catalog.version, now)
        .await?;
    tracing::info!(
        version = %state.catalog.version,
        matters = state.catalog.catalog.matters.len(),
        bundles = state.catalog.catalog.bundles.len(),
        new,
        "catalogue loaded"
    );
    Ok(state)
}

/// The digest key kept in the database, made by the first instance to start.
pub async fn shared_digest_key(storage: &dyn Storage) -> anyhow::Result<config::DigestKey> {
    let fresh = config::DigestKey::random()?.to_hex();
    let kept = storage.secret("digest-key", &fresh).await?;
    config::DigestKey::from_hex(&kept).context("server_secrets holds a damaged digest-key")
}

fn backend_name(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// In `test-clock` builds, `ONETRIP_TEST_CLOCK=1` starts the server on a settable clock.
fn test_clock_from_env() -> Option<TestClock> {
    if cfg!(feature = "test-clock") && std::env::var("ONETRIP_TEST_CLOCK").is_ok_and(|v| v == "1") {
        tracing::warn!("the clock is a test clock: PUT /api/test/clock moves it");
        return Some(TestClock::at(SystemClock.now()));
    }
    None
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let addr = config.addr;
    let state = match build_state(config).await {
        Ok(state) => state,
        Err(err) => {
            // One clear line for the operator, then a non-zero exit.
            eprintln!("onetrip-server: cannot start: {err:#}");
            std::process::exit(2);
        }
    };
    let public = state.config.public_base_url();
    if state.config.maintenance {
        tracing::warn!("maintenance switch is on: serving 系统维护中");
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, public = public.origin(), "listening");
    println!(
        "一次办 is running at {}  (listening on http://{local})",
        public.origin()
    );
    // Expired drafts (personal data) are deleted every ten minutes.
    tokio::spawn(routes::drafts::purge(state.clone()));
    tokio::spawn(notify::worker(state.clone()));
    let stopping = state.stopping.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("stopping: answering the requests in flight");
            stopping.send_replace(true);
        })
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
