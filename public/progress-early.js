// 办件进度 before the app (/track/{number}; inlined into track.html by Trunk). The page is the
// server's: it is asked for here with the app's controls drawn (`controls=true`, see
// onetrip_ui::progress_controls) and shown as soon as it arrives, then kept up to date by
// waiting looks (long polling with the ETag of what is shown), each change announced to
// screen readers. The app is started when it is needed (crates/server/src/start_on_use.js):
// a press or a focus on a control, no key on this phone, or an answer that is not the page
// (a key no longer valid, no such application, a server error). It takes the last answer
// (`window.otProgress`, `api::early`) and draws the same page over this one.
// The key is the one the app would use (src/apply.rs `application_key`: this tab's, else
// 我的办件's, src/mine.rs), the language the app's (src/prefs.rs).
(function () {
    var w = window, d = document, n = (/^\/track\/([0-9A-Z]{10})\/?$/.exec(location.pathname) || [])[1];
    if (!n) return;
    var k = null, lang = "zh-CN";
    try {
        var tab = (sessionStorage.getItem("onetrip.application") || "").split(":");
        if (tab[0] === n && tab[1]) k = tab[1];
        // Regular expressions, not "\n" and "\t": Trunk's minifier turns those into `\\n`.
        (localStorage.getItem("onetrip.mine") || "").split(/\n/).forEach(function (line) {
            var p = line.split(/\t/);
            if (!k && p[0] === n && p[1]) k = p[1];
        });
        if (/^en/.test(localStorage.getItem("onetrip.prefs") || "")) lang = "en";
    } catch (e) { /* storage refused: the app asks itself */ }
    // Not `Promise.resolve`: Trunk's minifier calls it without its `this`.
    var now = function (x) { return new Promise(function (r) { r(x); }); };
    var app = function () {
        w.otStartNow = 1;
        if (w.otStart) w.otStart();
    };
    if (!k) return app();
    var path = "/api/v1/applications/" + n + "/progress/view?controls=true&lang=" + lang + "&wait=";
    var etag = null, shown = null, live = null, drawn = [], asking = null;
    var ask = function (wait) {
        var headers = { "Accept": "application/json", "X-Application-Key": k };
        if (wait && etag) headers["If-None-Match"] = etag;
        asking = w.AbortController ? new AbortController() : null;
        return fetch(path + wait, { headers: headers, signal: asking && asking.signal });
    };
    var ready = function () {
        return d.readyState === "loading"
            ? new Promise(function (r) { d.addEventListener("DOMContentLoaded", r); })
            : now();
    };
    // The page in place of the loading line (the app's order: the live region, the page, the
    // controls); the buttons are enabled, a press starting the app.
    var draw = function (text) {
        var v = JSON.parse(text), main = d.getElementById("main");
        if (!main || w.otStarted) return;
        w.otProgress = now(text);
        if (!live) {
            live = d.createElement("p");
            live.className = "ot-visually-hidden";
            live.setAttribute("role", "status");
            live.setAttribute("aria-live", "polite");
            var boot = d.getElementById("ot-boot");
            main.insertBefore(live, boot);
            if (boot) main.removeChild(boot);
        } else if (shown !== v.status) {
            live.textContent = v.announce;
        }
        shown = v.status;
        var first = !drawn.length, doc = d.createElement("div"), page = d.createElement("template");
        var controls = d.createElement("template");
        doc.className = "ot-doc";
        page.innerHTML = v.html;
        controls.innerHTML = v.controls;
        var parts = [].slice.call(page.content.childNodes), after = [].slice.call(controls.content.childNodes);
        drawn.forEach(function (e) { if (e.parentNode) e.parentNode.removeChild(e); });
        main.insertBefore(doc, live.nextSibling);
        drawn = [doc].concat(after);
        // The first time, a few blocks a frame, so that laying the page out never holds the
        // phone for long (what is shown does not move: the rest goes below it); a change later,
        // at once. The controls come last, below the page.
        var more = function () {
            if (doc.parentNode !== main) return;
            for (var n = 0; parts.length && (!first || n < 4); n++) doc.appendChild(parts.shift());
            if (parts.length) return requestAnimationFrame(function () { setTimeout(more); });
            main.insertBefore(controls.content, doc.nextSibling);
            [].forEach.call(main.querySelectorAll("[data-early]"), function (b) { b.disabled = false; });
        };
        more();
        d.title = v.title + " - " + (lang === "en" ? "Yicibàn" : "一次办");
    };
    // Whether the page could be drawn (else the app shows what is wrong).
    var shows = function (text) {
        try { draw(text); return true; } catch (e) { app(); return false; }
    };
    var pause = function (ms) { return new Promise(function (r) { setTimeout(r, ms); }); };
    var visible = function () {
        return d.hidden ? new Promise(function (r) {
            d.addEventListener("visibilitychange", function on() {
                if (!d.hidden) { d.removeEventListener("visibilitychange", on); r(); }
            });
        }) : now();
    };
    // One look: whether to look again (false: the app has it now).
    var look = function (wait) {
        var started = Date.now();
        return ask(wait).then(function (r) {
            if (r.status === 304) return true;
            if (!r.ok) { app(); return false; }
            etag = r.headers.get("ETag");
            return r.text().then(function (text) { return ready().then(function () { return shows(text); }); });
        }, function () {
            // No connection: the page stays as it was; look again later.
            return !w.otStarted && pause(5000).then(function () { return true; });
        }).then(function (again) {
            var rest = 1000 - (Date.now() - started);
            return again && !w.otStarted && pause(rest > 0 ? rest : 0).then(visible).then(function () { return !w.otStarted; });
        });
    };
    var loop = function (wait) {
        look(wait).then(function (again) { if (again) loop(25); });
    };
    // The first look is handed to the app as it is, if it comes first: taken once.
    w.otProgress = ask(0).then(function (r) {
        if (!r.ok) { app(); return null; }
        etag = r.headers.get("ETag");
        return r.text();
    }, function () { app(); return null; });
    w.otProgress.then(function (text) {
        if (!text) return;
        ready().then(function () {
            if (shows(text)) pause(1000).then(visible).then(function () { if (!w.otStarted) loop(25); });
        });
    });
    // Once the app runs, its own looks take over.
    w.addEventListener("TrunkApplicationStarted", function () { if (asking) asking.abort(); });
})();
