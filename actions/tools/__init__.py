"""Every tool, registered on import (actions.apps)."""

from actions.tools import reads, writes  # noqa: F401  (registers the read and the write tools)
