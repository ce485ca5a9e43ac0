"""Settings for ``db_worker`` processes started by tests: the real settings (database task backend,
SMTP from the environment) with a short send lease, so a dead worker's delivery is taken back in
seconds, and an SMTP timeout shorter than that lease (the channel contract)."""

from sixfb.settings import *  # noqa: F403

NOTIFICATIONS_SEND_LEASE_SECONDS = 4
EMAIL_TIMEOUT = 3
