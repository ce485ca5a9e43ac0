"""Domain events turned into ``notify(...)`` calls: who hears of an event, with which payload, under
which dedupe key, and when (reminders). ``notifications.receivers`` calls these; each is safe to
call again for the same event (the dedupe keys make a repeat a no-op)."""
