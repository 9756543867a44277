"""The ASGI entry point for ``nic serve`` and other servers: ``core.asgi:app``."""

from core.app import create_app

app = create_app(freeze_startup_objects=True)
