"""The public booking page: the shop's customers book, view, move and cancel without an account."""
