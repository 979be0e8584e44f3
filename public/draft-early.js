// The draft this tab is filling in (src/apply.rs keeps its token and key in the tab), asked
// for while the app downloads, so that the form or the materials are drawn as soon as the app
// runs instead of a round trip later. `with_draft` takes the answer, once. Inlined into
// apply.html and materials.html by Trunk.
//
// The server draws the top of a section or of the review from the draft the `ot_draft`
// cookie names (crates/server/src/form_paint.rs); the app keeps that cookie beside the tab's
// copy (`remember`). A tab holding another draft than the cookie (a second tab that started
// another application), or none, hides what was drawn before it is shown (`ot-other-draft`)
// and puts its own draft in the cookie for the next page.
try {
    var tab = sessionStorage.getItem("onetrip.draft") || "", t = tab.split(":");
    var cookie = (/(?:^|; )ot_draft=([^;]*)/.exec(document.cookie) || [])[1] || "";
    if (cookie !== tab) {
        document.documentElement.className += " ot-other-draft";
        if (t[1]) document.cookie = "ot_draft=" + tab + "; path=/apply; samesite=strict" + (location.protocol === "https:" ? "; secure" : "");
    }
    if (t[1] && /^\/apply\/(s\/|declarations|review|save|materials)/.test(location.pathname)) {
        window.otDraft = fetch("/api/v1/drafts/" + encodeURIComponent(t[0]), {
            headers: { "Accept": "application/json", "X-Draft-Key": t[1] }
        }).then(function (r) { return r.ok ? r.text() : null; }, function () { return null; });
    }
} catch (e) { /* storage refused: the app asks itself */ }
