// Elder mode and the language as the app will show them (src/prefs.rs keeps them in
// localStorage and in the ot_prefs cookie), applied before the first paint so that nothing
// grows when an app mounts. A page the server sent with them already applied (data-prefs on
// <html>: crates/server/src/prefs.rs) needs nothing here; otherwise they are read from
// localStorage and put in the cookie, so that the next page comes with them.
// Inlined into the head of every citizen page by Trunk.
try {
    var h = document.documentElement;
    if (!h.hasAttribute("data-prefs")) {
        var p = localStorage.getItem("onetrip.prefs") || "";
        if (/;elder/.test(p)) h.className += " ot-elder";
        if (/^en/.test(p)) h.lang = "en";
        if (/^(zh-CN|en)(;elder)?$/.test(p)) {
            document.cookie = "ot_prefs=" + p.replace(";", ".") + "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
        }
    }
} catch (e) { /* storage refused: the defaults */ }
