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

# Everything loaded so far (Django, the SDK, the tokenizer: about 200,000 objects) lives as long
# as the process: take it out of the garbage collector's full passes. Without this, each full pass
# walked it all and stalled the event loop (and every answer being relayed) for 10-120 ms under
# load (docs/benchmarks.md).
gc.freeze()

# The event loop shares the GIL with the request and database threads; a thread running Python
# keeps it for up to the switch interval before the loop gets a turn. 1 ms instead of 5 ms keeps
# the loop's waits (a token's relay, a first token) short under load: at 50 chats, added time to
# first token p99 went from 31-39 ms to 22-24 ms (docs/benchmarks.md).
sys.setswitchinterval(0.001)
