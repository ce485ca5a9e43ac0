"""`/api/v1/` for the shop's business: services, barbers, customers, availability and appointments.

Every view works in the caller's shop (``shop_for_request``) as a member of it; ids of another
shop, in the path or the body, answer 404 before anything is written. Services and barbers are
changed by owners and managers only; a barber sees and books their own column only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors, services
from bookings.availability import validate_range
from bookings.errors import BookingError
from bookings.models import Appointment, Barber, Customer
from bookings.serializers import (
    AppointmentInputSerializer,
    AppointmentQuerySerializer,
    AppointmentSerializer,
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BarberInputSerializer,
    BarberSerializer,
    CustomerInputSerializer,
    CustomerQuerySerializer,
    CustomerSerializer,
    ServiceInputSerializer,
    ServiceSerializer,
    StatusInputSerializer,
)
from sixfb.api import SignedInAPIRequest, shop_for_request
from sixfb.errors import AppError
from sixfb.models import Membership
from sixfb.selectors import get_membership_for_user

IDEMPOTENCY_PREFIX = "api:"  # keeps API keys apart from the public booking form's in the shop's key space
IDEMPOTENCY_KEY_MAX = 80 - len(IDEMPOTENCY_PREFIX)

NOT_A_MEMBER = OpenApiResponse(description="Not a member of a shop (`not_a_member`).")
MANAGERS_ONLY = OpenApiResponse(
    description="Not a member of a shop (`not_a_member`), or not its owner or a manager (`permission_denied`)."
)
FOREIGN_IDS = "An id in the body that is not the shop's (`not_found`); nothing is written."


# --- Access and parsing -----------------------------------------------------------------------


def member(request: SignedInAPIRequest) -> Membership:
    """The caller's membership of the shop they work in."""
    shop = shop_for_request(request)
    if shop is None:
        raise AppError("not_a_member", "You are not a member of a shop.", status=403)
    return get_membership_for_user(user=request.user, shop_slug=shop.slug)


def manager(request: SignedInAPIRequest) -> Membership:
    membership = member(request)
    if not membership.can_manage_shop:
        raise PermissionDenied("Only the shop's owner or a manager can do this.")
    return membership


def valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    found = serializer_class(data=data)
    found.is_valid(raise_exception=True)
    return dict(found.validated_data)


def day_range(membership: Membership, params: dict[str, Any], *, default_days: int) -> tuple[dt.date, dt.date]:
    """``from``..``to`` in the shop's zone: today and ``default_days`` on when left out."""
    first = params.get("from") or timezone.now().astimezone(membership.shop.tzinfo).date()
    last = params.get("to") or first + dt.timedelta(days=default_days)
    validate_range(first, last)
    return first, last


def own_column(membership: Membership, barber: Barber | None) -> Barber | None:
    """The barber a member may book for: anyone (owners, managers), else the barber's own column."""
    if membership.can_manage_shop:
        return barber
    own = Barber.objects.filter(shop_id=membership.shop_id, membership=membership).first()
    if own is None or (barber is not None and barber.pk != own.pk):
        raise PermissionDenied("A barber books into their own column only.")
    return own


def customer_for(membership: Membership, ref: UUID | dict[str, str]) -> Customer:
    if isinstance(ref, UUID):
        return selectors.get_customer(shop=membership.shop, customer_id=ref)
    try:
        return services.customer_for_booking(
            shop=membership.shop, name=ref["name"], phone=ref["phone"], email=ref.get("email", "")
        )
    except BookingError as exc:
        # The request named these fields under `customer`; say so.
        fields = exc.extra.get("fields")
        if isinstance(fields, dict):
            exc.extra["fields"] = {f"customer.{name}": messages for name, messages in fields.items()}
        raise


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        message = f"Idempotency-Key must be printable text of at most {IDEMPOTENCY_KEY_MAX} characters."
        raise AppError("invalid_idempotency_key", message)
    return IDEMPOTENCY_PREFIX + key


# --- Services and barbers ---------------------------------------------------------------------


