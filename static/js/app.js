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
})();
