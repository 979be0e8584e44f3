// The progress of the application this address names (/track/{number}), asked for while the
// app downloads, so that the page is drawn as soon as the app runs instead of a round trip
// later. The key is the one the app would use (src/apply.rs `application_key`: this tab's,
// else 我的办件's, src/mine.rs), the language the app's (src/prefs.rs). The app's first look
// takes the answer, once (`api::early`). Inlined into track.html by Trunk.
try {
    var n = (/^\/track\/([0-9A-Z]{10})\/?$/.exec(location.pathname) || [])[1], k = null;
    if (n) {
        var tab = (sessionStorage.getItem("onetrip.application") || "").split(":");
        if (tab[0] === n && tab[1]) k = tab[1];
        // Regular expressions, not "\n" and "\t": Trunk's minifier turns those into `\\n`.
        (localStorage.getItem("onetrip.mine") || "").split(/\n/).forEach(function (line) {
            var p = line.split(/\t/);
            if (!k && p[0] === n && p[1]) k = p[1];
        });
        var lang = /^en/.test(localStorage.getItem("onetrip.prefs") || "") ? "en" : "zh-CN";
        if (k) {
            window.otProgress = fetch("/api/v1/applications/" + n + "/progress/view?lang=" + lang + "&wait=0", {
                headers: { "Accept": "application/json", "X-Application-Key": k }
            }).then(function (r) { return r.ok ? r.text() : null; }, function () { return null; });
        }
    }
} catch (e) { /* storage refused: the app asks itself */ }
