// The draft this tab is filling in (src/apply.rs keeps its token and key in the tab), asked
// for while the app downloads, so that the form or the materials are drawn as soon as the app
// runs instead of a round trip later. `with_draft` takes the answer, once. Inlined into
// apply.html and materials.html by Trunk.
try {
    var t = (sessionStorage.getItem("onetrip.draft") || "").split(":");
    if (t[1] && /^\/apply\/(s\/|declarations|review|save|materials)/.test(location.pathname)) {
        window.otDraft = fetch("/api/v1/drafts/" + encodeURIComponent(t[0]), {
            headers: { "Accept": "application/json", "X-Draft-Key": t[1] }
        }).then(function (r) { return r.ok ? r.text() : null; }, function () { return null; });
    }
} catch (e) { /* storage refused: the app asks itself */ }
