// Small progressive enhancement; every page works without it.
// Charts: <canvas data-chart='{"type": "line", "labels": [...], "datasets": [{"label": "...", "data": [...]}]}'>
// (data, not script: the content security policy allows no inline script).
(function () {
  "use strict";
  function drawCharts() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = JSON.parse(canvas.getAttribute("data-chart"));
      new Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: spec.datasets },
        options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, spec.options || {})
      });
    });
  }
  // A page that must stay current (the site's check-in QR code) asks to be reloaded: data-refresh-seconds="20".
  function scheduleRefresh() {
    var holder = document.querySelector("[data-refresh-seconds]");
    if (!holder) { return; }
    var seconds = parseInt(holder.getAttribute("data-refresh-seconds"), 10);
    if (seconds > 0) { window.setTimeout(function () { window.location.reload(); }, seconds * 1000); }
  }
  // Forms that ask before they act: <form data-confirm="…">.
  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(); scheduleRefresh(); confirmForms(); });
})();
