"""The ASGI application: HTTP through Django, websockets through Channels."""

import gc
import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sixfb.settings")

# Set up Django (apps, settings) before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402

from chat import llm  # noqa: E402
from sixfb.lib import observability  # noqa: E402
from sixfb.routing import websocket_urlpatterns  # noqa: E402
from sixfb.websocket_security import KnownPathRouter, OriginValidator  # noqa: E402

llm.warm_up()  # the SDK and the tokenizer load here, not in the first person's answer

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The Origin must match a trusted origin in scheme, host and port (sixfb/websocket_security.py),
        # then the session user is loaded; an unknown path is refused like a foreign origin.
        "websocket": observability.wrap_asgi(
            OriginValidator(AuthMiddlewareStack(KnownPathRouter(websocket_urlpatterns)))
        ),
    }
)

# What is loaded by now lives as long as the process: out of the collector's full passes, which
# otherwise stalled the event loop under load (bench/chat_overhead.py; docs/benchmarks.md).
gc.freeze()

# The event loop gets the GIL back from request threads after 1 ms instead of 5: the 50-chat p99 of
# bench/chat_overhead.py needs it (docs/benchmarks.md).
sys.setswitchinterval(0.001)
