"""In-app notifications (service, pages, API) and outgoing mail (senders, settings)."""

from __future__ import annotations

import logging
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest

from core.errors import InvalidInput
from core.mail import Message, send_mail, sender_for
from core.models import User
from core.notifications import notify, unread_count
from core.plugins import PluginHost
from core.settings import Settings, SettingsError, load_settings
from core.testing import csrf_of, page_clients


async def test_notify_stores_one_row_per_active_user_and_skips_the_rest(make_user: Any) -> None:
    ana = await make_user("ana@example.org")
    bo = await make_user("bo@example.org")
    await User.filter(id=bo.user_id).update(is_active=False)
    sent = await notify(
        [ana.user_id, ana.user_id, bo.user_id, 999_999],
        "Lee replied to  your\nthread",
        "/communities/x/forums/1",
        source="forums",
        kind="reply",
    )
    assert sent == 1
    assert await unread_count(ana.user_id) == 1
    status, page = await ana.get("/notifications")
    assert status == 200 and page["total"] == 1
    assert page["items"][0]["text"] == "Lee replied to your thread"
    assert page["items"][0]["source"] == "forums" and page["items"][0]["read_at"] is None


@pytest.mark.parametrize(
    ("text", "url", "field"),
    [
        ("", "/x", "text"),
        ("hello", "https://evil.example/", "url"),
        ("hello", "//evil.example/", "url"),
        ("hello", "/" + "a" * 600, "url"),
    ],
)
async def test_notify_refuses_empty_text_and_off_site_links(
    make_user: Any, text: str, url: str, field: str
) -> None:
    ana = await make_user("ana@example.org")
    with pytest.raises(InvalidInput) as caught:
        await notify([ana.user_id], text, url, source="test")
    assert set(caught.value.fields) == {field}
    assert await unread_count(ana.user_id) == 0


async def test_the_header_counts_unread_and_opening_one_marks_it_read(
    app: Any, make_user: Any
) -> None:
    ana = await make_user("ana@example.org")
    bo = await make_user("bo@example.org")
    await notify([ana.user_id], "First <b>news</b>", "/communities", source="test")
    await notify([ana.user_id, bo.user_id], "Second news", "/", source="test")
    async with page_clients(app) as open_client:
        client = await open_client(ana.email)
        home = (await client.get("/")).text
        assert 'aria-label="2 unread"' in home
        page = await client.get("/notifications")
        assert "First &lt;b&gt;news&lt;/b&gt;" in page.text  # user text is escaped
        first = (await ana.get("/notifications"))[1]["items"][1]
        # someone else's notification is not found, and stays unread
        other = await open_client(bo.email)
        assert (await other.get(f"/notifications/{first['id']}")).status_code == 404
        opened = await client.get(f"/notifications/{first['id']}")
        assert opened.status_code == 303 and opened.headers["location"] == "/communities"
        assert await unread_count(ana.user_id) == 1
        assert 'aria-label="1 unread"' in (await client.get("/")).text
        # mark all read needs the CSRF token
        assert (await client.post("/notifications/read", data={})).status_code == 403
        page = await client.get("/notifications")
        marked = await client.post(
            "/notifications/read",
            data={"csrf_token": csrf_of(page.text, action="/notifications/read")},
        )
        assert marked.status_code == 303
        assert await unread_count(ana.user_id) == 0
        assert await unread_count(bo.user_id) == 1
        assert "unread" not in (await client.get("/")).text.split("</header>")[0]


async def test_the_header_counts_up_to_99_plus(app: Any, make_user: Any) -> None:
    ana = await make_user("ana@example.org")
    for n in range(101):
        await notify([ana.user_id], f"news {n}", "/", source="test")
    async with page_clients(app) as open_client:
        client = await open_client(ana.email)
        assert 'aria-label="99+ unread"' in (await client.get("/")).text
    assert await unread_count(ana.user_id) == 101


async def test_the_api_lists_unread_and_marks_chosen_ones(make_user: Any) -> None:
    ana = await make_user("ana@example.org")
    bo = await make_user("bo@example.org")
    for n in range(3):
        await notify([ana.user_id], f"news {n}", "/", source="test")
    await notify([bo.user_id], "bo's news", "/", source="test")
    items = (await ana.get("/notifications"))[1]["items"]
    assert [i["text"] for i in items] == ["news 2", "news 1", "news 0"]
    bo_id = (await bo.get("/notifications"))[1]["items"][0]["id"]
    assert await ana.ok("POST", "/notifications/read", {"ids": [items[0]["id"], bo_id]}) == {
        "marked": 1
    }
    unread = (await ana.get("/notifications", unread="true"))[1]
    assert [i["text"] for i in unread["items"]] == ["news 1", "news 0"]
    assert await unread_count(bo.user_id) == 1  # another user's id is ignored
    status, error = await ana.post("/notifications/read", {"ids": ["x"]})
    assert status == 422 and "ids" in str(error)
    assert await ana.ok("POST", "/notifications/read", {}) == {"marked": 2}


