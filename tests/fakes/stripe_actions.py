"""What Stripe does by itself, for the fake Stripe server: a customer paying in Checkout, a plan
change in the portal, a renewal declined, a cancellation. Each returns the events Stripe would send
(stored, so ``GET /v1/events/<id>`` finds them), ready to be signed and posted to the webhook."""

from __future__ import annotations

import copy
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import threading

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stripe"
API_VERSION = "2026-08-26.dahlia"
MONTH = 30 * 24 * 3600


def template(name: str) -> dict[str, Any]:
    """A Stripe-shaped object from ``tests/fixtures/stripe/`` (a fresh copy each time)."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


class StripeActions:
    """Mixed into ``FakeStripe``; uses its storage (``_find``, ``_put``, ``_base``...) and lock."""

    if TYPE_CHECKING:  # what the host class (FakeStripe) provides; mypy checks it against these
        now: int
        _lock: threading.RLock

        def new_id(self, kind: str) -> str: ...
        def get(self, object_id: str) -> dict[str, Any]: ...
        def of_type(self, kind: str) -> list[dict[str, Any]]: ...
        def _put(self, obj: dict[str, Any]) -> dict[str, Any]: ...
        def _find(self, kind: str, object_id: str) -> dict[str, Any]: ...
        def _render(self, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]: ...
        def _base(self, name: str, kind: str, object_id: str | None = None) -> dict[str, Any]: ...

    def event(self, kind: str, obj: dict[str, Any], *, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store and return the event Stripe would send about ``obj`` (a snapshot, as Stripe sends)."""
        with self._lock:
            event = template("event")
            event.update(id=self.new_id("event"), type=kind, created=self.now, livemode=False, api_version=API_VERSION)
            event["data"] = {"object": self._render(obj, [])}
            if previous:
                event["data"]["previous_attributes"] = previous
            return self._put(event)

    def _item(self, sub_id: str, price: dict[str, Any], start: int) -> dict[str, Any]:
        item = template("subscription")["items"]["data"][0]
        item.update(
            id=self.new_id("subscription_item"),
            created=start,
            price=copy.deepcopy(price),
            subscription=sub_id,
            current_period_start=start,
            current_period_end=start + MONTH,
        )
        return item

    def _invoice(self, sub: dict[str, Any], *, status: str) -> dict[str, Any]:
        item = sub["items"]["data"][0]
        inv = self._base("invoice", "invoice")
        amount = item["price"]["unit_amount"]
        paid = status == "paid"
        number = f"{sub['customer'][-6:].upper()}-{len(self.of_type('invoice')) + 1:04d}"
        inv.update(
            customer=sub["customer"],
            status=status,
            number=number,
            billing_reason="subscription_cycle",
            amount_due=amount,
            amount_paid=amount if paid else 0,
            amount_remaining=0 if paid else amount,
            subtotal=amount,
            subtotal_excluding_tax=amount,
            total=amount,
            total_excluding_tax=amount,
            attempted=True,
            attempt_count=1,
            period_start=item["current_period_start"],
            period_end=item["current_period_start"],
            hosted_invoice_url=f"https://invoice.stripe.com/i/acct_test/{secrets.token_hex(10)}",
            invoice_pdf=f"https://pay.stripe.com/invoice/acct_test/{secrets.token_hex(10)}/pdf",
        )
        inv["status_transitions"]["paid_at"] = self.now if paid else None
        inv["status_transitions"]["finalized_at"] = self.now
        inv["parent"]["subscription_details"]["subscription"] = sub["id"]
        line = inv["lines"]["data"][0]
        line.update(
            id=self.new_id("line_item"),
            invoice=inv["id"],
            amount=amount,
            subtotal=amount,
            description=f"1 x {item['price'].get('nickname') or item['price']['id']}",
            period={"start": item["current_period_start"], "end": item["current_period_end"]},
        )
        line["parent"]["subscription_item_details"].update(subscription=sub["id"], subscription_item=item["id"])
        inv["lines"]["url"] = f"/v1/invoices/{inv['id']}/lines"
        sub["latest_invoice"] = inv["id"]
        return self._put(inv)

    def complete_checkout(self, session_id: str) -> list[dict[str, Any]]:
        """The customer pays: a subscription and a paid invoice appear; the events Stripe sends."""
        with self._lock:
            session = self._find("checkout.session", session_id)
            price = self.get(session["_price"])
            sub = self._base("subscription", "subscription")
            sub.update(
                customer=session["customer"],
                status="active",
                start_date=self.now,
                billing_cycle_anchor=self.now,
                metadata=dict(session["_subscription_metadata"]),
                currency=price["currency"],
            )
            sub["items"] = {
                "object": "list",
                "data": [self._item(sub["id"], price, self.now)],
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={sub['id']}",
                "total_count": 1,
            }
            self._put(sub)
            invoice = self._invoice(sub, status="paid")
            session.update(status="complete", payment_status="paid", subscription=sub["id"], invoice=invoice["id"])
            return [
                self.event("customer.subscription.created", sub),
                self.event("invoice.paid", invoice),
                self.event("checkout.session.completed", session),
            ]

    def change_price(self, sub_id: str, price_id: str) -> dict[str, Any]:
        """A plan change in the portal: the item moves to another price, same period."""
        with self._lock:
            sub = self._find("subscription", sub_id)
            item = sub["items"]["data"][0]
            previous = {"items": copy.deepcopy(sub["items"])}
            item["price"] = copy.deepcopy(self._find("price", price_id))
            return self.event("customer.subscription.updated", sub, previous=previous)

    def fail_renewal(self, sub_id: str) -> list[dict[str, Any]]:
        """The next period starts and the card is declined: past_due and an open invoice."""
        with self._lock:
            sub = self._find("subscription", sub_id)
            for item in sub["items"]["data"]:
                item["current_period_start"] = item["current_period_end"]
                item["current_period_end"] += MONTH
            sub["status"] = "past_due"
            invoice = self._invoice(sub, status="open")
            return [
                self.event("invoice.payment_failed", invoice),
                self.event("customer.subscription.updated", sub, previous={"status": "active"}),
            ]

    def cancel(self, sub_id: str) -> dict[str, Any]:
        """Canceled now (Stripe's ``customer.subscription.deleted``)."""
        with self._lock:
            sub = self._find("subscription", sub_id)
            sub.update(status="canceled", canceled_at=self.now, ended_at=self.now)
            return self.event("customer.subscription.deleted", sub, previous={"status": "active"})

    def cancel_at_period_end(self, sub_id: str) -> dict[str, Any]:
        """Canceled in the portal "at the end of the period": still active until then."""
        with self._lock:
            sub = self._find("subscription", sub_id)
            end = max(item["current_period_end"] for item in sub["items"]["data"])
            sub.update(cancel_at_period_end=True, cancel_at=end, canceled_at=self.now)
            return self.event("customer.subscription.updated", sub, previous={"cancel_at_period_end": False})

    def subscription_for(self, customer_id: str) -> dict[str, Any]:
        [sub] = [s for s in self.of_type("subscription") if s["customer"] == customer_id and s["status"] != "canceled"]
        return sub
