"""The read tools: they run at once, for one shop, and return a small JSON-able result."""

from actions.tools.reads import calendar, customers, shop

__all__ = ["calendar", "customers", "shop"]
