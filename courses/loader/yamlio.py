"""YAML that remembers where things are, so that every loader error can name a file and a line.

``read_yaml(path, root)`` returns plain-looking data: mappings are ``YamlMap`` (a ``dict``) and
sequences ``YamlList`` (a ``list``), both carrying ``.line`` (1-based line of the node) and
``.line_of(key_or_index)``. Scalars stay ordinary Python values. Parse errors and duplicate keys
raise ``LoaderError`` with the file and the line. The assessments loader uses the same helpers
for ``quiz.yaml`` and ``checks/*.yaml``.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass
class LoaderError(Exception):
    """One problem in the catalogue: ``file:line: message`` (line may be unknown)."""

    path: str
    line: int | None
    message: str

    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class YamlMap(dict):
    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, int]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    mapping = YamlMap()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from exc
        if key in mapping:
            loader.duplicate_keys.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> YamlList:
    sequence = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def relative_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def parse_yaml_text(text: str, *, name: str, line_offset: int = 0) -> Any:
    """Parse ``text``; errors are reported as ``name:line`` (``line_offset`` is added)."""
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoaderError(name, line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise LoaderError(name, None, f"YAML error: {exc}") from exc
    finally:
        loader.dispose()
    if loader.duplicate_keys:
        key, line = loader.duplicate_keys[0]
        raise LoaderError(name, line + line_offset, f"duplicate key '{key}'")
    if line_offset:
        _shift_lines(data, line_offset)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, YamlMap):
        data.line += offset
        data.key_lines = {key: line + offset for key, line in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, YamlList):
        data.line += offset
        data.item_lines = [line + offset for line in data.item_lines]
        for value in data:
            _shift_lines(value, offset)


def read_text(path: Path, *, root: Path | None = None) -> str:
    """A catalogue file as text: UTF-8 (a BOM is dropped), line ends normalised to ``\\n``."""
    name = relative_name(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoaderError(name, None, f"cannot read file: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoaderError(name, line, "the file is not valid UTF-8") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_yaml(path: Path, *, root: Path | None = None) -> Any:
    """Read a YAML file with line information (see the module docstring)."""
    return parse_yaml_text(read_text(path, root=root), name=relative_name(path, root))
