// The stand-in's card fields (see v3.js): checks them as Stripe's card
// element does while typing, and on the page's request posts them to the
// gateway itself, answering with the payment method's id, brand and last 4.
(function () {
  "use strict";
  var cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  var field = function (name) { return document.querySelector("input[name='" + name + "']"); };
  var digits = function (s) { return s.replace(/\D/g, ""); };

  function luhn(n) {
    var sum = 0;
    for (var i = 0; i < n.length; i++) {
      var d = +n[n.length - 1 - i];
      if (i % 2) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function read() {
    var number = digits(field("cardnumber").value);
    var exp = digits(field("exp-date").value);
    var cvc = digits(field("cvc").value);
    var month = +exp.slice(0, 2);
    var year = 2000 + +exp.slice(2, 4);
    var now = new Date();
    var error = null;
    if (number.length >= 12 && !luhn(number)) error = "Your card number is invalid.";
    else if (exp.length === 4 && (month < 1 || month > 12)) error = "Your card's expiration date is incomplete.";
    else if (exp.length === 4 && (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)))
      error = "Your card's expiration year is in the past.";
    var complete = !error && number.length === 16 && exp.length === 4 && cvc.length >= 3;
    return { number: number, month: month, year: year, cvc: cvc, complete: complete, error: error,
             empty: !number && !exp && !cvc };
  }

  function tell(message) { parent.postMessage(Object.assign({ source: "stand-in-stripe" }, message), "*"); }

  document.addEventListener("input", function () {
    var card = read();
    tell({ type: "change", element: cfg.element, complete: card.complete, empty: card.empty,
           error: card.error ? { type: "validation_error", message: card.error } : undefined });
  });

  window.addEventListener("message", function (ev) {
    if (ev.source !== parent || !ev.data || ev.data.type !== "create") return;
    var id = ev.data.id;
    var card = read();
    if (!card.complete) {
      tell({ type: "result", id: id, result: { error: { type: "validation_error", message: card.error || "Your card number is incomplete." } } });
      return;
    }
    var body = new URLSearchParams({ "type": "card", "card[number]": card.number, "card[exp_month]": String(card.month),
                                     "card[exp_year]": String(card.year), "card[cvc]": card.cvc });
    fetch("/v1/payment_methods", { method: "POST", body: body, headers: { "Authorization": "Bearer " + cfg.key } })
      .then(function (r) { return r.json(); })
      .then(function (pm) {
        if (pm.error) return tell({ type: "result", id: id, result: { error: { type: pm.error.type, message: pm.error.message } } });
        tell({ type: "result", id: id, result: { paymentMethod: { id: pm.id, type: "card",
              card: { brand: pm.card.brand, last4: pm.card.last4 } } } });
      })
      .catch(function () {
        tell({ type: "result", id: id, result: { error: { type: "api_connection_error", message: "The gateway could not be reached." } } });
      });
  });
})();
