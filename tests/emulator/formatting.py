"""Text formatting as Telegram applies it to message text and captions.

Telegram never echoes markup back: with parse_mode the returned Message has
plain ``text`` plus ``entities`` (offsets in UTF-16 units), and bad markup is
a 400 "can't parse entities". It also trims surrounding whitespace and
auto-detects bot commands, mentions, hashtags, URLs and e-mails. Emulating
this keeps tests honest about what users actually see.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .api import bad_request, utf16_len
from .markdown import markdown, parse_error

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@]))"
    r"|(?P<url>\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]'»」。，！？])"
    r"|(?P<email>(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    r"|(?P<mention>(?<![\w@/])@[A-Za-z0-9_]{5,32}(?![\w@]))"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d_]\w*)"
)
_OPAQUE = {"code", "pre", "text_link", "url", "text_mention", "custom_emoji"}


class _Html(HTMLParser):
    def __init__(self, src: str):
        super().__init__(convert_charrefs=True)
        self.src, self.out, self.pos = src, [], 0
        self.stack: list[tuple[str, int, dict | None]] = []
        self.entities: list[dict] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", src)]

    def _byte_offset(self) -> int:
        line, col = self.getpos()
        return len(self.src[: self._line_starts[line - 1] + col].encode())

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        kind = _HTML_TAGS.get(tag)
        if kind is None or (tag == "span" and a.get("class") != "tg-spoiler"):
            raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        ent: dict | None = {"type": kind}
        if tag == "a":
            ent["url"] = a.get("href") or ""
        elif tag == "blockquote" and "expandable" in a:
            ent["type"] = "expandable_blockquote"
        elif tag == "tg-emoji":
            ent["custom_emoji_id"] = a.get("emoji-id", "")
        elif tag == "code" and self.stack and self.stack[-1][0] == "pre":
            lang = (a.get("class") or "").removeprefix("language-")
            if lang and self.stack[-1][2] is not None:
                self.stack[-1][2]["language"] = lang
            ent = None  # <pre><code class="language-x"> is one pre entity
        self.stack.append((tag, self.pos, ent))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            expected = self.stack[-1][0] if self.stack else ""
            raise parse_error(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{expected}>", found "</{tag}>"'
            )
        _, start, ent = self.stack.pop()
        if ent is not None and self.pos > start:
            self.entities.append({**ent, "offset": start, "length": self.pos - start})

    def handle_data(self, data):
        self.out.append(data)
        self.pos += utf16_len(data)


def _html(src: str) -> tuple[str, list[dict]]:
    p = _Html(src)
    p.feed(src)
    p.close()
    if p.stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{p.stack[-1][0]}"')
    return "".join(p.out), p.entities


def _strip(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims leading/trailing whitespace; shift and clip entities to match."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    fixed = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            fixed.append({**e, "offset": start, "length": end - start})
    return stripped, fixed


def auto_entities(text: str, existing: list[dict]) -> list[dict]:
    """Entities Telegram detects by itself (commands, mentions, links, ...)."""
    opaque = [(e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _OPAQUE]
    found = []
    for m in _AUTO.finditer(text):
        start, length = utf16_len(text[: m.start()]), utf16_len(m.group())
        if any(s < start + length and start < e for s, e in opaque):
            continue
        found.append({"type": m.lastgroup, "offset": start, "length": length})
    return found


def format_text(
    text: str, parse_mode: str | None = None, entities: list[dict] | None = None
) -> tuple[str, list[dict]]:
    """(plain text, entities) for a bot-supplied text/caption."""
    mode = (parse_mode or "").lower()
    if entities:  # explicit entities win over parse_mode, as documented
        plain, ents = text, [dict(e) for e in entities]
    elif mode == "html":
        plain, ents = _html(text)
    elif mode in ("markdownv2", "markdown"):
        plain, ents = markdown(text, v2=mode == "markdownv2")
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        plain, ents = text, []
    plain, ents = _strip(plain, ents)
    ents = ents + auto_entities(plain, ents)
    return plain, sorted(ents, key=lambda e: (e["offset"], -e["length"]))
