/* Roll call on a tablet, offline-safe.
 *
 * Every tick is first written to an IndexedDB queue on this device, then sent to the server
 * (JSON, with the CSRF token). Sent ticks are removed from the queue; unsent ones are retried
 * when the network comes back, on page load and every 20 seconds. Each tick has a random
 * nonce so a tick sent twice is recorded once.
 */
(function () {
  "use strict";
  var form = document.getElementById("rollcall");
  if (!form || !window.indexedDB || !window.fetch) { return; }
  var status = document.getElementById("sync-status");
  var url = form.dataset.syncUrl;
  var sessionId = form.dataset.session;
  var csrf = form.querySelector("input[name=csrf_token]");
  var DB = "jobbforum-rollcall", STORE = "ticks";
  var sending = false;

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "nonce" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function nonce() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function pending() {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (t) { return t.session === sessionId; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function show(count) {
    status.textContent = count ? form.dataset.msgPending.replace("%(n)s", count) : form.dataset.msgSaved;
    status.classList.toggle("pending", count > 0);
  }

  function sync() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return pending().then(function (ticks) {
      if (!ticks.length) { show(0); return; }
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        body: JSON.stringify({ ticks: ticks })
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return tx("readwrite", function (store) {
          ticks.forEach(function (t) { store.delete(t.nonce); });
        });
      }).then(function () { return pending(); }).then(function (rest) { show(rest.length); });
    }).catch(function () {
      return pending().then(function (rest) { show(rest.length); });
    }).then(function () { sending = false; });
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "present") { return; }
    var tick = { nonce: nonce(), session: sessionId, person_id: parseInt(box.value, 10),
                 present: box.checked, at: new Date().toISOString(), seq: Date.now() };
    tx("readwrite", function (store) { store.put(tick); }).then(sync);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); sync(); });
  window.addEventListener("online", sync);
  setInterval(sync, 20000);
  sync();
}());
