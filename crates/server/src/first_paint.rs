//! 首屏: the guidance pages (home, 个人/法人, a department, a bundle, a matter's guide, a stored
//! checklist, a receipt) served as index.html with the page already in it, so that a phone shows the
//! page as soon as the HTML arrives instead of after the wasm and a second request (Lighthouse:
//! LCP comes at the first paint). The content is the view the app would fetch
//! (`/api/v1/views/...`), marked with its address (`data-view`) so that the app takes it over
//! when it mounts (`adopt_first_paint` in `src/components/server_view.rs`) and draws the same
//! thing again: nothing moves.
//!
//! Chinese only: the language is a preference kept in the browser, which the server does not
//! see. Someone who chose English sees the Chinese page until the app mounts and redraws it.
//! Unknown codes get index.html as it is with 404; a failing store or a template without its
//! loading line, index.html with 200: the app then shows its own 404 or error, as before.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use onetrip_api::ErrorCode;
use onetrip_api::catalog::View;
use onetrip_ui::doc::{N, el, html, link, tc};
use onetrip_ui::messages::{Key, Locale, document_title, text};
use tower::Layer;

use crate::AppState;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::prefs;
use crate::routes::views::{self, ViewQuery};

/// index.html cut where the loading line is, with its title, and where the footer opens.
pub struct Template {
    head: String,
    before: String,
    /// From the loading line to the footer's inner `div`, and from there on.
    after: (String, String),
    /// A digest of the template: part of every page's ETag, so a new build is fetched anew.
    version: String,
}

impl Template {
    /// Cut `index` (as Trunk minifies it, or as written) at its loading line
    /// (`<p ... id=ot-boot>正在加载…</p>`) and its title. `None` when either is missing.
    pub fn parse(index: &str) -> Option<Template> {
        let deferred = start_on_use(index);
        Template::parse_as_built(deferred.as_deref().unwrap_or(index))
    }

    /// `parse` with Trunk's loader kept: the app starts at once (the application flow's
    /// pages, `form_paint`). Any title.
    pub fn parse_as_built(index: &str) -> Option<Template> {
        let title = index.find("<title>")?;
        let title_end = title + index[title..].find("</title>")? + "</title>".len();
        let id = ["id=ot-boot", "id=\"ot-boot\""]
            .iter()
            .find_map(|m| index.find(m))?;
        let start = index[..id].rfind("<p")?;
        let end = id + index[id..].find("</p>")? + "</p>".len();
        if start < title {
            return None;
        }
        let version = crate::routes::ids::digest(&["template", index])[..16].to_owned();
        // Inside the footer (`<div class="ot-footer__inner">`, or `class=ot-footer__inner>`
        // minified); at its end when there is none.
        let footer = index[end..]
            .find("ot-footer__inner")
            .and_then(|at| Some(end + at + index[end + at..].find('>')? + 1))
            .unwrap_or(index.len());
        Some(Template {
            head: index[..title].to_owned(),
            before: index[title_end..start].to_owned(),
            after: (index[end..footer].to_owned(), index[footer..].to_owned()),
            version,
        })
    }

    /// The template's own markup (its inline scripts go into the CSP).
    pub fn markup(&self) -> String {
        self.page("", "", "")
    }

    /// The page: its title ("页面 - 一次办", as the app sets it), `main`'s content, and
    /// what goes first in the footer.
    pub fn page(&self, title: &str, main: &str, footer: &str) -> String {
        let title = document_title(Locale::Zh, title);
        let mut out = String::with_capacity(
            self.head.len()
                + self.before.len()
                + main.len()
                + self.after.0.len()
                + footer.len()
                + self.after.1.len()
                + 64,
        );
        out.push_str(&self.head);
        out.push_str(&html(&[el("title").text(title)]));
        out.push_str(&self.before);
        out.push_str(main);
        out.push_str(&self.after.0);
        out.push_str(footer);
        out.push_str(&self.after.1);
        out
    }
}

