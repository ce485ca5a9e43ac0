"""Helpers for agents tests: the slugs of the six agents carried over from the legacy system."""

from __future__ import annotations

LEGACY_SLUGS = {
    "business_coach",
    "marketing_expert",
    "financial_advisor",
    "customer_intelligence",
    "content_generator",
    "booking_manager",
}
