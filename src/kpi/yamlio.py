"""Reading YAML files safely: duplicate keys refused, syntax errors reported with line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kpi.errors import KpiError
from kpi.paths import display


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys, which PyYAML would silently overwrite."""


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

if hasattr(yaml, "CSafeLoader"):

    class _FastUniqueKeyLoader(yaml.CSafeLoader):
        """The same with libyaml's parser (about 10× faster on a big strategia.yaml)."""

    _FastUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _FAST: type = _FastUniqueKeyLoader
else:  # PyYAML built without libyaml
    _FAST = _UniqueKeyLoader


def parse_yaml(text: str, *, origin: str, error: type[KpiError]) -> Any:
    """Parse YAML text; raise `error` naming `origin`, the line and the column on bad syntax."""
    try:
        return yaml.load(text, Loader=_FAST)  # a SafeLoader subclass
    except yaml.YAMLError as fast_error:
        exc = fast_error
    # libyaml words its problems and places its marks differently; the pure-Python parser's message is the one
    # documented and tested, so a file that fails is parsed once more, slowly, only to say why
    try:
        yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as plain_error:
        exc = plain_error
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    raise error(f"{origin}: not valid YAML{where}: {problem}") from None


def load_yaml(path: Path, *, error: type[KpiError]) -> Any:
    """Read a UTF-8 YAML file with :func:`parse_yaml`; a missing or undecodable file raises `error` too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{display(path)}: file not found") from None
    except UnicodeDecodeError as exc:
        raise error(f"{display(path)}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_yaml(text, origin=display(path), error=error)
