"""Posts are Markdown: parsed with markdown-it-py, then sanitized with nh3.

Two layers, so one mistake is not enough for a script to reach a page:

1. markdown-it-py runs with raw HTML switched off (``<script>`` stays text) and its own
   link check (no ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` links).
2. nh3 (the Rust ``ammonia`` sanitizer) keeps only the tags and attributes listed here,
   only ``http``, ``https`` and ``mailto`` links (and relative ones), drops comments,
   and gives every link ``rel="nofollow noopener"``.

On top of Markdown, a post may name records of its community:

- ``#cycle-12`` and ``#artifact-4`` become links to the cycle or artifact (and are
  recorded as references: see :mod:`plugins.forums.graph`);
- ``@[Ana Ruiz](person:7)`` (what the picker inserts) and ``@person-7`` mention a person:
  a link to their page, and a notification to their account.

Only records of the thread's own community are linked; anything else stays plain text.
Nothing inside code spans or code blocks is touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from plugins.api import MAX_ID

REFERENCE = re.compile(r"(?<![\w/#&])#(cycle|artifact)-([1-9][0-9]{0,9})\b")
PLAIN_MENTION = re.compile(r"(?<![\w@])@person-([1-9][0-9]{0,9})\b")
PERSON_HREF = re.compile(r"^person:([1-9][0-9]{0,9})$")
_WORDS = re.compile(
    r"(?P<ref>(?<![\w/#&])#(?P<kind>cycle|artifact)-(?P<rid>[1-9][0-9]{0,9})\b)"
    r"|(?P<mention>(?<![\w@])@person-(?P<pid>[1-9][0-9]{0,9})\b)"
)

TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
CLASSES = {"a": {"ref", "mention"}}
SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
    ["strikethrough", "table"]
)


@dataclass
class Found:
    """What a text names: references as ``(kind, id)`` and mentioned person ids."""

    references: set[tuple[str, int]] = field(default_factory=set)
    people: set[int] = field(default_factory=set)


@dataclass
class Names:
    """The records of the community a text may link to, by id, with their labels."""

    slug: str
    cycles: dict[int, str] = field(default_factory=dict)
    artifacts: dict[int, str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)

    def url(self, kind: str, record_id: int) -> str | None:
        if kind == "cycle" and record_id in self.cycles:
            return f"/cycles/{record_id}"
        if kind == "artifact" and record_id in self.artifacts:
            return f"/communities/{self.slug}/artifacts/{record_id}"
        if kind == "person" and record_id in self.people:
            return f"/communities/{self.slug}/people/{record_id}"
        return None

    def label(self, kind: str, record_id: int) -> str:
        table = {"cycle": self.cycles, "artifact": self.artifacts, "person": self.people}[kind]
        return table.get(record_id, "")


def safe_url(url: str) -> bool:
    """http, https and mailto addresses, and addresses without a scheme (relative).

    Whatever has a colon before its first ``/``, ``?`` or ``#`` has a scheme; anything
    but the three is refused, so even an encoded ``java%09script:`` is not a link."""
    head = re.split(r"[/?#]", url, maxsplit=1)[0]
    if ":" not in head:
        return True
    return head.split(":", 1)[0].lower() in SCHEMES


def _inline_children(tokens: list[Token]) -> list[list[Token]]:
    return [t.children for t in tokens if t.type == "inline" and t.children is not None]


def scan(text: str) -> Found:
    """The references and mentions in ``text`` (outside code and outside links)."""
    found = Found()
    _scan_into(found, text)
    # Ids are 32-bit in the database: a longer number names nothing.
    found.references = {(kind, i) for kind, i in found.references if i <= MAX_ID}
    found.people = {i for i in found.people if i <= MAX_ID}
    return found


def _scan_into(found: Found, text: str) -> None:
    for children in _inline_children(_md.parse(text)):
        in_link = 0
        for token in children:
            if token.type == "link_open":
                match = PERSON_HREF.match(str(token.attrGet("href") or ""))
                if match:
                    found.people.add(int(match.group(1)))
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            elif token.type == "text" and not in_link:
                for m in _WORDS.finditer(token.content):
                    if m.group("ref"):
                        found.references.add((m.group("kind"), int(m.group("rid"))))
                    else:
                        found.people.add(int(m.group("pid")))


def _link(url: str, label: str, title: str, css: str) -> list[Token]:
    attrs: dict[str, str | int | float] = {"href": url, "class": css}
    if title:
        attrs["title"] = title
    return [
        Token("link_open", "a", 1, attrs=attrs),
        Token("text", "", 0, content=label),
        Token("link_close", "a", -1),
    ]


def _linked_text(content: str, names: Names) -> list[Token]:
    out: list[Token] = []
    last = 0
    for m in _WORDS.finditer(content):
        if m.group("ref"):
            kind, record_id, css = m.group("kind"), int(m.group("rid")), "ref"
        else:
            kind, record_id, css = "person", int(m.group("pid")), "mention"
        url = names.url(kind, record_id)
        if url is None:
            continue
        if m.start() > last:
            out.append(Token("text", "", 0, content=content[last : m.start()]))
        label = m.group(0) if css == "ref" else "@" + names.label(kind, record_id)
        out.extend(_link(url, label, names.label(kind, record_id), css))
        last = m.end()
    if last < len(content):
        out.append(Token("text", "", 0, content=content[last:]))
    return out


def _rewrite(children: list[Token], names: Names) -> list[Token]:
    out: list[Token] = []
    in_link = 0
    dropped: list[bool] = []  # per open link: whether its tags were dropped
    mention = False  # inside a mention: its text is replaced by the person's name
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            match = PERSON_HREF.match(href)
            url = names.url("person", int(match.group(1))) if match else None
            if (match and url is None) or (not match and not safe_url(href)):
                dropped.append(True)  # a person of another community, a bad scheme: text
                continue
            dropped.append(False)
            in_link += 1
            out.append(token)
            if match and url:
                # "@[Name](person:7)": the link shows the person's own name, whatever
                # the text says, with the "@" inside it.
                token.attrs = {"href": url, "class": "mention"}
                before = out[-2] if len(out) > 1 else None
                if before is not None and before.type == "text" and before.content.endswith("@"):
                    before.content = before.content[:-1]
                label = "@" + names.label("person", int(match.group(1)))
                out.append(Token("text", "", 0, content=label))
                mention = True
        elif token.type == "link_close":
            if dropped and dropped.pop():
                continue
            in_link -= 1
            mention = False
            out.append(token)
        elif mention:
            continue
        elif token.type == "text" and not in_link:
            out.extend(_linked_text(token.content, names))
        elif token.type == "image" and not safe_url(str(token.attrGet("src") or "")):
            out.append(Token("text", "", 0, content=token.content))
        else:
            out.append(token)
    return out


def render(text: str, names: Names) -> str:
    """Safe HTML of a post's Markdown, with its references and mentions linked."""
    tokens = _md.parse(text)
    for token in tokens:
        if token.type == "inline" and token.children is not None:
            token.children = _rewrite(token.children, names)
    return sanitize(_md.renderer.render(tokens, _md.options, {}))


def sanitize(html: str) -> str:
    """Keep only the listed tags, attributes, classes and link schemes."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
