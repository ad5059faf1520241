/* Reusable badge capture: the phone camera (jsQR) and keyboard-wedge hand scanners.
 * Used by the door scanner (scanner.js) and the booth scanner (booth.js).
 *
 *   JobbforumQR.camera({root, video, canvas, toggle, torch, message, onCode, texts})
 *     → {start, stop, running}; the toggle button starts/stops; the torch button is shown when
 *       the camera has a light. The same code is reported again only after `repeatMs`.
 *   JobbforumQR.keyboardWedge(onCode, {minLength, before})
 *     → catches fast typing ended with Enter while no form field has focus.
 * No inline scripts (strict CSP). */
(function () {
  "use strict";

  function camera(opts) {
    var video = opts.video, canvas = opts.canvas, toggle = opts.toggle, torch = opts.torch;
    var texts = opts.texts || {};
    var storageKey = opts.storageKey || "jf-camera";
    var repeatMs = opts.repeatMs || 3000;
    var stream = null;
    var last = {code: "", at: 0};
    var lastFrame = 0;

    function say(message) { if (opts.message) { opts.message.textContent = message; } }

    function start() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say(texts.error || "");
        return;
      }
      navigator.mediaDevices.getUserMedia({video: {facingMode: {ideal: "environment"},
                                                   width: {ideal: 1280}, height: {ideal: 720}},
                                           audio: false})
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.play();
          opts.root.classList.add("camera-on");
          toggle.textContent = toggle.getAttribute("data-stop");
          localStorage.setItem(storageKey, "on");
          var track = s.getVideoTracks()[0];
          var caps = track && track.getCapabilities ? track.getCapabilities() : {};
          if (torch) { torch.hidden = !caps.torch; }
          requestAnimationFrame(tick);
        })
        .catch(function () { say(texts.error || ""); });
    }

    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      video.srcObject = null;
      opts.root.classList.remove("camera-on");
      toggle.textContent = toggle.getAttribute("data-start");
      if (torch) { torch.hidden = true; }
      localStorage.setItem(storageKey, "off");
    }

    function toggleTorch() {
      var track = stream && stream.getVideoTracks()[0];
      if (!track) { return; }
      var on = torch.getAttribute("aria-pressed") !== "true";
      track.applyConstraints({advanced: [{torch: on}]}).then(function () {
        torch.setAttribute("aria-pressed", String(on));
        torch.textContent = on ? texts.torchOff : texts.torchOn;
      }).catch(function () { torch.hidden = true; });
    }

    function tick(now) {
      if (!stream) { return; }
      if (now - lastFrame > 100 && video.readyState >= 2 && window.jsQR) {
        lastFrame = now;
        var scale = Math.min(1, 800 / (video.videoWidth || 800));
        var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
        if (w && h) {
          canvas.width = w; canvas.height = h;
          var ctx = canvas.getContext("2d", {willReadFrequently: true});
          ctx.drawImage(video, 0, 0, w, h);
          var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {inversionAttempts: "dontInvert"});
          if (found && found.data) {
            var t = Date.now();
            if (found.data !== last.code || t - last.at > repeatMs) {
              last = {code: found.data, at: t};
              opts.onCode(found.data);
            } else {
              last.at = t;
            }
          }
        }
      }
      requestAnimationFrame(tick);
    }

    toggle.setAttribute("data-start", toggle.textContent);
    toggle.setAttribute("data-stop", toggle.getAttribute("data-stop-text") || "■");
    toggle.addEventListener("click", function () { if (stream) { stop(); } else { start(); } });
    if (torch) { torch.addEventListener("click", toggleTorch); }
    return {start: start, stop: stop, running: function () { return !!stream; },
            wasOn: function () { return localStorage.getItem(storageKey) === "on"; }};
  }

  function keyboardWedge(onCode, options) {
    options = options || {};
    var minLength = options.minLength || 6;
    var wedge = {buf: "", at: 0};
    document.addEventListener("keydown", function (e) {
      var target = e.target;
      var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                              target.tagName === "SELECT");
      if (typing || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var t = Date.now();
      if (t - wedge.at > 80) { wedge.buf = ""; }
      wedge.at = t;
      if (e.key === "Enter" && wedge.buf.length >= minLength) {
        e.preventDefault();
        var code = wedge.buf;
        wedge.buf = "";
        if (options.before) { options.before(); }
        onCode(code);
      } else if (e.key.length === 1) {
        wedge.buf += e.key;
      }
    });
  }

  window.JobbforumQR = {camera: camera, keyboardWedge: keyboardWedge};
})();
