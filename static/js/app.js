/* Small progressive enhancements. Everything works without this file. */
(function () {
  "use strict";
  // Register the service worker (installable app; caches static files only).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Print buttons on the recovery sheet.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // Move focus to the error summary so screen readers announce it.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // File inputs: show the chosen name; refuse a file over the limit before it is sent
    // (prepaid data is precious).
    document.querySelectorAll("input.file-input").forEach(function (input) {
      input.addEventListener("change", function () { showChosen(input); });
    });
    // Voice messages: record in the browser where it can; the file input stays as a fallback.
    document.querySelectorAll("[data-recorder]").forEach(setUpRecorder);
    // Close the language menu with Escape.
    document.querySelectorAll("details.lang-switch").forEach(function (details) {
      details.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && details.open) {
          details.open = false;
          details.querySelector("summary").focus();
        }
      });
    });
  });

  function showChosen(input) {
    var output = input.parentNode.querySelector("output.file-chosen");
    var file = input.files && input.files[0];
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (file && max && file.size > max) {
      input.value = "";
      if (output) { output.textContent = input.getAttribute("data-too-big"); output.setAttribute("role", "alert"); }
      return;
    }
    if (output) { output.removeAttribute("role"); output.textContent = file ? file.name : ""; }
  }

  function setUpRecorder(row) {
    var input = row.querySelector("input[type=file]");
    var output = row.querySelector("output");
    if (!input || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = row.getAttribute("data-label-record");
    row.insertBefore(button, input);
    var recorder = null;
    var chunks = [];
    button.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") { recorder.stop(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) { chunks.push(event.data); });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          var type = recorder.mimeType || "audio/webm";
          var extension = type.indexOf("ogg") >= 0 ? ".ogg" : type.indexOf("mp4") >= 0 ? ".m4a" : ".webm";
          var file = new File(chunks, "voice" + extension, { type: type });
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
          button.textContent = row.getAttribute("data-label-record");
          button.setAttribute("aria-pressed", "false");
          if (output) { output.textContent = row.getAttribute("data-label-recorded"); }
        });
        recorder.start();
        button.textContent = row.getAttribute("data-label-stop");
        button.setAttribute("aria-pressed", "true");
        if (output) { output.textContent = row.getAttribute("data-label-recording"); }
      }).catch(function () { /* no microphone or no permission: the file input still works */ });
    });
  }
})();
