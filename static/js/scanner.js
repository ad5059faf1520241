/* Door scanner: camera (jsQR), keyboard-wedge hand scanners, manual search, live counter, undo,
 * and offline mode (hashed code list + a scan queue in IndexedDB, uploaded with force=true).
 * No inline scripts (strict CSP): the page passes URLs and texts in data-* attributes. */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) { return; }

  var API = root.getAttribute("data-api");          // …/api/v1/events/<slug>/checkin
  var EVENT = root.getAttribute("data-event");
  var LIST = root.getAttribute("data-list");
  var MODE = root.getAttribute("data-mode");        // "staff" (session) or "device" (token)
  var TOKEN_KEY = "jf-device-token:" + EVENT;
  var GATE_KEY = "jf-gate";
  var UNDO_MS = 2 * 60 * 1000;
  var CAMERA_REPEAT_MS = 3000;
  var $ = function (id) { return document.getElementById(id); };
  var text = function (name) { return root.getAttribute("data-text-" + name) || name; };
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var codeInput = $("code-input");
  var resultBox = $("result");
  var lastCheckin = null;     // {id, at}
  var hideTimer = null;
  var offlineSet = null;      // Set of salted hashes, or null before the first download
  var offlineSalt = "";
  var uploading = false;
  var authFailed = false;

  /* ------------------------------------------------------------------ device token */

  (function takeTokenFromFragment() {
    var match = /(?:^#|&)device=([^&]+)/.exec(window.location.hash);
    if (match) {
      localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  })();

  function deviceToken() { return localStorage.getItem(TOKEN_KEY); }

  function headers(json) {
    var h = {"Accept": "application/json"};
    if (json) { h["Content-Type"] = "application/json"; }
    if (MODE === "device") { h.Authorization = "Bearer " + (deviceToken() || ""); }
    else { h["X-CSRFToken"] = csrf; }
    return h;
  }

  function api(method, path, body, timeoutMs) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, timeoutMs || 5000);
    return fetch(API + path, {
      method: method, headers: headers(body !== undefined), credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body), signal: controller.signal,
      cache: "no-store"
    }).finally(function () { clearTimeout(timer); });
  }

  /* ------------------------------------------------------------------ IndexedDB */

  var dbPromise = new Promise(function (resolve, reject) {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    var request = indexedDB.open("jobbforum-checkin", 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("queue", {keyPath: "nonce"});
      db.createObjectStore("codes", {keyPath: "key"});
      db.createObjectStore("seen", {keyPath: "key"});
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(name, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var req = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function queueAll() {
    return store("queue", "readonly", function (s) { return s.getAll(); })
      .then(function (rows) { return rows.filter(function (r) { return r.event === EVENT; }); });
  }

  /* ------------------------------------------------------------------ offline list */

  function hashCode(salt, code) {
    var data = new TextEncoder().encode(salt + ":" + code);
    return crypto.subtle.digest("SHA-256", data).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function markCodes() { root.setAttribute("data-offline-codes", String(offlineSet.size)); }

  function codesKey() { return EVENT + "|" + LIST; }

  function loadOfflineList() {
    return store("codes", "readonly", function (s) { return s.get(codesKey()); })
      .then(function (row) {
        if (row) { offlineSalt = row.salt; offlineSet = new Set(row.hashes); markCodes(); }
      }).catch(function () {});
  }

  function downloadOfflineList() {
    return api("GET", "/codes?list=" + encodeURIComponent(LIST), undefined, 15000)
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        offlineSalt = data.salt;
        offlineSet = new Set(data.hashes);
        markCodes();
        return store("codes", "readwrite", function (s) {
          return s.put({key: codesKey(), salt: data.salt, hashes: data.hashes,
                        generated_at: data.generated_at});
        });
      }).catch(function () {});
  }

  /* ------------------------------------------------------------------ feedback */

  var audio = null;
  function audioContext() {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    return audio;
  }
  // Making the audio context takes the browser up to a few hundred milliseconds (the sound
  // device starts): do it at the first key or touch on the page (a hand scanner types), not
  // when the first result is due. Browsers allow sound once the page has had such a gesture.
  function warmAudio() {
    document.removeEventListener("keydown", warmAudio, true);
    document.removeEventListener("pointerdown", warmAudio, true);
    try { audioContext(); } catch (e) { /* no audio */ }
  }
  document.addEventListener("keydown", warmAudio, true);
  document.addEventListener("pointerdown", warmAudio, true);

  // Run fn after the browser has painted what is on screen now: the result is seen first, the
  // sound and vibration follow within a frame, and nothing they do can hold the result back.
  function afterPaint(fn) {
    requestAnimationFrame(function () { setTimeout(fn, 0); });
  }

  function beep(pattern) {
    try {
      audioContext();
      var at = audio.currentTime;
      pattern.forEach(function (step) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = step[0];
        gain.gain.value = 0.2;
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(at); osc.stop(at + step[1] / 1000);
        at += (step[1] + 60) / 1000;
      });
    } catch (e) { /* no audio: the screen says it all */ }
  }

  var FEEDBACK = {
    ok: {cls: "ok", icon: "✓", sound: [[880, 140]], vibrate: [90]},
    warn: {cls: "warn", icon: "!", sound: [[520, 120], [520, 120]], vibrate: [90, 70, 90]},
    bad: {cls: "bad", icon: "✕", sound: [[220, 450]], vibrate: [400]}
  };

  function localTime(iso) {
    try {
      return new Date(iso).toLocaleTimeString(document.documentElement.lang || "sv",
        {hour: "2-digit", minute: "2-digit", timeZone: "Europe/Stockholm"});
    } catch (e) { return iso; }
  }

  function showResult(kind, title, name, detail, undoable) {
    var fb = FEEDBACK[kind];
    resultBox.className = "result result-" + fb.cls;
    $("result-icon").textContent = fb.icon;
    $("result-title").textContent = title;
    $("result-name").textContent = name || "";
    $("result-detail").textContent = detail || "";
    $("result-undo").hidden = !undoable;
    resultBox.hidden = false;
    resultBox.setAttribute("data-kind", fb.cls);
    afterPaint(function () {
      beep(fb.sound);
      if (navigator.vibrate) { navigator.vibrate(fb.vibrate); }
    });
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideResult, kind === "ok" ? 2500 : 4500);
  }

  function hideResult() {
    clearTimeout(hideTimer);
    resultBox.hidden = true;
    if (!document.activeElement || document.activeElement === document.body ||
        resultBox.contains(document.activeElement)) {
      codeInput.focus();
    }
  }

  function roleLabel(role) { return root.getAttribute("data-role-" + role) || role; }
  function roleText(holder) { return holder && holder.role ? " · " + roleLabel(holder.role) : ""; }

  function showAnswer(data) {
    var holder = data.holder || null;
    var name = holder ? holder.display_name + roleText(holder) : "";
    if (data.status === "ok") {
      if (data.checkin_id) {
        lastCheckin = {id: data.checkin_id, at: Date.now()};
        updateUndo();
      }
      showResult("ok", text("ok"), name, data.flagged ? text("flagged") : "", !!data.checkin_id);
    } else if (data.status === "already_checked_in") {
      var when = text(data.gate ? "already" : "already-nogate")
        .replace("{time}", localTime(data.first_checked_in_at)).replace("{gate}", data.gate || "");
      showResult("warn", when, name, "");
    } else {
      showResult("bad", text(data.status), "", "");
    }
  }

  /* ------------------------------------------------------------------ network state */

  function setOnline(online) {
    root.classList.toggle("is-offline", !online);
    $("net-label").textContent = online ? text("online") : text("offline");
    refreshQueueLabel();
  }

  function refreshQueueLabel() {
    queueAll().then(function (rows) {
      $("queue-label").textContent = rows.length ? "· " + text("queued").replace("{n}", rows.length) : "";
      root.setAttribute("data-queued", String(rows.length));
    }).catch(function () {});
  }

  function refreshStats() {
    if (authFailed) { return; }
    api("GET", "/stats").then(function (r) {
      if (r.status === 401 || r.status === 403) { needAuth(); return null; }
      return r.ok ? r.json() : null;
    }).then(function (s) {
      if (!s) { return; }
      $("count-in").textContent = s.checked_in;
      $("count-registered").textContent = s.registered;
      setOnline(true);
    }).catch(function () { setOnline(false); });
  }

  function needAuth() {
    authFailed = true;
    if (MODE === "device") {
      $("device-setup").hidden = false;
      $("scan-area").hidden = true;
    }
    showResult("bad", text("auth"), "", "");
  }

  /* ------------------------------------------------------------------ scanning */

  function newNonce() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function gate() { return (localStorage.getItem(GATE_KEY) || "").slice(0, 80); }

  function scan(code) {
    code = (code || "").trim();
    if (!code) { return Promise.resolve(); }
    var body = {code: code, list: LIST, nonce: newNonce(), gate: gate(),
                scanned_at: new Date().toISOString(), force: false};
    if (!navigator.onLine) { return scanOffline(body); }
    return api("POST", "", body, 4000).then(function (r) {
      if (r.status === 401 || r.status === 403) { needAuth(); return; }
      if (r.status >= 500 || r.status === 429) { return scanOffline(body); }
      return r.json().then(function (data) {
        if (data.status === "error") { showResult("bad", text("error"), "", data.reason); return; }
        setOnline(true);
        showAnswer(data);
        refreshStats();
      });
    }).catch(function () { return scanOffline(body); });
  }

  /* While offline: validate against the downloaded hashes; admit and queue the valid ones. */
  function scanOffline(body) {
    setOnline(false);
    if (!offlineSet) { showResult("bad", text("offline-unknown"), "", ""); return Promise.resolve(); }
    return hashCode(offlineSalt, body.code).then(function (hash) {
      if (!offlineSet.has(hash)) { showResult("bad", text("offline-unknown"), "", ""); return; }
      var seenKey = codesKey() + "|" + hash;
      return store("seen", "readonly", function (s) { return s.get(seenKey); }).then(function (seen) {
        if (seen) {
          showResult("warn", text("already-offline"), "", localTime(seen.at));
          return;
        }
        body.force = true;
        body.event = EVENT;
        return store("queue", "readwrite", function (s) { return s.put(body); })
          .then(function () {
            return store("seen", "readwrite", function (s) { return s.put({key: seenKey, at: body.scanned_at}); });
          })
          .then(function () {
            showResult("ok", text("offline-ok"), "", "");
            refreshQueueLabel();
          });
      });
    });
  }

  /* Upload queued scans (force=true). Same nonce → same answer, so a replay never duplicates. */
  function flushQueue() {
    if (uploading || !navigator.onLine || authFailed) { return Promise.resolve(); }
    uploading = true;
    return queueAll().then(function (rows) {
      var chain = Promise.resolve(true);
      rows.forEach(function (row) {
        chain = chain.then(function (goOn) {
          if (!goOn) { return false; }
          var body = {code: row.code, list: row.list, nonce: row.nonce, gate: row.gate,
                      scanned_at: row.scanned_at, force: true};
          return api("POST", "", body, 8000).then(function (r) {
            if (r.status === 401 || r.status === 403) { needAuth(); return false; }
            if (r.status >= 500 || r.status === 429) { return false; }
            // Any other answer (ok, already, revoked, a 4xx) is final for this scan.
            return store("queue", "readwrite", function (s) { return s.delete(row.nonce); })
              .then(function () { return true; });
          }).catch(function () { return false; });
        });
      });
      return chain;
    }).finally(function () {
      uploading = false;
      refreshQueueLabel();
      refreshStats();
    });
  }

  /* ------------------------------------------------------------------ undo */

  function updateUndo() {
    var canUndo = lastCheckin && Date.now() - lastCheckin.at < UNDO_MS;
    $("undo-last").hidden = !canUndo;
    if (!canUndo) { $("result-undo").hidden = true; }
  }

  function undo() {
    if (!lastCheckin) { return; }
    var id = lastCheckin.id;
    api("POST", "/" + id + "/undo", {}).then(function (r) {
      if (r.ok) {
        lastCheckin = null;
        updateUndo();
        showResult("warn", text("undone"), "", "");
        refreshStats();
      } else {
        showResult("bad", text("undo-failed"), "", "");
      }
    }).catch(function () { showResult("bad", text("undo-failed"), "", ""); });
  }

  /* ------------------------------------------------------------------ search */

  function search(q) {
    var list = $("search-results");
    api("GET", "/search?list=" + encodeURIComponent(LIST) + "&q=" + encodeURIComponent(q))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.textContent = "";
        var results = data.results || [];
        if (!results.length) {
          var li = document.createElement("li");
          li.textContent = data.status === "error" ? text("error") : text("no-results");
          list.appendChild(li);
          return;
        }
        results.forEach(function (row) {
          var li = document.createElement("li");
          var label = document.createElement("span");
          label.textContent = row.display_name + " · " + row.participant_code + " · " + roleLabel(row.role) +
            (row.checked_in ? " · " + text("checked-in") : "");
          li.appendChild(label);
          if (!row.checked_in) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button";
            button.textContent = text("check-in");
            button.setAttribute("aria-label", text("check-in") + " " + row.display_name);
            button.addEventListener("click", function () { manualCheckIn(row.registration_id, li); });
            li.appendChild(button);
          }
          list.appendChild(li);
        });
      }).catch(function () { list.textContent = ""; });
  }

  function manualCheckIn(registrationId, li) {
    api("POST", "", {registration_id: registrationId, list: LIST, nonce: newNonce(), gate: gate(),
                     scanned_at: new Date().toISOString()})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.status === "error") { showResult("bad", text("error"), "", data.reason); return; }
        showAnswer(data);
        var button = li.querySelector("button");
        if (button && (data.status === "ok" || data.status === "already_checked_in")) { button.remove(); }
        refreshStats();
      }).catch(function () { showResult("bad", text("error"), "", ""); });
  }

  /* ------------------------------------------------------------------ camera (qrcapture.js) */

  var camera = window.JobbforumQR.camera({
    root: root, video: $("camera-video"), canvas: $("camera-canvas"), toggle: $("camera-toggle"),
    torch: $("torch-toggle"), message: $("camera-message"), onCode: scan, repeatMs: CAMERA_REPEAT_MS,
    texts: {error: text("camera-error"), torchOn: text("torch-on"), torchOff: text("torch-off")}
  });

  /* ------------------------------------------------------------------ wiring */

  $("code-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var code = codeInput.value;
    codeInput.value = "";
    scan(code);
  });

  // A hand scanner types fast and ends with Enter; catch it even when focus is elsewhere.
  window.JobbforumQR.keyboardWedge(scan, {before: hideResult});

  resultBox.addEventListener("click", function (e) {
    if (e.target.id === "result-undo") { undo(); } else { hideResult(); }
  });
  $("undo-last").addEventListener("click", undo);
  $("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("search-input").value.trim();
    if (q.length >= 2) { search(q); }
  });
  $("device-form").addEventListener("submit", function (e) {
    e.preventDefault();
    localStorage.setItem(TOKEN_KEY, $("device-token").value.trim());
    window.location.reload();
  });
  var gateInput = $("gate-input");
  if (gateInput) {
    gateInput.value = gate();
    gateInput.addEventListener("change", function () { localStorage.setItem(GATE_KEY, gateInput.value.trim()); });
  }

  window.addEventListener("online", function () { setOnline(true); flushQueue(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(updateUndo, 5000);
  setInterval(function () { if (navigator.onLine) { refreshStats(); flushQueue(); } }, 5000);
  setInterval(function () { if (navigator.onLine) { downloadOfflineList(); } }, 5 * 60 * 1000);

  if (MODE === "device" && !deviceToken()) {
    $("scan-area").hidden = true;
    return;
  }
  $("device-setup").hidden = true;
  setOnline(navigator.onLine);
  loadOfflineList().then(function () {
    if (navigator.onLine) { downloadOfflineList(); }
  });
  refreshStats();
  flushQueue();
  if (camera.wasOn()) { camera.start(); }
  codeInput.focus();
  root.setAttribute("data-ready", "true");
})();
