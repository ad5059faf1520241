/* Booth scanner: the badge camera and hand scanner of qrcapture.js, posting to the booth API
 * with the booth link's token. Shows exactly what the visitor shares (or an anonymous visit).
 * No inline scripts (strict CSP): the page passes URLs and texts in data-* attributes. */
(function () {
  "use strict";

  var root = document.getElementById("booth");
  if (!root || !document.getElementById("scan-area")) { return; }

  var API = root.getAttribute("data-api");
  var TOKEN = root.getAttribute("data-token");
  var VISIT_URL = root.getAttribute("data-visit-url");
  var STAFF_KEY = "jf-booth-staff";
  var $ = function (id) { return document.getElementById(id); };
  var text = function (name) { return root.getAttribute("data-text-" + name) || name; };
  var resultBox = $("result");
  var codeInput = $("code-input");
  var staffSelect = $("staff-select");
  var hideTimer = null;
  var busy = false;

  var FEEDBACK = {
    ok: {cls: "ok", icon: "✓", vibrate: [90]},
    warn: {cls: "warn", icon: "!", vibrate: [90, 70, 90]},
    bad: {cls: "bad", icon: "✕", vibrate: [400]}
  };

  function show(kind, title, name, detail, visitId) {
    var fb = FEEDBACK[kind];
    resultBox.className = "result result-" + fb.cls;
    $("result-icon").textContent = fb.icon;
    $("result-title").textContent = title;
    $("result-name").textContent = name || "";
    $("result-detail").textContent = detail || "";
    var note = $("result-note");
    note.hidden = !visitId;
    if (visitId) { note.href = VISIT_URL + "?visit=" + visitId + "#visit-" + visitId; }
    resultBox.hidden = false;
    resultBox.setAttribute("data-kind", fb.cls);
    if (navigator.vibrate) { navigator.vibrate(fb.vibrate); }
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 8000);
    $("result-next").focus();
  }

  function hide() {
    clearTimeout(hideTimer);
    resultBox.hidden = true;
    codeInput.focus();
  }

  function shared(visit) {
    if (visit.anonymous) { return {name: "", detail: text("anonymous")}; }
    return {name: visit.name || "", detail: [visit.email, visit.phone].filter(Boolean).join(" · ")};
  }

  function scan(code) {
    code = (code || "").trim();
    if (!code || busy) { return; }
    busy = true;
    var body = {code: code};
    if (staffSelect && staffSelect.value) { body.staff_id = parseInt(staffSelect.value, 10); }
    fetch(API, {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: {"Accept": "application/json", "Content-Type": "application/json",
                "Authorization": "Bearer " + TOKEN},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {status: "error", reason: "error"}; })
        .then(function (data) { return {http: r.status, data: data}; });
    }).then(function (answer) {
      var data = answer.data;
      if (data.status === "ok") {
        var part = shared(data.visit);
        show(data.created ? "ok" : "warn", text(data.created ? "created" : "updated"),
             part.name, part.detail, data.visit.id);
        if (data.created) {
          var count = $("visit-count");
          count.textContent = String(parseInt(count.textContent, 10) + 1);
        }
      } else if (answer.http === 401 || answer.http === 410 || data.reason === "link_invalid") {
        show("bad", text("auth"), "", "");
      } else {
        show("bad", text(data.reason) !== data.reason ? text(data.reason) : text("error"), "", "");
      }
    }).catch(function () {
      show("bad", text("error"), "", "");
    }).finally(function () { busy = false; });
  }

  // The camera keeps seeing the badge while the answer is shown: only a new look counts.
  function scanFromCamera(code) { if (resultBox.hidden) { scan(code); } }

  var camera = window.JobbforumQR.camera({
    root: root, video: $("camera-video"), canvas: $("camera-canvas"), toggle: $("camera-toggle"),
    torch: $("torch-toggle"), message: $("camera-message"), onCode: scanFromCamera,
    storageKey: "jf-booth-camera", repeatMs: 5000,
    texts: {error: text("camera-error"), torchOn: text("torch-on"), torchOff: text("torch-off")}
  });
  window.JobbforumQR.keyboardWedge(scan, {before: hide});

  $("code-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var code = codeInput.value;
    codeInput.value = "";
    scan(code);
  });
  $("result-next").addEventListener("click", hide);
  if (staffSelect) {
    staffSelect.value = localStorage.getItem(STAFF_KEY) || "";
    staffSelect.addEventListener("change", function () { localStorage.setItem(STAFF_KEY, staffSelect.value); });
  }
  if (camera.wasOn()) { camera.start(); }
  root.setAttribute("data-ready", "true");
})();
