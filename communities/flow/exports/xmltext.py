"""XML text for GEXF and GraphML: escaping, tags, and children by local name."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

# --- XML (GEXF and GraphML) -----------------------------------------------------------

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_escape(text: str) -> str:
    """Text escaped for an XML attribute or element; newlines and tabs as references."""
    text = _XML_ILLEGAL.sub("\ufffd", text)
    for char, reference in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("\r", "&#13;"),
        ("\n", "&#10;"),
        ("\t", "&#9;"),
    ):
        text = text.replace(char, reference)
    return text


def xml_tag(name: str, attrs: Mapping[str, str], *, empty: bool = False) -> str:
    inner = "".join(f' {key}="{xml_escape(value)}"' for key, value in attrs.items())
    return f"<{name}{inner}{'/' if empty else ''}>"


def parse_xml(data: bytes | str) -> ET.Element:
    return ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def xml_children(element: ET.Element | None, name: str) -> list[ET.Element]:
    """Child elements by local name, whatever the namespace (GEXF 1.2draft, 1.2, 1.3)."""
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def xml_child(element: ET.Element | None, name: str) -> ET.Element | None:
    found = xml_children(element, name)
    return found[0] if found else None
