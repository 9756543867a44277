"""Reading and writing community files as YAML or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from core.errors import InvalidInput
from core.jsonutil import dumps

FORMAT = "nic-community/1"


def read_document(path: Path) -> dict[str, Any]:
    """Parse a community file; syntax errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})", {"path": "unreadable"}) from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(f"{path}: {where}not valid YAML ({problem})") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: the file must hold a mapping with `format` and `community`")
    return data


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