/// The app's start, on the first sign of use (`start_on_use.js`). A drawn page is complete
/// without the app: its links lead to other drawn pages and printing is index.html's. So the
/// app's 140 KB are asked for only when the reader does something that needs it: focuses or
/// presses a button or a field, or a key (links, 打印 and 分享 do not count). Someone who
/// only reads a guide never downloads it. Until it runs:
/// - the elements marked `data-early` (the display settings, the search box), disabled in
///   the markup for browsers without JavaScript, are enabled;
/// - a press of a button is kept and pressed again on the app's own button once it has mounted
///   (长辈模式 shows its effect at once), a search sent is sent again, and what was typed and
///   where the focus was are carried over to the app's markup;
/// - someone who chose English gets the app at once (the server draws Chinese).
///
/// The preload links go: the page's own bytes have the connection to themselves.
/// `None` when Trunk's loader is not found as expected (the page is then served as built).
pub fn start_on_use(index: &str) -> Option<String> {
    let (open, close, js, wasm) = trunk_loader(index)?;
    let loader = format!(
        "<script type=module>{}</script>",
        include_str!("start_on_use.js")
            .lines()
            .filter(|l| !l.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("%JS%", js)
            .replace("%WASM%", wasm)
    );
    without_preloads(
        &format!("{}{loader}{}", &index[..open], &index[close..]),
        |_| true,
    )
}

/// Trunk's loader (`import init, * as bindings from '{js}'; ... init({ module_or_path:
/// '{wasm}' })`): where its `<script>` opens and where it closes, and the two paths.
fn trunk_loader(index: &str) -> Option<(usize, usize, &str, &str)> {
    let open = index.find("<script type=module>")?;
    let body_start = open + "<script type=module>".len();
    let body_end = body_start + index[body_start..].find("</script>")?;
    let body = &index[body_start..body_end];
    let quoted = |after: &str| -> Option<&str> {
        let from = body.find(after)? + after.len();
        let len = body[from..].find('\'')?;
        Some(&body[from..from + len])
    };
    let js = quoted("from '")?;
    let wasm = quoted("module_or_path: '")?;
    let safe = |p: &str| p.starts_with('/') && !p.contains(['\'', '<', '\\']);
    if !safe(js) || !safe(wasm) || !body.contains("import init") {
        return None;
    }
    Some((open, body_end + "</script>".len(), js, wasm))
}

/// `html` without the preload links `drop` picks.
fn without_preloads(html: &str, drop: impl Fn(&str) -> bool) -> Option<String> {
    let mut rest = html;
    let mut kept = String::with_capacity(html.len());
    while let Some(at) = rest.find("<link ") {
        let end = at + rest[at..].find('>')? + 1;
        let tag = &rest[at..end];
        kept.push_str(&rest[..at]);
        let preload = tag.contains("rel=modulepreload") || tag.contains("rel=preload");
        if !(preload && drop(tag)) {
            kept.push_str(tag);
        }
        rest = &rest[end..];
    }
    kept.push_str(rest);
    Some(kept)
}

/// The app's start on a page whose top the server drew (`form_paint`): the wasm is asked for
/// once that top is on the screen, not by a preload beside the HTML. On a phone the HTML's
/// paint comes long before the wasm anyway; but where the wasm arrives first (a fast network,
/// or Lighthouse's unthrottled trace, which its simulation then stretches to 1.6 Mbps), the
/// app would mount before the first paint and the drawn top would never be seen. It costs the
/// app's start the time from the HTML's head, where the preload was, to its first frame shown.
/// A hidden tab, which paints no frame, starts after a second.
pub fn after_first_paint(index: &str) -> Option<String> {
    let (open, close, _, wasm) = trunk_loader(index)?;
    let init = "const wasm = await init(";
    let at = open + index[open..close].find(init)?;
    // Once the first paint has been shown (its timing entry comes then), and a frame more;
    // without paint timing, after the next frame.
    let wait = "await new Promise(r=>{const f=()=>requestAnimationFrame(()=>setTimeout(r));\
try{new PerformanceObserver((l,o)=>{o.disconnect();f()}).observe({type:'paint',buffered:true})}catch(e){f()}\
setTimeout(r,1000)});\n";
    let page = format!("{}{wait}{}", &index[..at], &index[at..]);
    without_preloads(&page, |tag| tag.contains(wasm))
}

/// The routes, before the static files (which answer every other path with index.html).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route(
            "/for/{kind}",
            get(|State(s), Path(c), r| coded(s, r, "for", c, views::for_whom)),
        )
        .route(
            "/departments/{code}",
            get(|State(s), Path(c), r| coded(s, r, "departments", c, views::department)),
        )
        .route(
            "/bundles/{code}",
            get(|State(s), Path(c), r| coded(s, r, "bundles", c, views::bundle)),
        )
        .route(
            "/matters/{code}",
            get(|State(s), Path(c), r| coded(s, r, "matters", c, views::matter)),
        )
        .route("/c/{id}", get(checklist))
        .route("/r/{number}", get(receipt))
        // Level 5, as the views themselves (`middleware::compressed`): public pages.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::compression::CompressionLevel::Precise(5)),
        )
}

