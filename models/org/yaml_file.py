"""The YAML org file: parsed with line numbers, then checked for shape (which keys, which lists).

Field values are checked later, in models/org/fields.py; here only the layout of the file.
"""

from __future__ import annotations

import yaml

from models.org.entry import Entry, OrgFileError


class LocatedList(list):
    """A list from the file; `lines` holds each item's line (a scalar item has no Entry)."""

    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings and lists remember the line of each key and item.

    Only null is resolved implicitly: every other scalar stays the text that was written, so
    YAML 1.1 surprises cannot creep in (a grid coded NO becoming False, 0101 becoming 65).
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Entry:
    loader.flatten_mapping(node)
    entry = Entry(_line(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise OrgFileError(_line(key_node), "a key must be a plain word / 键必须是普通文字")
        entry[key] = loader.construct_object(value_node, deep=True)
        entry.lines[key] = _line(key_node)
    return entry


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.lines = [_line(child) for child in node.value]
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def _load(text: str) -> Entry:
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise OrgFileError(mark.line + 1 if mark else None,
                           f"not valid YAML / YAML 格式错误: {exc.problem}") from None
    except yaml.YAMLError as exc:  # e.g. a control character, which has no mark
        raise OrgFileError(None, f"not valid YAML / YAML 格式错误: {exc}") from None
    if not isinstance(doc, Entry):
        raise OrgFileError(1, "expected a mapping with areas:, departments:, members: "
                              "/ 文件应包含 areas、departments、members")
    return doc


def _items(holder: Entry, key: str, what: str, allowed: set[str]) -> list[Entry]:
    """The list under `key`, each item a mapping with no field outside `allowed`."""
    value = holder.get(key)
    if value is None:
        return []
    if not isinstance(value, LocatedList):
        raise holder.fail(key, f"'{key}' must be a list / {key} 必须是列表")
    for item, line in zip(value, value.lines, strict=True):
        if not isinstance(item, Entry):
            raise OrgFileError(line, f"each {what} must be a mapping of fields / 条目必须是键值对")
        _only(item, what, allowed)
    return list(value)


def _only(entry: Entry, what: str, allowed: set[str]) -> None:
    for key in entry:
        if key not in allowed:
            raise entry.fail(key, f"unknown field '{key}' in {what} (expected "
                                  f"{', '.join(sorted(allowed))}) / 未知字段 {key}")


def _flatten_areas(holder: Entry, key: str, parent: str | None, out: list[Entry]) -> None:
    """The nested tree as flat entries, each child given its parent's code."""
    top = parent is None
    allowed = {"code", "name", "kind", "children"} | ({"parent"} if top else set())
    for entry in _items(holder, key, "area", allowed):
        if not top:
            entry["parent"] = parent
        out.append(entry)
        code = entry.get("code")
        _flatten_areas(entry, "children", code.strip().upper() if isinstance(code, str) else "?",
                       out)


def read_yaml(text: str) -> tuple[list[Entry], list[Entry] | None, list[Entry]]:
    """Areas (flattened), departments (None: the key is absent) and members, as entries."""
    doc = _load(text)
    _only(doc, "the file", {"areas", "departments", "members"})
    areas: list[Entry] = []
    _flatten_areas(doc, "areas", None, areas)
    departments = (_items(doc, "departments", "department", {"code", "name", "name_en"})
                   if "departments" in doc else None)
    members = _items(doc, "members", "member", {"name", "platform", "user_id", "locale", "roles"})
    for member in members:
        member["roles"] = _items(member, "roles", "role", {"role", "area", "department"})
    return areas, departments, members
