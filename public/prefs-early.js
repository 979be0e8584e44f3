// Elder mode and the language as the app will show them (src/prefs.rs keeps them in
// localStorage), applied before the first paint so that nothing grows when an app mounts.
// Inlined into the head of every citizen page by Trunk.
try {
    var p = localStorage.getItem("onetrip.prefs") || "";
    if (/;elder/.test(p)) document.documentElement.className += " ot-elder";
    if (/^en/.test(p)) document.documentElement.lang = "en";
} catch (e) { /* storage refused: the defaults */ }
