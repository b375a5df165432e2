"""What an ASGI server runs (Procfile's web: gunicorn's asgi worker): the pages and /ws/live/ on one port."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ats.settings")
# Read by the settings: served this way, PostgreSQL connections come from a pool (DB_POOL).
os.environ.setdefault("ATS_ASGI", "true")
pages = get_asgi_application()  # sets Django up: the consumer's imports need the app registry

from channels.routing import ProtocolTypeRouter  # noqa: E402

from ats.live import socket_application  # noqa: E402

application = ProtocolTypeRouter({"http": pages, "websocket": socket_application()})
