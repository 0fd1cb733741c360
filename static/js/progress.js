// One progress poller for every long task shown on a page (CQC imports, generated reports).
// Markup: an element with data-progress-url (a JSON endpoint answering
// {status, phase_label or status_label, progress: {done, total, label}}), holding a <progress>,
// an element with data-progress-text and optionally one with data-progress-status;
// data-progress-unit (e.g. "locations") words the count as "12 of 40 locations".
// Reloads the page once a task is done or failed, so its result appears.
// No inline script: the CSP forbids it.
(function () {
  "use strict";
  var roots = document.querySelectorAll("[data-progress-url]");
  if (!roots.length || !window.fetch) {
    return;
  }
  var delay = 1500;

  function number(n) {
    return Number(n).toLocaleString("en-GB");
  }

  function watch(root) {
    var url = root.getAttribute("data-progress-url");
    var unit = root.getAttribute("data-progress-unit");
    var bar = root.querySelector("progress");
    var text = root.querySelector("[data-progress-text]");
    var status = root.querySelector("[data-progress-status]");
    var failures = 0;

    function show(data) {
      var label = data.phase_label || data.status_label;
      if (status && label) {
        status.textContent = label;
      }
      var progress = data.progress || {};
      if (!text) {
        return;
      }
      if (progress.total) {
        if (bar) {
          bar.max = progress.total;
          bar.value = progress.done;
        }
        var count = number(progress.done) + " of " + number(progress.total);
        text.textContent = unit ? count + " " + unit : (progress.label ? progress.label + " (" + count + ")" : count);
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
            if (text) {
              text.textContent = "Progress could not be fetched. Refresh the page to see where it is.";
            }
            return;
          }
          window.setTimeout(poll, delay * 2);
        });
    }

    window.setTimeout(poll, delay);
  }

  Array.prototype.forEach.call(roots, watch);
})();
