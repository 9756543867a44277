"""Domain services: the one place every domain operation lives.

Each service validates its input, checks permission through the context, writes in
one transaction, and raises :class:`core.errors.ServiceError` subclasses carrying
per-field messages. Web, API and CLI call only these.
"""
