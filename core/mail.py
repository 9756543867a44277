"""Outgoing email through a pluggable sender.

Plugins build a :class:`Message` and call :func:`send_mail`. Where it goes is the
site's choice, made once in settings (``NIC_MAIL_URL`` / ``mail_url``):

``log:`` (the default)
    writes each message to the ``nic.mail`` logger: nothing leaves the machine, which
    is what development and the demo want.
``memory:``
    keeps messages in :data:`outbox` (tests read it through the ``nic_outbox`` fixture).
``smtp://user:password@host:587`` or ``smtps://user:password@host:465``
    sends through an SMTP server (STARTTLS when the server offers it on ``smtp://``).

A plugin may also supply a sender through the ``nic_mail_sender`` hook (a provider's
HTTP API, say); the first plugin that returns one wins over the setting.
"""

from __future__ import annotations

import asyncio
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

from core.errors import InvalidInput

if TYPE_CHECKING:
    from core.plugins import PluginHost

logger = logging.getLogger("nic.mail")

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass(frozen=True)
class Message:
    """One email: plain-text body, optional attachments ``(filename, content type,
    bytes)`` such as an ``.ics`` invitation. ``to`` holds bare addresses."""

    to: tuple[str, ...]
    subject: str
    text: str
    attachments: tuple[tuple[str, str, bytes], ...] = ()

    def __post_init__(self) -> None:
        to = (self.to,) if isinstance(self.to, str) else tuple(self.to)
        if not to:
            raise InvalidInput.field("to", "name at least one recipient")
        for address in to:
            if not _ADDRESS.match(address):
                raise InvalidInput.field("to", f"{address!r} is not an email address")
        if not self.subject.strip() or "\n" in self.subject or "\r" in self.subject:
            raise InvalidInput.field("subject", "must be one non-empty line")
        for name, content_type, _ in self.attachments:
            if "/" not in content_type or not name or "/" in name:
                raise InvalidInput.field("attachments", f"bad attachment {name!r}")
        object.__setattr__(self, "to", to)
        object.__setattr__(self, "attachments", tuple(self.attachments))

    def as_email(self, sender: str) -> EmailMessage:
        email = EmailMessage()
        email["From"] = sender
        email["To"] = ", ".join(self.to)
        email["Subject"] = self.subject
        email.set_content(self.text)
        for name, content_type, data in self.attachments:
            main, sub = content_type.split(";", 1)[0].strip().split("/", 1)
            email.add_attachment(data, maintype=main, subtype=sub, filename=name)
        return email


class MailSender(Protocol):
    """What delivers mail: ``await sender.send(message, sender_address)``."""

    async def send(self, message: Message, sender: str) -> None: ...


outbox: list[Message] = []
"""Messages the ``memory:`` sender kept, oldest first."""


class LogSender:
    async def send(self, message: Message, sender: str) -> None:
        logger.info(
            "mail from %s to %s: %s (%d attachment(s))\n%s",
            sender,
            ", ".join(message.to),
            message.subject,
            len(message.attachments),
            message.text,
        )


class MemorySender:
    async def send(self, message: Message, sender: str) -> None:
        outbox.append(message)


@dataclass(frozen=True)
class SmtpSender:
    host: str
    port: int
    username: str = ""
    password: str = ""
    implicit_tls: bool = False

    def _deliver(self, email: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=30)
        with client:
            client.ehlo()
            if not self.implicit_tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            if self.username:
                client.login(self.username, self.password)
            client.send_message(email)

    async def send(self, message: Message, sender: str) -> None:
        await asyncio.to_thread(self._deliver, message.as_email(sender))


def sender_for(url: str) -> MailSender:
    """The sender a ``mail_url`` setting names."""
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemorySender()
    if parts.scheme in ("smtp", "smtps"):
        implicit = parts.scheme == "smtps"
        return SmtpSender(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if implicit else 587),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            implicit_tls=implicit,
        )
    return LogSender()


async def send_mail(plugins: PluginHost, message: Message) -> None:
    """Send ``message`` through the sender a plugin supplies, else the one settings name.

    A failing delivery is logged and not raised: mail is a courtesy copy of what the
    site already shows (a notification, an invitation on the convening's page), so a
    mail server being down must not undo the write that sent it.
    """
    settings = plugins.settings
    chosen: MailSender | None = None
    for _name, sender in plugins.collect_each("nic_mail_sender", skip_failing=True):
        if sender is not None:
            chosen = sender
            break
    if chosen is None:
        chosen = sender_for(settings.mail_url)
    try:
        await chosen.send(message, settings.mail_from)
    except Exception:
        logger.exception("could not send mail %r to %s", message.subject, ", ".join(message.to))
