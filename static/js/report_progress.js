// Polls GET /api/reports/{id}/ for every report still queued or running on the page and
// updates its progress bar ("Lot 3 of 6: ..."); reloads the page once one is done or failed,
// so its download link or error appears. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var rows = document.querySelectorAll("[data-report-status-url]");
  if (!rows.length || !window.fetch) {
    return;
  }
  var delay = 1500;

  function watch(root) {
    var url = root.getAttribute("data-report-status-url");
    var bar = root.querySelector("progress");
    var text = root.querySelector("[data-report-progress-text]");
    var tag = root.querySelector("[data-report-status]");
    var failures = 0;

    function show(data) {
      if (tag && data.status_label) {
        tag.textContent = data.status_label;
      }
      var progress = data.progress || {};
      if (progress.total) {
        bar.max = progress.total;
        bar.value = progress.done;
        text.textContent = (progress.label || "") + " (" + progress.done + " of " + progress.total + ")";
      } else if (progress.label) {
        text.textContent = progress.label;
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          show(data);
          if (data.status === "done" || data.status === "failed") {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          failures += 1;
          if (failures >= 10) {
            text.textContent = "Progress could not be fetched. Refresh the page to see where the report is.";
            return;
          }
          window.setTimeout(poll, delay * 2);
        });
    }

    window.setTimeout(poll, delay);
  }

  Array.prototype.forEach.call(rows, watch);
})();
