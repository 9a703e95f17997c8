// A stand-in for Stripe.js v3, served by the test gateway at
// /js.stripe.com/v3/. Written from Stripe's documentation for the part the
// terminal's card window uses: Stripe(key, options), elements().create("card"),
// element.mount() and on("change"), stripe.createPaymentMethod({type: "card",
// card}). As with Stripe's, the card fields live in an iframe of the
// gateway's own origin: the number, expiry and CVC never leave it except to
// the gateway (the iframe itself posts them to /v1/payment_methods with the
// publishable key), and the page hears only the payment method's id, brand
// and last 4, or the gateway's error message.
(function () {
  "use strict";
  var src = new URL(document.currentScript.src);
  var origin = src.origin;
  var base = src.pathname.replace(/[^/]*$/, "");
  var seq = 0;
  var elements = {};
  var waiting = {};

  window.addEventListener("message", function (ev) {
    var d = ev.data;
    if (ev.origin !== origin || !d || d.source !== "stand-in-stripe") return;
    if (d.type === "change" && elements[d.element]) {
      elements[d.element].handlers.forEach(function (h) {
        h({ elementType: "card", complete: d.complete, empty: d.empty, error: d.error });
      });
    }
    if (d.type === "result" && waiting[d.id]) {
      waiting[d.id](d.result);
      delete waiting[d.id];
    }
  });

  function createCard(key) {
    var id = "card" + ++seq;
    var frame = document.createElement("iframe");
    frame.name = "__privateStripeFrame" + id;
    frame.title = "Secure card payment input frame";
    frame.src = origin + base + "card-frame.html#" + encodeURIComponent(JSON.stringify({ key: key, element: id }));
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.height = "44px";
    var element = {
      frame: frame,
      handlers: [],
      mount: function (into) {
        (typeof into === "string" ? document.querySelector(into) : into).appendChild(frame);
      },
      on: function (event, handler) {
        if (event === "change") this.handlers.push(handler);
      },
    };
    elements[id] = element;
    return element;
  }

  window.Stripe = function (key) {
    return {
      elements: function () {
        return {
          create: function (kind) {
            if (kind !== "card") throw new Error("the stand-in has the card element only");
            return createCard(key);
          },
        };
      },
      createPaymentMethod: function (request) {
        return new Promise(function (resolve) {
          var id = ++seq;
          waiting[id] = resolve;
          request.card.frame.contentWindow.postMessage({ source: "stand-in-stripe", type: "create", id: id }, origin);
        });
      },
    };
  };
})();
