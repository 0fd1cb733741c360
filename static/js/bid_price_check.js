/*
 * Live cost-of-care check for bid prices.
 * For each price input marked data-price-check-lot, ask GET /api/pricing/check/?lot=&price=
 * (debounced) and write the answer into the aria-live region named by data-price-check-target.
 * A package price input says data-price-check-param="package_price": it is checked over the
 * lot's package hours.
 * Anything but a 200 clears the message: the server re-checks on save, and the deadline and
 * rules are enforced there, never here.
 */
(function () {
  "use strict";
  var form = document.getElementById("prices-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-price-check-url");
  var DELAY = 400;

  var STATUS_CLASS = {
    below_statutory_floor: "app-check--below_statutory_floor",
    below_sustainable_minimum: "app-check--below_sustainable_minimum",
    above_ceiling: "app-check--above_ceiling",
    far_above_model: "app-check--far_above_model",
    within_range: "app-check--within_range"
  };

  function clean(value) {
    return value.replace(/[£,\s]/g, "");
  }

  // The wording and its figures come from the API (bidder_message, tenders/bidding_rules.py
  // provider_price_message): rounded there once, half up, so the page says what the server says.
  function show(target, data) {
    target.textContent = "";
    if (!data || !data.bidder_message) { return; }
    var p = document.createElement("p");
    p.className = "govuk-body-s app-check " + (STATUS_CLASS[data.status] || "");
    p.textContent = data.bidder_message;
    target.appendChild(p);
  }

  function attach(input) {
    var lot = input.getAttribute("data-price-check-lot");
    var param = input.getAttribute("data-price-check-param") || "price";
    var target = document.getElementById(input.getAttribute("data-price-check-target"));
    if (!lot || !target) { return; }
    var timer = null;
    var sequence = 0;
    function check() {
      window.clearTimeout(timer);
      var price = clean(input.value);
      if (!/^\d+(\.\d{1,2})?$/.test(price) || Number(price) <= 0) { show(target, null); return; }
      timer = window.setTimeout(function () {
        var mine = ++sequence;
        fetch(url + "?lot=" + encodeURIComponent(lot) + "&" + param + "=" + encodeURIComponent(price), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          if (response.status !== 200) { return null; }
          return response.json();
        }).then(function (data) {
          if (mine === sequence) { show(target, data); }
        }).catch(function () {
          if (mine === sequence) { show(target, null); }
        });
      }, DELAY);
    }
    input.addEventListener("input", check);
    // Typed before this (deferred) script ran, e.g. on a slow connection: that input event was missed.
    if (input.value !== input.defaultValue) { check(); }
  }

  var inputs = form.querySelectorAll("input[data-price-check-lot]");
  for (var i = 0; i < inputs.length; i++) { attach(inputs[i]); }
})();