fn zh() -> ApiQuery<ViewQuery> {
    ApiQuery(ViewQuery::default())
}

/// The view as the app shows it: `<div class="ot-doc">`, marked for the app to take over.
fn doc(path: &str, view: &View) -> N {
    el("div")
        .attr("class", "ot-doc")
        .attr("data-view", View::address(path, Locale::Zh.tag()))
        .attr("data-title", view.title.clone())
}

/// `doc` with the view's HTML inside (already escaped by the renderer).
fn doc_html(path: &str, view: &View) -> String {
    let open = html(&[doc(path, view)]);
    // `<div ...></div>`: put the content between the tags.
    let cut = open.len() - "</div>".len();
    format!("{}{}</div>", &open[..cut], view.html)
}

/// What the app's home page draws above the server's lists (`src/routes/home.rs` and the
/// search box): disabled in the markup, because only the app checks what is typed (an ID or
/// phone number must never reach an address); enabled by the loader (`data-early`), which keeps
/// what is typed and sent for the app.
fn home_intro() -> Vec<N> {
    let t = |k| text(Locale::Zh, k);
    vec![
        tc("h1", "ot-heading-xl", t(Key::HomeTitle)),
        tc("p", "ot-lead", t(Key::HomeIntro)),
        el("form")
            .attr("class", "ot-search")
            .attr("role", "search")
            .attr("novalidate", "")
            .child(
                el("div").attr("class", "ot-field").children([
                    tc("label", "ot-field__label", t(Key::SearchLabel))
                        .attr("for", "ot-search-input"),
                    tc("p", "ot-field__hint", t(Key::SearchHint)).attr("id", "ot-search-hint"),
                    el("div").attr("class", "ot-search__row").children([
                        el("input")
                            .attr("id", "ot-search-input")
                            .attr("class", "ot-input ot-search__input")
                            .attr("type", "search")
                            .attr("name", "q")
                            .attr("maxlength", "50")
                            .attr("enterkeyhint", "search")
                            .attr("autocomplete", "off")
                            .attr("aria-describedby", "ot-search-hint")
                            .attr("disabled", "")
                            .attr("data-early", ""),
                        tc(
                            "button",
                            "ot-button ot-search__button",
                            t(Key::SearchButton),
                        )
                        .attr("type", "submit")
                        .attr("disabled", "")
                        .attr("data-early", ""),
                    ]),
                ]),
            ),
        el("nav")
            .attr("class", "ot-entries")
            .attr("aria-label", t(Key::ForWhom))
            .children([
                link("/for/person", "ot-entries__link", t(Key::ForPerson)),
                link("/for/company", "ot-entries__link", t(Key::ForCompany)),
            ]),
    ]
}

/// The print button the app draws under a checklist (`src/routes/checklist.rs`); index.html's
/// script prints.
fn print_button() -> N {
    el("p").attr("class", "ot-no-print").child(
        tc(
            "button",
            "ot-button ot-button--secondary",
            text(Locale::Zh, Key::Print),
        )
        .attr("type", "button")
        .attr("data-print", ""),
    )
}

/// `feedback_box`'s markup, the same on every page: made once.
static FEEDBACK: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| html(&[feedback_box()]));

