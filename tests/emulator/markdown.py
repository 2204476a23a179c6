"""Telegram's Markdown parse modes: legacy ``Markdown`` and ``MarkdownV2``.

MarkdownV2 is strict on purpose (every reserved character must be escaped),
and legacy Markdown rejects unclosed markers such as a lone ``_`` in
``snake_case`` -- both are classic production bugs, so the emulator answers
them with Telegram's 400 "can't parse entities" instead of accepting them.
Blockquote markers (``>``) are accepted but not turned into entities.
"""

from __future__ import annotations

from .api import ApiError, bad_request, utf16_len

_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}
_MD2_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


def parse_error(text: str) -> ApiError:
    return bad_request(f"can't parse entities: {text}")


def markdown(src: str, v2: bool) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0
    entities: list[dict] = []
    stack: list[tuple[str, int, int]] = []  # (marker, utf16 start, byte offset)
    i, n = 0, len(src)

    def emit(s: str) -> None:
        nonlocal pos
        out.append(s)
        pos += utf16_len(s)

    def boff(k: int) -> int:
        return len(src[:k].encode())

    def read_until(start: int, closer: str, kind: str) -> tuple[str, int]:
        """Literal content up to an unescaped closer; returns (content, index after closer)."""
        buf, k = [], start
        while k < n:
            if src[k] == "\\" and k + 1 < n and (v2 or src[k + 1] in "_*`["):
                buf.append(src[k + 1])
                k += 2
            elif src.startswith(closer, k):
                return "".join(buf), k + len(closer)
            else:
                buf.append(src[k])
                k += 1
        where = (
            f"starting at byte offset {boff(start - 1)}"
            if not v2
            else f"at byte offset {boff(start - 1)}"
        )
        raise parse_error(
            f"Can't find end of {kind} entity {where}"
            if v2
            else f"Can't find end of the entity {where}"
        )

    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and (ord(src[i + 1]) <= 126 if v2 else src[i + 1] in "_*`["):
            emit(src[i + 1])
            i += 2
        elif c == "`":
            fence = "```" if src.startswith("```", i) else "`"
            body, i2 = read_until(i + len(fence), fence, "Pre" if fence == "```" else "Code")
            ent = {"type": "pre" if fence == "```" else "code"}
            if (
                fence == "```"
                and "\n" in body
                and body.split("\n", 1)[0].strip()
                and " " not in body.split("\n", 1)[0]
            ):
                ent["language"], body = body.split("\n", 1)
            start = pos
            emit(body)
            if pos > start:
                entities.append({**ent, "offset": start, "length": pos - start})
            i = i2
        elif c == "[":
            stack.append(("[", pos, boff(i)))
            i += 1
        elif c == "]" and stack and stack[-1][0] == "[":
            _, start, _b = stack.pop()
            if not src.startswith("(", i + 1):
                if v2:
                    raise parse_error(
                        "Character ']' is reserved and must be escaped with the preceding '\\'"
                    )
                emit(src[i])  # legacy Markdown: a stray bracket is text (best effort)
                i += 1
                continue
            url, i = read_until(i + 2, ")", "TextUrl")
            if pos > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": pos - start, "url": url}
                )
        elif (mk := _marker(src, i, v2)) is not None:
            if stack and stack[-1][0] == mk:
                _, start, _b = stack.pop()
                if pos > start:
                    entities.append(
                        {"type": _MD2_TYPES[mk], "offset": start, "length": pos - start}
                    )
            elif any(s[0] == mk for s in stack) or (not v2 and stack):
                name, where = _MD2_NAMES[stack[-1][0]], stack[-1][2]
                raise parse_error(f"Can't find end of {name} entity at byte offset {where}")
            else:
                stack.append((mk, pos, boff(i)))
            i += len(mk)
        elif v2 and c in _MD2_RESERVED and not (c == ">" and (i == 0 or src[i - 1] == "\n")):
            raise parse_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        elif v2 and c == ">":  # blockquote line marker: dropped (entity not modelled)
            i += 1
        else:
            emit(c)
            i += 1
    if stack:
        mk, _, b = stack[-1]
        if v2:
            raise parse_error(f"Can't find end of {_MD2_NAMES[mk]} entity at byte offset {b}")
        raise parse_error(f"Can't find end of the entity starting at byte offset {b}")
    return "".join(out), entities


def _marker(src: str, i: int, v2: bool) -> str | None:
    if v2:
        for mk in ("__", "||", "*", "_", "~"):
            if src.startswith(mk, i):
                return mk
        return None
    return src[i] if src[i] in "*_" else None
