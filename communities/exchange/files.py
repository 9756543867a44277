"""Reading and writing community files as YAML or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from communities.exchange.integrity import check_digest, decode_utf8, parse_json, parse_yaml
from core.errors import InvalidInput
from core.jsonutil import dumps

FORMAT = "nic-community/2"
FORMATS = ("nic-community/1", FORMAT)
"""The formats ``nic load`` reads: /2 adds the plugins' sections and roles to /1."""


def read_document(path: Path) -> dict[str, Any]:
    """Parse a community file, refusing a damaged one: errors name the file and the line.

    Refused: bytes that are not UTF-8, a key repeated in one mapping (YAML and JSON
    parsers keep the last silently), and an exported file that no longer matches the
    digest ``nic export`` recorded (cut short). Nothing is loaded from a refused file.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})", {"path": "unreadable"}) from exc
    text = decode_utf8(path, data)
    document = parse_json(path, text) if path.suffix.lower() == ".json" else parse_yaml(path, text)
    if not isinstance(document, dict):
        raise InvalidInput(f"{path}: the file must hold a mapping with `format` and `community`")
    check_digest(path, document, text)
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def write_document(document: dict[str, Any], path: Path | None = None, kind: str = "yaml") -> str:
    """Serialize a community document (YAML by default, or JSON); write it if ``path``."""
    if kind == "json" or (path is not None and path.suffix.lower() == ".json"):
        text = dumps(document, indent=2) + "\n"
    else:
        text = yaml.safe_dump(
            _plain(document),
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=False,
        )
    if path is not None:
        path.write_text(text, encoding="utf-8")
    return text