/// The question the guidance app's footer asks (`src/components/feedback.rs`), as it first
/// shows it: its buttons, like the search box, work once the app runs (`data-early`).
fn feedback_box() -> N {
    let t = |k| text(Locale::Zh, k);
    let button = |k| {
        tc("button", "ot-button ot-button--secondary", t(k))
            .attr("type", "button")
            .attr("disabled", "")
            .attr("data-early", "")
    };
    el("section")
        .attr("class", "ot-feedback")
        .attr("aria-labelledby", "ot-feedback-title")
        .children([
            tc("h2", "ot-feedback__title", t(Key::FeedbackQuestion))
                .attr("id", "ot-feedback-title"),
            el("div")
                .attr("class", "ot-feedback__buttons")
                .children([button(Key::FeedbackYes), button(Key::FeedbackNo)]),
        ])
}

/// A page to draw: the view's address under `/api/v1/views`, the view, and what the app
/// draws before and after it.
struct Drawn {
    path: String,
    view: View,
    before: Vec<N>,
    after: Vec<N>,
}

impl Drawn {
    fn new(path: String, view: View) -> Drawn {
        Drawn {
            path,
            view,
            before: Vec::new(),
            after: Vec::new(),
        }
    }
}

/// The page, or index.html as it is when there is none. A code that does not exist gets the
/// app's page with 404 (so that guessing numbers meets the rate limit as the API's 404 does);
/// another error, the app's page with 200 (the app then says what went wrong).
/// `fixed`: the page changes only with the catalogue and the build (an ETag); otherwise not.
fn respond(
    state: &AppState,
    request: &Request,
    drawn: Result<Drawn, ApiError>,
    fixed: bool,
) -> Response {
    let prefs = prefs::of(request.headers());
    let drawn = match (state.first_paint.as_deref(), drawn) {
        (Some(template), Ok(d)) => (template, d),
        (_, Err(e)) if e.code == ErrorCode::NotFound => {
            let mut r = shell(state, prefs);
            *r.status_mut() = StatusCode::NOT_FOUND;
            return r;
        }
        _ => return shell(state, prefs),
    };
    let (template, d) = drawn;
    let etag = fixed.then(|| {
        crate::middleware::catalogue_etag_of(
            &format!(
                "{}.{}{}",
                state.catalog.version,
                template.version,
                prefs::tag(prefs)
            ),
            request.uri().path(),
        )
    });
    if let Some(etag) = &etag
        && request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| crate::middleware::none_match_hits(v, etag))
    {
        return with_cache(StatusCode::NOT_MODIFIED.into_response(), Some(etag));
    }
    let main = format!(
        "{}{}{}",
        html(&d.before),
        doc_html(&d.path, &d.view),
        html(&d.after)
    );
    let page = template.page(&d.view.title, &main, &FEEDBACK);
    let page = prefs::apply(prefs, &page).into_owned();
    let response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    with_cache(response, etag.as_deref())
}

/// Revalidated every time (`no-cache`), and told apart by the preferences' cookie.
fn with_cache(mut response: Response, etag: Option<&str>) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.append(header::VARY, HeaderValue::from_static("Cookie"));
    if let Some(v) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        h.insert(header::ETAG, v);
    }
    response
}

/// index.html as it is (the app draws the page), with the phone's preferences.
fn shell(state: &AppState, prefs: Option<prefs::Prefs>) -> Response {
    let response = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        prefs::apply(prefs, &state.index_html).into_owned(),
    )
        .into_response();
    with_cache(response, None)
}