class ServiceListView(APIView):
    @extend_schema(responses={200: ServiceSerializer(many=True), 403: NOT_A_MEMBER}, summary="The shop's services")
    def get(self, request: SignedInAPIRequest) -> Response:
        shop = member(request).shop
        return Response(ServiceSerializer(selectors.services_for_shop(shop=shop), many=True).data)

    @extend_schema(
        request=ServiceInputSerializer,
        responses={201: ServiceSerializer, 403: MANAGERS_ONLY, 404: OpenApiResponse(description=FOREIGN_IDS)},
        summary="Add a service (owners and managers)",
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        shop = manager(request).shop
        data = valid(ServiceInputSerializer, request.data)
        barber_ids = data.pop("barbers", None)
        barbers = None if barber_ids is None else [selectors.get_barber(shop=shop, barber_id=i) for i in barber_ids]
        service = services.service_create(shop=shop, barbers=barbers, **data)
        return Response(ServiceSerializer(service).data, status=201)


class BarberListView(APIView):
    @extend_schema(responses={200: BarberSerializer(many=True), 403: NOT_A_MEMBER}, summary="The shop's barbers")
    def get(self, request: SignedInAPIRequest) -> Response:
        shop = member(request).shop
        return Response(BarberSerializer(selectors.barbers_for_shop(shop=shop), many=True).data)

    @extend_schema(
        request=BarberInputSerializer,
        responses={201: BarberSerializer, 403: MANAGERS_ONLY},
        summary="Add a barber (owners and managers); they work the shop's opening hours and offer every "
        "active service until given their own",
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        shop = manager(request).shop
        barber = services.barber_create(shop=shop, **valid(BarberInputSerializer, request.data))
        return Response(BarberSerializer(barber).data, status=201)


# --- Customers --------------------------------------------------------------------------------


class CustomerListView(APIView):
    @extend_schema(
        parameters=[CustomerQuerySerializer],
        responses={200: CustomerSerializer(many=True), 403: NOT_A_MEMBER},
        summary="The shop's customers by name (`?q=` searches name, phone digits and email; `limit`, `offset`)",
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        shop = member(request).shop
        params = valid(CustomerQuerySerializer, request.query_params)
        found = selectors.customers_search(shop=shop, query=params["q"])
        page = found[params["offset"] : params["offset"] + params["limit"]]
        return Response(CustomerSerializer(page, many=True).data)

    @extend_schema(
        request=CustomerInputSerializer,
        responses={
            201: CustomerSerializer,
            400: OpenApiResponse(description="`invalid` or `invalid_phone`, with `fields`."),
            403: NOT_A_MEMBER,
            409: OpenApiResponse(description="The shop has a customer with that phone or email (`customer_exists`)."),
        },
        summary="Add a customer",
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        shop = member(request).shop
        customer = services.customer_create(shop=shop, **valid(CustomerInputSerializer, request.data))
        return Response(CustomerSerializer(selectors.get_customer(shop=shop, customer_id=customer.pk)).data, status=201)


# --- Availability -----------------------------------------------------------------------------


class AvailabilityView(APIView):
    """Free start times for staff booking: working hours, time off, booked time and buffers, from
    now on. Unlike the public page, no minimum notice or horizon applies (``online=False``): staff
    may book a walk-in for the next free minute."""

    @extend_schema(
        parameters=[AvailabilityQuerySerializer],
        responses={
            200: AvailabilitySerializer,
            400: OpenApiResponse(description="Bad ids or dates (`invalid`) or a range over 62 days (`invalid_range`)."),
            403: NOT_A_MEMBER,
            404: OpenApiResponse(description="The service or barber is not the shop's (`not_found`)."),
        },
        summary="Free start times for a service (default: the next 7 days)",
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        membership = member(request)
        shop = membership.shop
        params = valid(AvailabilityQuerySerializer, request.query_params)
        service = selectors.get_service(shop=shop, service_id=params["service"])
        barber = selectors.get_barber(shop=shop, barber_id=params["barber"]) if params.get("barber") else None
        first, last = day_range(membership, params, default_days=6)
        slots = selectors.availability(
            shop=shop, service=service, barber=barber, first_day=first, last_day=last, online=False
        )
        return Response(AvailabilitySerializer({"slots": slots}, context={"shop": shop}).data)


# --- Appointments -----------------------------------------------------------------------------


class AppointmentListView(APIView):
    @extend_schema(
        parameters=[AppointmentQuerySerializer],
        responses={
            200: AppointmentSerializer(many=True),
            400: OpenApiResponse(description="Bad dates (`invalid`) or a range over 62 days (`invalid_range`)."),
            403: NOT_A_MEMBER,
            404: OpenApiResponse(description="The barber is not the shop's (`not_found`)."),
        },
        summary="Appointments from `from` to `to` (shop days; default today and the 7 days after); "
        "a barber sees their own",
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        membership = member(request)
        params = valid(AppointmentQuerySerializer, request.query_params)
        barber = selectors.get_barber(shop=membership.shop, barber_id=params["barber"]) if "barber" in params else None
        first, last = day_range(membership, params, default_days=7)
        found = selectors.appointments_between(membership=membership, first_day=first, last_day=last, barber=barber)
        return Response(AppointmentSerializer(found, many=True, context={"shop": membership.shop}).data)

    @extend_schema(
        request=AppointmentInputSerializer,
        responses={
            201: OpenApiResponse(
                AppointmentSerializer,
                description="Booked; a replayed Idempotency-Key answers "
                "201 with the appointment the first request made.",
            ),
            400: OpenApiResponse(
                description="`invalid` (with `fields`; `start` without an offset too), `invalid_phone`, "
                "`in_the_past`, `outside_hours`, `barber_unavailable`, `service_unavailable`, "
                "`service_not_offered`, `invalid_idempotency_key`."
            ),
            403: OpenApiResponse(
                description="`not_a_member`, or a barber booking another's column (`permission_denied`)."
            ),
            404: OpenApiResponse(description=FOREIGN_IDS),
            409: OpenApiResponse(
                description="The barber is busy then (`slot_taken`), or the Idempotency-Key was used for another "
                "booking (`idempotency_key_reused`)."
            ),
        },
        summary="Book an appointment (source `staff`); send an `Idempotency-Key` header to make retries safe",
    )
    def post(self, request: SignedInAPIRequest) -> Response:
        membership = member(request)
        shop = membership.shop
        data = valid(AppointmentInputSerializer, request.data)
        key = idempotency_key(request)
        service = selectors.get_service(shop=shop, service_id=data["service"])
        barber = selectors.get_barber(shop=shop, barber_id=data["barber"]) if data["barber"] else None
        barber = own_column(membership, barber)
        with transaction.atomic():  # a customer made for a booking that fails is not kept
            appointment = services.appointment_book(
                shop=shop,
                service=service,
                barber=barber,
                start=data["start"],
                customer=customer_for(membership, data["customer"]),
                source=Appointment.Source.STAFF,
                notes=data["notes"],
                idempotency_key=key,
                actor=request.user,
            )
        return Response(AppointmentSerializer(appointment, context={"shop": shop}).data, status=201)


class AppointmentDetailView(APIView):
    @extend_schema(responses={200: AppointmentSerializer, 403: NOT_A_MEMBER}, summary="One appointment")
    def get(self, request: SignedInAPIRequest, appointment_id: UUID) -> Response:
        membership = member(request)
        appointment = selectors.get_appointment(membership=membership, appointment_id=appointment_id)
        return Response(AppointmentSerializer(appointment, context={"shop": membership.shop}).data)


class AppointmentStatusView(APIView):
    @extend_schema(
        request=StatusInputSerializer,
        responses={
            200: AppointmentSerializer,
            400: OpenApiResponse(
                description="`invalid` (with `fields`) or a change the status does not allow (`invalid_transition`)."
            ),
            403: NOT_A_MEMBER,
        },
        summary="Confirm, cancel, complete or mark a no-show",
    )
    def post(self, request: SignedInAPIRequest, appointment_id: UUID) -> Response:
        membership = member(request)
        appointment = selectors.get_appointment(membership=membership, appointment_id=appointment_id)
        data = valid(StatusInputSerializer, request.data)
        appointment = services.appointment_status_set(appointment=appointment, **data)
        return Response(AppointmentSerializer(appointment, context={"shop": membership.shop}).data)
