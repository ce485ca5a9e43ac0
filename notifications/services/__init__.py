"""Writes of the notifications app (HackSoft style: keyword-only, typed, named ``<entity>_<action>``).

- ``notify``: an event for one recipient → one notification (deduplicated) and its deliveries.
- ``deliveries``: sending one delivery, retries, the sweep that takes back what a dead worker held.
- ``inbox``: read, seen, archive, snooze (a person's notification center).
- ``preferences``: saving a staff member's or a customer's choices.
"""