/// 办件进度 (`/track/{number}`): track.html with the app started on use. The server cannot
/// draw this page: the key that opens the application is kept on the phone, and a page
/// request does not carry it. So the page's own script (`public/progress-early.js`) asks for
/// the page with the app's controls drawn (`controls=true`), shows it, and keeps it up to date
/// until the app is needed: a press or a focus on a control, no key on this phone, or an
/// answer other than the page. Someone who only looks at where their application is never
/// downloads the app. The printable notices under the number and 我的办件 (`/track/`) are the
/// app's, as built.
///
/// A middleware before the progress app's files (`static_files`), which take every path under
/// `/track/`: the router cannot hold `/track/{number}` beside them.
pub async fn track_page(
    State(state): State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let number = request.uri().path().strip_prefix("/track/");
    let page = request.method() == axum::http::Method::GET
        && number.is_some_and(|n| {
            n.len() == 10
                && n.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        });
    if !page {
        return next.run(request).await;
    }
    // Level 5, as the drawn pages.
    let compressed = tower_http::compression::CompressionLayer::new()
        .quality(tower_http::compression::CompressionLevel::Precise(5))
        .layer(tower::service_fn(move |request: Request| {
            let state = state.clone();
            let prefs = prefs::of(request.headers());
            async move { Ok::<_, std::convert::Infallible>(track(&state, prefs)) }
        }));
    match tower::ServiceExt::oneshot(compressed, request).await {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

fn track(state: &AppState, prefs: Option<prefs::Prefs>) -> Response {
    let page = match &*state.track_html {
        "" => crate::static_files::NOT_BUILT.to_owned(),
        page => prefs::apply(prefs, page).into_owned(),
    };
    with_cache(
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response(),
        None,
    )
}

/// A catalogue view by its handler, as `Drawn`.
fn drawn(path: String, view: Result<Json<View>, ApiError>) -> Result<Drawn, ApiError> {
    view.map(|Json(v)| Drawn::new(path, v))
}

async fn home(State(state): State<AppState>, request: Request) -> Response {
    let view = views::home(State(state.clone()), zh()).await;
    let d = drawn("/home".into(), view).map(|d| Drawn {
        before: home_intro(),
        ..d
    });
    respond(&state, &request, d, true)
}

/// A page of the catalogue by its code (`/{section}/{code}`), drawn from its view's handler.
async fn coded<F, Fut>(
    state: AppState,
    request: Request,
    section: &str,
    code: String,
    view: F,
) -> Response
where
    F: FnOnce(State<AppState>, ApiPath<String>, ApiQuery<ViewQuery>) -> Fut,
    Fut: Future<Output = Result<Json<View>, ApiError>>,
{
    let path = format!("/{section}/{code}");
    let view = view(State(state.clone()), ApiPath(code), zh()).await;
    respond(&state, &request, drawn(path, view), true)
}

async fn checklist(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let path = format!("/checklists/{id}");
    let view = views::checklist(State(state.clone()), ApiPath(id), zh()).await;
    let d = drawn(path, view).map(|d| Drawn {
        after: vec![print_button()],
        ..d
    });
    respond(&state, &request, d, true)
}

/// 申请回执: what is outstanding changes, so it is drawn afresh every time, without an ETag.
async fn receipt(
    State(state): State<AppState>,
    Path(number): Path<String>,
    request: Request,
) -> Response {
    let d = crate::routes::applications::find(&state, &number)
        .await
        .map(|receipt| {
            let page = onetrip_ui::pages::receipt(Locale::Zh, &receipt);
            Drawn {
                after: vec![print_button()],
                ..Drawn::new(
                    format!("/applications/{number}"),
                    View {
                        title: page.title,
                        html: html(&page.nodes),
                    },
                )
            }
        });
    respond(&state, &request, d, false)
}

/// The template, when index.html has one (a build without the app has none).
pub fn template(index: &str) -> Option<Arc<Template>> {
    Template::parse(index).map(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_the_minified_and_the_written_template() {
        for index in [
            "<!doctype html><title>一次办</title><main class=ot-main><p class=ot-loading id=ot-boot>正在加载…</p><div id=ot-unsupported hidden></div></main><footer class=ot-footer><div class=ot-footer__inner><p>12345</p></div></footer>",
            "<!doctype html>\n<title>一次办</title>\n<main>\n<p class=\"ot-loading\" id=\"ot-boot\">正在加载…</p>\n<div id=\"ot-unsupported\" hidden></div></main>\n<footer class=\"ot-footer\">\n<div class=\"ot-footer__inner\">\n<p>12345</p></div></footer>",
        ] {
            let t = Template::parse(index).expect("a template");
            let page = t.page("企业开办", "<h1>x</h1>", "<p>f</p>");
            assert!(page.contains("<title>企业开办 - 一次办</title>"), "{page}");
            assert!(page.contains("<h1>x</h1>"));
            // What the footer draws first goes inside it, before the hotline.
            let f = page.find("<p>f</p>").expect("the footer's content");
            let inner = page.find("ot-footer__inner").unwrap();
            assert!(f > inner && page[inner..f].ends_with('>') && f < page.find("12345").unwrap());
            assert!(!page.contains("正在加载"));
            assert!(
                page.contains("ot-unsupported"),
                "the notice for old engines stays"
            );
            assert!(t.page("", "", "").contains("<title>一次办</title>"));
        }
        assert!(Template::parse("<title>一次办</title><main></main>").is_none());
        assert!(Template::parse("<p id=ot-boot>…</p>").is_none());
    }

    #[test]
    fn the_app_starts_on_use() {
        let built = "<!doctype html><title>一次办</title><script type=module>import init, * as bindings from '/onetrip-0a.js';\nconst wasm = await init({ module_or_path: '/onetrip-0a_bg.wasm' });\nwindow.wasmBindings = bindings;</script>\
<link crossorigin href=/onetrip-0a.js integrity=sha384-x rel=modulepreload><link as=fetch crossorigin href=/onetrip-0a_bg.wasm rel=preload type=application/wasm><link href=/manifest.webmanifest rel=manifest><main><p id=ot-boot>正在加载…</p></main>";
        let page = Template::parse(built).unwrap().markup();
        assert!(page.contains("js='/onetrip-0a.js'"), "{page}");
        assert!(page.contains("wasm='/onetrip-0a_bg.wasm'"), "{page}");
        assert!(page.contains("import(js)"), "{page}");
        assert!(
            !page.contains("// The app's start"),
            "the comments stay in the source"
        );
        assert!(!page.contains("preload"), "{page}");
        assert!(page.contains("rel=manifest"), "{page}");
        // Another loader is left as it is.
        let other = "<title>一次办</title><script type=module>start()</script><p id=ot-boot></p>";
        assert!(Template::parse(other).unwrap().markup().contains("start()"));
    }

    #[test]
    fn a_drawn_step_asks_for_the_wasm_after_its_first_paint() {
        let built = "<!doctype html><title>在线申请 - 一次办</title><script type=module>import init, * as bindings from '/apply/a-0a.js';\nconst wasm = await init({ module_or_path: '/apply/a-0a_bg.wasm' });\nwindow.wasmBindings = bindings;</script>\
<link crossorigin href=/apply/a-0a.js rel=modulepreload><link as=fetch crossorigin href=/apply/a-0a_bg.wasm rel=preload type=application/wasm><main><p id=ot-boot>正在加载…</p></main>";
        let page = after_first_paint(built).unwrap();
        let wait = page.find("requestAnimationFrame").unwrap();
        assert!(
            wait < page.find("const wasm = await init(").unwrap(),
            "{page}"
        );
        assert!(!page.contains("rel=preload"), "{page}");
        assert!(
            page.contains("href=/apply/a-0a.js rel=modulepreload"),
            "{page}"
        );
        let t = Template::parse_as_built(&page).unwrap();
        assert!(
            t.page("法定代表人", "<h1>法定代表人</h1>", "")
                .contains("<title>法定代表人 - 一次办</title><script type=module>import init")
        );
        assert!(
            after_first_paint("<title>x</title><script type=module>start()</script>").is_none()
        );
    }

    #[test]
    fn titles_and_content_are_escaped_and_marked_for_the_app() {
        let view = View {
            title: "<script>".into(),
            html: "<p>ok</p>".into(),
        };
        assert_eq!(
            doc_html("/matters/a\"b", &view),
            "<div class=\"ot-doc\" data-view=\"/api/v1/views/matters/a&quot;b?lang=zh-CN\" data-title=\"&lt;script&gt;\"><p>ok</p></div>"
        );
        let t = Template::parse("<title>一次办</title><p id=ot-boot></p>").unwrap();
        assert!(
            t.page("<script>", "", "")
                .contains("<title>&lt;script&gt; - 一次办</title>")
        );
    }
}
