"""Markdown is rendered safely: every vector below must come out without a way to run
script, and references and mentions of the community become links."""

from __future__ import annotations

import re

import pytest

from plugins.forums.markup import Names, render, scan

NAMES = Names("cedar", cycles={12: "Huddles"}, artifacts={4: "Protocol"}, people={7: "Ana Ruiz"})

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](&#106;avascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](jav\tascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,<script>alert(1)</script>)",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![img](x "onerror=alert(1)")',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;top:0">cover</div>',
    "<!-- <script>alert(1)</script> -->",
    "<!--><img src=x onerror=alert(1)>-->",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>body{background:red}</style>",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    '<details open ontoggle="alert(1)">',
    "```html\n<script>alert(1)</script>\n```",
]

REAL_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>")
ALLOWED = {"a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
           "hr", "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th",
           "thead", "tr", "ul"}  # fmt: skip
ATTRIBUTE = re.compile(r'\s([a-zA-Z:-]+)="([^"]*)"')
SAFE_URL = ("https://", "http://", "mailto:", "/")


@pytest.mark.parametrize("vector", XSS)
def test_no_vector_survives(vector: str) -> None:
    """Only listed tags come out as tags (the rest is escaped text), with only listed
    attributes, and every link or image address is http(s), mailto or on this site."""
    html = render(vector, NAMES)
    assert "<!--" not in html, html
    for name, attributes in REAL_TAG.findall(html):
        assert name.lower() in ALLOWED, html
        for attribute, value in ATTRIBUTE.findall(attributes):
            assert attribute in {"href", "src", "alt", "title", "rel", "class", "start"}, html
            if attribute in ("href", "src"):
                scheme_part = re.split(r"[/?#]", value, maxsplit=1)[0]
                assert value.startswith(SAFE_URL) or ":" not in scheme_part, html
        leftover = ATTRIBUTE.sub("", attributes).strip(" /")
        assert not leftover, html  # no unquoted or valueless attribute slipped through


def test_safe_links_are_kept_with_rel_nofollow_noopener() -> None:
    html = render(
        "[a](https://ok.example/x) [b](/communities/cedar) [c](mailto:fay@cedar.example) "
        "<https://auto.example>",
        NAMES,
    )
    for href in (
        "https://ok.example/x",
        "/communities/cedar",
        "mailto:fay@cedar.example",
        "https://auto.example",
    ):
        assert f'href="{href}"' in html
    assert html.count('rel="nofollow noopener"') == 4


def test_markdown_still_formats() -> None:
    html = render("**bold** _it_\n\n- one\n- two\n\n> quoted\n\n`code`", NAMES)
    for piece in (
        "<strong>bold</strong>",
        "<em>it</em>",
        "<li>one</li>",
        "<blockquote>",
        "<code>code</code>",
    ):
        assert piece in html


def test_references_and_mentions_become_links() -> None:
    text = "See #cycle-12, #artifact-4 and #cycle-99; ask @[Ana Ruiz](person:7) or @person-7."
    html = render(text, NAMES)
    assert (
        '<a href="/cycles/12" class="ref" title="Huddles" rel="nofollow noopener">#cycle-12</a>'
        in html
    )
    assert 'href="/communities/cedar/artifacts/4"' in html
    assert "#cycle-99" in html and "/cycles/99" not in html  # not in the community: text
    assert html.count('href="/communities/cedar/people/7"') == 2
    assert ">@Ana Ruiz</a>" in html
    found = scan(text)
    assert found.references == {("cycle", 12), ("artifact", 4), ("cycle", 99)}
    assert found.people == {7}


def test_code_and_links_are_left_alone() -> None:
    text = "`#cycle-12` and\n\n    #cycle-12\n\n[#cycle-12](https://x.example) a#cycle-12"
    assert scan(text).references == set()
    html = render(text, NAMES)
    assert "/cycles/12" not in html


def test_a_person_of_another_community_stays_text() -> None:
    html = render("hi @[Someone](person:8) and @person-8", NAMES)
    assert "person:8" not in html and "<a" not in html
    assert "@Someone" in html and "@person-8" in html


def test_a_mention_shows_the_persons_own_name() -> None:
    html = render("from @[The **Boss**](person:7) and [x](person:7)", NAMES)
    assert html.count(">@Ana Ruiz</a>") == 2 and "Boss" not in html and "@@" not in html
