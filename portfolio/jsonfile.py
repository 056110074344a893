"""Reading a JSON file that someone uploaded: the one reader for both imports.

The portfolio import (portfolio.portability) and the person specification import
(specifications.specs) read their files here, each with its own limits. A file is
refused, with a message for the person who chose it, when it is larger than the
import allows, is not JSON, nests deeper than any real document of its format, or
gives one key twice in an object (JSON readers keep the last value silently, so
what the file seems to say is not what would be imported). `find_non_text()` finds
what JSON may carry but text may not: a NUL, or half of a UTF-16 pair.
"""

import json
import re

from django.core.files import File

from portfolio.pid import quoted


class JSONFileError(Exception):
    """The file cannot be read; the message says why, for the person who chose it."""


def load_json(data: bytes | str | File, *, max_bytes: int, max_depth: int) -> object:
    """The file's JSON value; JSONFileError if it breaks a limit or is not JSON.

    ``max_depth`` counts nested objects and lists, the outermost being 1. A File
    (an upload) is measured before it is read; text is measured in characters.
    """
    check_size(data.size if isinstance(data, File) else len(data), max_bytes)
    too_deep = f"The file is not valid JSON: it nests deeper than {max_depth} levels."
    try:
        if isinstance(data, File):
            data = data.read()
        value = json.loads(data, object_pairs_hook=_object)
    except RecursionError:
        raise JSONFileError(too_deep) from None
    except ValueError as error:  # JSONDecodeError, text that is not UTF-8
        raise JSONFileError(f"The file is not valid JSON: {error}.") from None
    if _deeper_than(value, max_depth):
        raise JSONFileError(too_deep)
    return value


def check_size(size: int, max_bytes: int) -> None:
    """JSONFileError if a file of `size` bytes is over the limit."""
    if size > max_bytes:
        raise JSONFileError(
            f"The file is {size / 1024 / 1024:.1f} MB: it must be "
            f"{max_bytes // 1024 // 1024} MB or smaller."
        )


# A NUL, or a lone surrogate: JSON's "\u0000" and "\ud800" escapes give them, but
# no database stores them and no page can show them (UTF-8 has no surrogates).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def find_non_text(value: object) -> tuple[tuple, str] | None:
    """Where a JSON value holds a NUL or a lone surrogate, in a key or a text, and
    which: (path, character), else None. A path holds the keys and the list
    positions (from 1) down to the text; a key's path ends with "a key"."""
    stack: list[tuple[object, tuple]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                found = _NOT_TEXT.search(key)
                if found:
                    return (*path, "a key"), found.group()
                stack.append((item, (*path, key)))
        elif isinstance(node, list):
            stack.extend((item, (*path, n)) for n, item in enumerate(node, start=1))
        elif isinstance(node, str):
            found = _NOT_TEXT.search(node)
            if found:
                return path, found.group()
    return None


def _object(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) < len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise JSONFileError(
                    f"The file is not valid JSON: an object gives the key "
                    f"{quoted(key)} twice. Give each key once."
                )
            seen.add(key)
    return result


def _deeper_than(value: object, max_depth: int) -> bool:
    # Iterative, so that no depth of nesting can exhaust the stack.
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
