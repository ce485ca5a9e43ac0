"""Pages of the notifications app: the notification center and staff preferences (``inbox``), and the
pages a customer reaches from a link in a message (``customer``)."""
