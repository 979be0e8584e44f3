// The draft this tab is filling in (src/apply.rs keeps its token and key in the tab), asked
// for while the app downloads, so that the form or the materials are drawn as soon as the app
// runs instead of a round trip later. `with_draft` takes the answer, once. Inlined into
// apply.html and materials.html by Trunk.
//
// The server draws the top of a section or of the review from the draft the `ot_draft`
// cookie names (crates/server/src/form_paint.rs); the app keeps that cookie beside the tab's
// copy (`remember`). A tab holding another draft than the cookie (a second tab that started
// another application), or none, hides what was drawn before it is shown (`ot-other-draft`),
// wants its app at once, and puts its own draft in the cookie for the next page.
//
// A section drawn whole (its fields too, without values: onetrip_ui::form_fields) gets the
// tab's answers from that draft here, and its app when a field is used (start_on_use.js).
// 核对信息 drawn that way is completed here with the answers (`GET .../review`: drawn by the
// server, but only for this tab's key, never in the page itself), and its app is downloaded
// when 提交申请 is pressed (start_on_use.js). Anything else (no answer, a page not drawn):
// the app at once.
try {
    var tab = sessionStorage.getItem("onetrip.draft") || "", t = tab.split(":");
    var cookie = (/(?:^|; )ot_draft=([^;]*)/.exec(document.cookie) || [])[1] || "";
    var app = function () {
        window.otStartNow = 1;
        if (window.otStart) window.otStart();
    };
    if (cookie !== tab) {
        document.documentElement.className += " ot-other-draft";
        app();
        if (t[1]) document.cookie = "ot_draft=" + tab + "; path=/apply; samesite=strict" + (location.protocol === "https:" ? "; secure" : "");
    }
    var headers = { "Accept": "application/json", "X-Draft-Key": t[1] };
    var drafts = "/api/v1/drafts/" + encodeURIComponent(t[0]);
    // Asked for in a task of its own, just after this one: starting a request holds the page
    // a few milliseconds, which the parsing of the page need not wait for.
    var later = function (f) { return new Promise(function (ok) { setTimeout(ok); }).then(f); };
    if (t[1] && /^\/apply\/(s\/|declarations|review|save|materials)/.test(location.pathname)) {
        window.otDraft = later(function () {
            return fetch(drafts, { headers: headers })
                .then(function (r) { return r.ok ? r.text() : null; }, function () { return null; });
        });
    }
    var ready = function (f) {
        if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", f);
        else f();
    };
    var frame = function (f) { requestAnimationFrame(function () { setTimeout(f); }); };
    // Drawn nodes put in (`[where, node, before, weight]`), weighing two a frame, so that
    // laying the page out never holds the phone for long (what is already shown does not
    // move: it all goes below); then `done`. Not once the app has started: it draws itself.
    var lay = function (ops, done) {
        if (window.otStarted) return;
        for (var w = 0; w < 2 && ops.length;) {
            var op = ops.shift();
            w += op[3];
            op[0].insertBefore(op[1], op[2]);
        }
        if (ops.length) frame(function () { lay(ops, done); });
        else done();
    };
    // A section drawn whole: its fields (in a template) laid out two a frame below the top,
    // then its answers put in, where nothing has been typed yet.
    if (window.otDraft && cookie === tab && /^\/apply\/s\//.test(location.pathname)) {
        var data = window.otDraft.then(function (text) {
            try { return JSON.parse(text).data; } catch (e) { return null; }
        });
        var laid = new Promise(function (done) {
            ready(function () {
                var tpl = document.getElementById("ot-fields"), ops = [];
                if (!tpl) return;
                // In document order; a form and a row go in empty, their children after them.
                var walk = function (where, nodes, before) {
                    [].forEach.call(nodes, function (n) {
                        var is = function (c) { return n.classList && n.classList.contains(c); };
                        if (n.tagName === "FORM" || is("ot-row")) {
                            var shell = n.cloneNode(false);
                            ops.push([where, shell, before, 0]);
                            walk(shell, n.childNodes, null);
                        } else ops.push([where, n, before, is("ot-field") ? 1 : 0]);
                    });
                };
                walk(tpl.parentNode, tpl.content.childNodes, tpl);
                frame(function () { lay(ops, done); });
            });
        });
        Promise.all([data, laid]).then(function (v) {
            var data = v[0];
            if (!data || window.otStarted) return;
            [].forEach.call(document.querySelectorAll("main [data-k]"), function (i) {
                var k = i.getAttribute("data-k"), row = /^(.+)\[(\d+)\]\.(.+)$/.exec(k);
                var v = row ? (((data.groups || {})[row[1]] || [])[row[2]] || {})[row[3]] : (data.values || {})[k];
                if (v == null) return;
                if (i.type === "radio") { if (!i.form.querySelector("[name='" + i.name + "']:checked")) i.checked = i.value === v; }
                else if (i.value === "") i.value = v;
            });
        });
    }
    // The review's answers, a section (a heading or a list) a frame below the top.
    if (t[1] && cookie === tab && location.pathname === "/apply/review") {
        later(function () { return fetch(drafts + "/review", { headers: headers }); })
            .then(function (r) { return r.ok ? r.json() : null; }, function () { return null; })
            .then(function (v) {
                ready(function () {
                    var d = document, top = d.querySelectorAll("main [data-drawn]"), at = top[top.length - 1];
                    if (!v || !at) return app();
                    var t = d.createElement("template"), before = at.nextSibling;
                    t.innerHTML = v.html;
                    var ops = [].map.call(t.content.childNodes, function (n) { return [at.parentNode, n, before, 1]; });
                    lay(ops, function () {
                        [].forEach.call(d.querySelectorAll("main [data-early]"), function (b) { b.disabled = false; });
                    });
                });
            });
    }
} catch (e) { /* storage refused: the app asks itself */ }
