"""The NIC Platform kernel: settings, database, plugin manager, app factory, auth and CLI."""

__version__ = "0.1.0"