async def test_the_memory_sender_keeps_the_message_with_its_attachment(
    app: Any, nic_outbox: list[Message]
) -> None:
    message = Message(
        to=("ana@example.org",),
        subject="Invitation: Q3 convening",
        text="You are invited.",
        attachments=(("invite.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR"),),
    )
    await send_mail(app.state.plugins, message)
    assert nic_outbox == [message]
    email = message_from_bytes(bytes(message.as_email("NIC <nic@example.org>")))
    assert email["To"] == "ana@example.org" and email["From"] == "NIC <nic@example.org>"
    parts = [p for p in email.walk() if p.get_filename()]
    assert parts[0].get_filename() == "invite.ics"
    assert parts[0].get_payload(decode=True) == b"BEGIN:VCALENDAR"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to": ()}, "to"),
        ({"to": ("not-an-address",)}, "to"),
        ({"to": ("a@b.org\nBcc: x@y.org",)}, "to"),
        ({"subject": "Hi\nBcc: x@y.org"}, "subject"),
        ({"attachments": (("../x", "text/plain", b""),)}, "attachments"),
    ],
)
def test_a_bad_message_is_refused_naming_the_field(fields: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"to": ("a@b.org",), "subject": "Hi", "text": "x", **fields}
    with pytest.raises(InvalidInput) as caught:
        Message(**values)
    assert set(caught.value.fields) == {field}


async def test_the_default_sender_logs_and_a_plugin_sender_wins(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = Message(to=("ana@example.org",), subject="Hello", text="Body text")
    host = PluginHost.from_settings(Settings(), autoload=False)
    with caplog.at_level(logging.INFO, logger="nic.mail"):
        await send_mail(host, message)
    assert "to ana@example.org: Hello" in caplog.text and "Body text" in caplog.text

    delivered: list[tuple[Message, str]] = []

    class Sender:
        async def send(self, message: Message, sender: str) -> None:
            delivered.append((message, sender))

    class MailPlugin:
        from core.hookspecs import hookimpl

        @hookimpl
        def nic_mail_sender(self) -> Sender:
            return Sender()

    host = PluginHost.from_settings(
        Settings(mail_from="NIC <nic@example.org>"), [MailPlugin()], autoload=False
    )
    await send_mail(host, message)
    assert delivered == [(message, "NIC <nic@example.org>")]


async def test_a_failing_delivery_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    # Nothing listens on port 9 of this machine: the connection is refused.
    host = PluginHost.from_settings(Settings(mail_url="smtp://127.0.0.1:9"), autoload=False)
    with caplog.at_level(logging.ERROR, logger="nic.mail"):
        await send_mail(host, Message(to=("a@b.org",), subject="Hi", text="x"))
    assert "could not send mail 'Hi' to a@b.org" in caplog.text


def test_mail_settings_are_read_and_checked(tmp_path: Path) -> None:
    env = {"NIC_MAIL_URL": "smtps://me%40x.org:p%2Fw@mail.example.org"}
    settings = load_settings(env, tmp_path / "none.toml")
    sender = sender_for(settings.mail_url)
    assert (sender.host, sender.port, sender.username, sender.password) == (  # type: ignore[attr-defined]
        "mail.example.org",
        465,
        "me@x.org",
        "p/w",
    )
    assert load_settings({}, tmp_path / "none.toml").mail_url == "log:"
    (tmp_path / "nic.toml").write_text('mail_url = "memory:"\nmail_from = "N <n@x.org>"\n')
    settings = load_settings({}, tmp_path / "nic.toml")
    assert (settings.mail_url, settings.mail_from) == ("memory:", "N <n@x.org>")
    for url, problem in (
        ("sendmail:", "NIC_MAIL_URL: expected log:"),
        ("smtp://", "NIC_MAIL_URL: an SMTP URL needs a host"),
        ("smtp://h:99999", "NIC_MAIL_URL: Port out of range"),
    ):
        with pytest.raises(SettingsError, match=problem):
            load_settings({"NIC_MAIL_URL": url}, tmp_path / "none.toml")
    with pytest.raises(SettingsError, match="NIC_MAIL_FROM"):
        load_settings({"NIC_MAIL_FROM": "nobody"}, tmp_path / "none.toml")
