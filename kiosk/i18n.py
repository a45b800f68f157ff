"""Babel's view of kiosk/strings.py: every ``EN`` entry as a message with its key as context.

``pybabel extract -F babel.cfg`` calls :func:`extract_strings` (see babel.cfg);
reading the dict with ``ast`` keeps strings.py a plain table instead of a file
of ``_()`` calls, and gives each message its line number for translators.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def extract_strings(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield ``(line, "pgettext", (key, english), comments)`` for each entry of ``EN``."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "EN" for t in targets):
                yield from _entries(node.value)


def _entries(table: ast.expr | None) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    if not isinstance(table, ast.Dict):
        return
    for key, value in zip(table.keys, table.values, strict=True):
        english = ast.literal_eval(value)
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and isinstance(english, str)
        ):
            comments = ["Keep {placeholders} as they are."] if "{" in english else []
            yield key.lineno, "pgettext", (key.value, english), comments
