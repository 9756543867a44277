"""Damaged community files: bad UTF-8, repeated keys, and exports cut short.

Each check raises :class:`~core.errors.InvalidInput` naming the file, the line and the
problem, before anything is loaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from core.errors import InvalidInput
from core.jsonutil import dumps

DIGEST_PREFIX = "sha256:"


def _fail(path: Path | str, line: int | None, problem: str, field: str = "file") -> InvalidInput:
    where = f"line {line}: " if line is not None else ""
    return InvalidInput(f"{path}: {where}{problem}", {field: problem})


def decode_utf8(path: Path, data: bytes) -> str:
    """The file's text; a byte that is not UTF-8 is named by its offset and line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _fail(
            path,
            line,
            f"not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
            f"({exc.reason}); save the file as UTF-8",
        ) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key repeated in one mapping (it keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the base constructor reports unhashable keys
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(str(key), line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def parse_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except _DuplicateKey as dup:
        raise _duplicate(path, dup) from None
    except (yaml.YAMLError, ConstructorError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise _fail(path, mark.line + 1 if mark else None, f"not valid YAML ({problem})") from exc


def _refuse_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey("", 0, 0)  # located by _locate_json_repeat
    return found


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def _locate_json_repeat(text: str) -> _DuplicateKey:
    """The first key repeated in one JSON object, with its line (text known to be valid)."""
    stack: list[dict[str, int] | None] = []
    previous: tuple[str, int] | None = None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            stack.append({})
        elif token == "[":
            stack.append(None)
        elif token in "}]":
            stack.pop()
        elif token == ":" and previous is not None and stack and stack[-1] is not None:
            key, offset = json.loads(previous[0]), previous[1]
            line = text.count("\n", 0, offset) + 1
            if key in stack[-1]:
                return _DuplicateKey(key, line, stack[-1][key])
            stack[-1][key] = line
        previous = (token, match.start()) if token.startswith('"') else None
    raise AssertionError("no repeated key found")  # pragma: no cover


def parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_refuse_repeats)
    except json.JSONDecodeError as exc:
        raise _fail(path, exc.lineno, f"not valid JSON ({exc.msg})") from exc
    except _DuplicateKey:
        raise _duplicate(path, _locate_json_repeat(text)) from None


def _duplicate(path: Path, dup: _DuplicateKey) -> InvalidInput:
    return _fail(
        path,
        dup.line,
        f"key {dup.key!r} repeated (first at line {dup.first}); a mapping names each key once",
    )


# --- the digest of an export --------------------------------------------------------


def digest(document: dict[str, Any]) -> str:
    """A digest of everything in the document but its own ``digest`` entry.

    Computed on the data, not the text: the YAML and the JSON of one document, and
    the document ``nic export`` built in memory, all have the same digest.
    """
    body = {k: v for k, v in document.items() if k != "digest"}
    canonical = json.loads(dumps(body))  # dates as ISO text, as a JSON file holds them
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_digest(path: Path | str, document: dict[str, Any], text: str) -> None:
    """Refuse an exported file whose content no longer matches the digest it carries."""
    recorded = document.get("digest")
    if recorded is None:
        return  # written by hand: nothing to check
    line = next(
        (n for n, row in enumerate(text.splitlines(), 1) if '"digest"' in row or "digest:" in row),
        None,
    )
    if digest(document) != recorded:
        last = len(text.splitlines())
        raise _fail(
            path,
            last,
            "the file ends here but does not match the digest `nic export` recorded"
            + (f" at line {line}" if line else "")
            + ": it was cut short or changed after export. Load the complete file, or delete"
            " the digest line to load an edited file as it stands",
            "digest",
        )
