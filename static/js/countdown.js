// Live countdown to a deadline, from the server's clock only. The page embeds the server's time
// when it was rendered (data-countdown-server-now) and the deadline (data-countdown-deadline);
// the time left is their difference, run down by the time elapsed since the page started loading
// (performance.now(), a monotonic timer). The device's own date and time are never used, so a
// wrong clock on the device cannot make a bidder think there is more time than there is.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-countdown-deadline][data-countdown-server-now]");
  if (!nodes.length || !window.performance) {
    return;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function words(ms) {
    var s = Math.floor(ms / 1000);
    var days = Math.floor(s / 86400);
    var hours = Math.floor((s % 86400) / 3600);
    var minutes = Math.floor((s % 3600) / 60);
    var seconds = s % 60;
    if (days > 0) {
      return plural(days, "day") + " " + plural(hours, "hour");
    }
    if (hours > 0) {
      return plural(hours, "hour") + " " + plural(minutes, "minute");
    }
    if (minutes > 0) {
      return plural(minutes, "minute") + " " + plural(seconds, "second");
    }
    return plural(seconds, "second");
  }

  Array.prototype.forEach.call(nodes, function (node) {
    var left = Date.parse(node.getAttribute("data-countdown-deadline")) -
      Date.parse(node.getAttribute("data-countdown-server-now"));
    if (isNaN(left)) {
      return;
    }
    var text = node.querySelector("[data-countdown-text]");
    var announce = node.querySelector("[data-countdown-announce]");
    var started = window.performance.now();
    var thresholds = [3600000, 600000, 60000];

    function tick() {
      var remaining = left - (window.performance.now() - started);
      if (remaining <= 0) {
        text.textContent = "The deadline has passed. Refresh the page to see your bid's state.";
        if (announce) {
          announce.textContent = "The deadline has passed.";
        }
        return;
      }
      text.textContent = words(remaining) + " left, by the server's clock";
      while (thresholds.length && remaining <= thresholds[0]) {
        if (announce) {
          announce.textContent = words(thresholds.shift()) + " left until the deadline.";
        } else {
          thresholds.shift();
        }
      }
      window.setTimeout(tick, remaining > 3600000 ? 30000 : 1000);
    }

    node.hidden = false;
    tick();
  });
})();
