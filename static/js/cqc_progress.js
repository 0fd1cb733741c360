// Polls GET /api/cqc/imports/{id}/ while an import runs and updates the progress bar;
// reloads the page when the import is done or failed. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var root = document.querySelector("[data-cqc-import-status-url]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-cqc-import-status-url");
  var bar = root.querySelector("progress");
  var text = root.querySelector("[data-cqc-progress-text]");
  var phase = root.querySelector("[data-cqc-phase]");
  var delay = 1500;
  var failures = 0;

  function number(n) {
    return Number(n).toLocaleString("en-GB");
  }

  function show(data) {
    if (phase && data.phase_label) {
      phase.textContent = data.phase_label;
    }
    if (data.progress && data.progress.total) {
      bar.max = data.progress.total;
      bar.value = data.progress.done;
      text.textContent = number(data.progress.done) + " of " + number(data.progress.total) + " locations";
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
          text.textContent = "Progress could not be fetched. Refresh the page to see where the import is.";
          return;
        }
        window.setTimeout(poll, delay * 2);
      });
  }

  window.setTimeout(poll, delay);
})();
