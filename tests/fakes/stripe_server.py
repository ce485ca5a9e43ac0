"""A small stateful Stripe-compatible API on loopback, for the real stripe SDK and dj-stripe.

It speaks Stripe's wire format: form-encoded requests (``a[b]=1``, ``a[0]=x``), JSON answers,
``{"error": {...}}`` with Stripe's status codes, ``Bearer`` auth, list objects and ``expand``.
Objects start from the Stripe-shaped templates in ``tests/fixtures/stripe/``.

What Stripe would do on its own (the customer paying in Checkout, a renewal failing, a
cancellation in the portal) the tests drive through the methods in ``stripe_actions.py``
(``complete_checkout``...); each returns the events Stripe would send.
``period_shape = "subscription"`` answers subscriptions in the older API shape, with the billing
period on the subscription instead of its items.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import re
import secrets
import socket
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.fakes.stripe_actions import StripeActions, template

_PREFIX = {
    "customer": "cus",
    "product": "prod",
    "price": "price",
    "checkout.session": "cs_test",
    "subscription": "sub",
    "subscription_item": "si",
    "invoice": "in",
    "line_item": "il",
    "billing_portal.session": "bps",
    "event": "evt",
}
# URL path (after /v1/) -> object type
_COLLECTIONS = {
    "customers": "customer",
    "products": "product",
    "prices": "price",
    "checkout/sessions": "checkout.session",
    "subscriptions": "subscription",
    "subscription_items": "subscription_item",
    "invoices": "invoice",
    "billing_portal/sessions": "billing_portal.session",
    "events": "event",
}


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding back into nested dicts and lists: ``a[b][0][c]=1``."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        parts = [p if p != "[]" else "" for p in parts]
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":  # a[]=x appends
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def _bool(value: Any) -> bool:
    return str(value).lower() == "true"


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header exactly as Stripe builds it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "", type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.body = status, {"error": {"type": type_, "message": message, "code": code or None}}


class FakeStripe(StripeActions):
    def __init__(self, *, now: int | None = None) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.period_shape = "items"
        self.now = now or int(time.time())
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._idempotent: dict[str, dict[str, Any]] = {}
        self.account = template("account")
        fake = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in separate writes: without this, Nagle adds 40 ms a call.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                self.answer(status, body, headers={"Request-Id": f"req_{secrets.token_hex(8)}"})

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = decode_form(parse_qsl(url.query or body, keep_blank_values=True))
                try:
                    if not (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
                        raise StripeError(401, "Invalid API Key provided.", type_="invalid_request_error")
                    key = self.headers.get("Idempotency-Key")
                    status, answer = 200, fake.dispatch(method, url.path, params, idempotency_key=key)
                except StripeError as exc:
                    status, answer = exc.status, exc.body
                self._answer(status, answer)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

        self._server = LoopbackServer(Handler)

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> FakeStripe:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def writes(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [r for r in self.requests if r[0] != "GET"]

    # --- storage --------------------------------------------------------------------------

    def new_id(self, kind: str) -> str:
        return f"{_PREFIX[kind]}_{next(self._ids):04d}{secrets.token_hex(8)}"

    def _put(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[obj["id"]] = obj
        return obj

    def get(self, object_id: str) -> dict[str, Any]:
        return self.objects[object_id]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects.values() if o.get("object") == kind]

    def _find(self, kind: str, object_id: str) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or obj.get("object") != kind:
            raise StripeError(404, f"No such {kind.split('.')[-1]}: '{object_id}'", code="resource_missing")
        return obj

    # --- HTTP dispatch --------------------------------------------------------------------

    def dispatch(
        self, method: str, path: str, params: dict[str, Any], *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        with self._lock:
            self.requests.append((method, path, params))
            if method == "POST" and idempotency_key and idempotency_key in self._idempotent:
                return self._idempotent[idempotency_key]
            answer = self._route(method, path.removeprefix("/v1/").strip("/"), params)
            if method == "POST" and idempotency_key:
                self._idempotent[idempotency_key] = answer
            return self._render(answer, params.get("expand") or [])

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if path == "account" and method == "GET":
            return self.account
        if path == "prices/search":
            return self._list([p for p in self.of_type("price") if self._search(p, params.get("query", ""))], params)
        for prefix, kind in sorted(_COLLECTIONS.items(), key=lambda kv: -len(kv[0])):
            if path == prefix:
                if method == "POST":
                    return getattr(self, f"_create_{kind.replace('.', '_')}")(params)
                return self._list(self._filter(kind, params), params)
            if path.startswith(prefix + "/"):
                rest = path[len(prefix) + 1 :].split("/")
                obj = self._find(kind, rest[0])
                if len(rest) == 2 and rest[1] == "lines" and kind == "invoice":
                    return obj["lines"]
                if len(rest) == 2 and method == "GET":  # other sub-lists (product features...): none
                    return self._list([], params)
                if len(rest) > 1:
                    raise StripeError(404, f"Unrecognized request URL ({method}: /v1/{path}).")
                if method == "POST":
                    return self._update(obj, params)
                return obj
        raise StripeError(404, f"Unrecognized request URL ({method}: /v1/{path}).")

    def _render(self, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        obj = {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}
        if obj.get("object") == "subscription":
            self._shape_periods(obj)
        for path in expand:
            self._expand(obj, path.split("."))
        return obj

    def _expand(self, node: Any, parts: list[str]) -> None:
        if not parts or not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head == "data" and isinstance(node.get("data"), list):
            for item in node["data"]:
                self._expand(item, rest)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects and not rest:
            node[head] = copy.deepcopy(self.objects[value])
        elif isinstance(value, dict):
            self._expand(value, rest)

    def _shape_periods(self, sub: dict[str, Any]) -> None:
        items = sub["items"]["data"]
        if self.period_shape == "subscription":
            sub["current_period_start"] = items[0]["current_period_start"]
            sub["current_period_end"] = items[0]["current_period_end"]
            for item in items:
                item.pop("current_period_start", None)
                item.pop("current_period_end", None)

    def _list(self, objects: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = int(params.get("limit") or 10)
        objects = sorted(objects, key=lambda o: o.get("created", 0), reverse=True)
        starting_after = params.get("starting_after")
        if starting_after:
            ids = [o["id"] for o in objects]
            objects = objects[ids.index(starting_after) + 1 :] if starting_after in ids else []
        return {"object": "list", "data": objects[:limit], "has_more": len(objects) > limit, "url": "/v1/list"}

    def _filter(self, kind: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        objects = self.of_type(kind)
        if "lookup_keys" in params:
            objects = [o for o in objects if o.get("lookup_key") in params["lookup_keys"]]
        for field in ("customer", "subscription", "product", "status"):
            if field in params and kind != "event":
                objects = [o for o in objects if o.get(field) == params[field]]
        if "active" in params:
            objects = [o for o in objects if o.get("active") == _bool(params["active"])]
        return objects

    @staticmethod
    def _search(price: dict[str, Any], query: str) -> bool:
        match = re.fullmatch(r"lookup_key:['\"]([^'\"]+)['\"]", query.strip())
        return match is not None and price.get("lookup_key") == match.group(1) and bool(price.get("active"))

    def _update(self, obj: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        params = {k: v for k, v in params.items() if k not in {"expand", "proration_behavior", "payment_behavior"}}
        if obj.get("object") == "subscription" and "items" in params:
            for change in params.pop("items"):
                [item] = [i for i in obj["items"]["data"] if i["id"] == change["id"]]
                item["price"] = copy.deepcopy(self._find("price", change["price"]))
        if "metadata" in params:
            obj["metadata"] = {**obj.get("metadata", {}), **params.pop("metadata")}
        for key, value in params.items():
            obj[key] = _bool(value) if value in {"true", "false"} else value
        if "updated" in obj:
            obj["updated"] = self.now
        return obj

    # --- creates --------------------------------------------------------------------------

    def _base(self, name: str, kind: str, object_id: str | None = None) -> dict[str, Any]:
        obj = template(name)
        obj.update(id=object_id or self.new_id(kind), created=self.now, livemode=False)
        if "metadata" in obj:
            obj["metadata"] = {}
        return obj

    def _create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        obj = self._base("customer", "customer")
        obj.update(email=params.get("email") or None, name=params.get("name") or None)
        obj["metadata"] = params.get("metadata", {})
        obj["invoice_prefix"] = secrets.token_hex(4).upper()
        return self._put(obj)

    def _create_product(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("id") in self.objects:
            raise StripeError(400, "Product already exists.", code="resource_already_exists")
        obj = self._base("product", "product", params.get("id"))
        obj.update(
            name=params["name"], description=params.get("description") or None, metadata=params.get("metadata", {})
        )
        obj["updated"] = self.now
        return self._put(obj)

    def _create_price(self, params: dict[str, Any]) -> dict[str, Any]:
        self._find("product", params["product"])
        lookup_key = params.get("lookup_key")
        if lookup_key:
            holders = [p for p in self.of_type("price") if p.get("lookup_key") == lookup_key]
            if holders and not _bool(params.get("transfer_lookup_key")):
                raise StripeError(400, "A price with this lookup_key already exists.")
            for holder in holders:
                holder["lookup_key"] = None
        obj = self._base("price", "price")
        amount = int(params["unit_amount"])
        obj.update(
            product=params["product"],
            unit_amount=amount,
            unit_amount_decimal=str(amount),
            currency=params.get("currency", "usd"),
            lookup_key=lookup_key,
            metadata=params.get("metadata", {}),
            nickname=params.get("nickname"),
        )
        obj["recurring"]["interval"] = params.get("recurring", {}).get("interval", "month")
        return self._put(obj)

    def _create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = self._find("customer", params["customer"])
        [line] = params["line_items"]
        price = self._find("price", line["price"])
        obj = self._base("checkout_session", "checkout.session")
        obj.update(
            customer=customer["id"],
            mode=params.get("mode", "subscription"),
            success_url=params["success_url"].replace("{CHECKOUT_SESSION_ID}", obj["id"]),
            cancel_url=params.get("cancel_url"),
            metadata=params.get("metadata", {}),
            client_reference_id=params.get("client_reference_id"),
            url=f"https://checkout.stripe.com/c/pay/{obj['id']}",
            currency=price["currency"],
            amount_subtotal=price["unit_amount"],
            amount_total=price["unit_amount"],
            expires_at=self.now + 24 * 3600,
        )
        obj["_price"] = price["id"]
        obj["_subscription_metadata"] = params.get("subscription_data", {}).get("metadata", {})
        return self._put(obj)

    def _create_billing_portal_session(self, params: dict[str, Any]) -> dict[str, Any]:
        self._find("customer", params["customer"])
        obj = self._base("billing_portal_session", "billing_portal.session")
        obj.update(
            customer=params["customer"],
            return_url=params.get("return_url"),
            url=f"https://billing.stripe.com/p/session/test_{secrets.token_hex(12)}",
        )
        return self._put(obj)

    def _create_subscription(self, params: dict[str, Any]) -> dict[str, Any]:
        raise StripeError(400, "Create subscriptions through Checkout in these tests.")

    def _create_invoice(self, params: dict[str, Any]) -> dict[str, Any]:
        raise StripeError(400, "Invoices are created by subscriptions in these tests.")

    _create_subscription_item = _create_subscription
    _create_event = _create_subscription
