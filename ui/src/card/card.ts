// The card window's page script (see src-tauri/src/card_window.rs). It
// mounts the gateway's hosted card fields, asks the gateway to turn the
// typed card into a payment method, and hands back the payment method's id
// with the brand and last 4 the gateway reports: the window's one command.
// The card's digits never reach this script; they stay inside the
// gateway's iframes.
import { invoke } from "@tauri-apps/api/core";
import type { HandBackCardRequest } from "../bindings/HandBackCardRequest";

/** The part of Stripe.js this page uses. */
interface CardElement {
  mount(into: HTMLElement): void;
  on(event: "change", handler: (e: { complete?: boolean; error?: { message?: string } }) => void): void;
}
interface PaymentMethodAnswer {
  paymentMethod?: { id: string; card?: { brand?: string; last4?: string } };
  error?: { message?: string };
}
interface StripeJs {
  elements(): { create(kind: "card", options: object): CardElement };
  createPaymentMethod(request: { type: "card"; card: CardElement }): Promise<PaymentMethodAnswer>;
}
declare global {
  interface Window {
    Stripe?: (key: string, options: object) => StripeJs;
  }
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";

const form = byId<HTMLFormElement>("card_form");
const submit = byId<HTMLButtonElement>("card_use");
const cancel = byId<HTMLButtonElement>("card_cancel");
const errorLine = byId<HTMLParagraphElement>("card_error");

function handBack(request: HandBackCardRequest): Promise<void> {
  return invoke<void>("hand_back_card", { request });
}

function say(message: string | undefined): void {
  errorLine.textContent = message ?? "";
}

function start(stripe: StripeJs): void {
  const card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount(byId("card_fields"));
  card.on("change", (e) => {
    submit.disabled = !e.complete;
    say(e.error?.message);
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    say(meta("working"));
    void stripe.createPaymentMethod({ type: "card", card }).then(async ({ paymentMethod, error }) => {
      if (!paymentMethod) {
        say(error?.message);
        submit.disabled = false;
        return;
      }
      try {
        await handBack({
          card: {
            payment_method: paymentMethod.id,
            brand: paymentMethod.card?.brand ?? "unknown",
            last4: paymentMethod.card?.last4 ?? "",
          },
        });
      } catch (e) {
        say((e as { message?: string }).message);
        submit.disabled = false;
      }
    });
  });
}

cancel.addEventListener("click", () => void handBack({}));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") void handBack({});
});

if (window.Stripe) {
  start(window.Stripe(meta("publishable-key"), { locale: document.documentElement.lang || "auto" }));
} else {
  say(meta("unreachable"));
}
