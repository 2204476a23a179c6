"""bot.logging: one line per event, the libraries' records too; no secrets; no locals."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from bot.logging import configure_logging

TOKEN = "7123456789:AAHk3Jx9-secret_part_of_the_token_42"


@pytest.fixture(autouse=True)
def _restore_logging():
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if type(h).__name__ == "_StderrHandler"]:
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    structlog.reset_defaults()


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_json_lines_parse_for_our_events_and_library_records(capsys):
    configure_logging("INFO", "json", [TOKEN])
    structlog.get_logger("bot.sender").info("sender.retry_after", row=7, seconds=3)
    logging.getLogger("apscheduler.scheduler").info("Scheduler started")
    logging.getLogger("aiogram.event").debug("not at INFO")
    events = _lines(capsys)
    assert [(e["logger"], e["event"], e["level"]) for e in events] == [
        ("bot.sender", "sender.retry_after", "info"),
        ("apscheduler.scheduler", "Scheduler started", "info"),
    ]
    assert events[0]["row"] == 7 and "timestamp" in events[0]


def test_the_token_never_appears_in_urls_values_or_messages(capsys):
    configure_logging("INFO", "json", [TOKEN])
    logging.getLogger("httpx").info(
        'HTTP Request: POST https://api.telegram.org/bot%s/getUpdates "HTTP/1.1 200 OK"', TOKEN)
    # A token we were not told about (another bot's), in a download URL and bare.
    other = "5550001111:BBzz-another-bots-token-9876543210abc"
    logging.getLogger("aiohttp.client").info("GET /file/bot%s/photos/file_1.jpg", other)
    structlog.get_logger("bot.adapters").info("bot.settings", token=TOKEN, again=other)
    text = capsys.readouterr().err
    assert TOKEN not in text and other not in text
    assert "secret_part" not in text and "another-bots" not in text
    assert "/bot<redacted>/getUpdates" in text and "/file/bot<redacted>/photos" in text


def test_a_traceback_has_no_local_variables_and_stays_one_json_line(capsys):
    configure_logging("INFO", "json", [TOKEN])

    def handle(update_text: str) -> None:
        resident = "王秀兰 13812345678"  # noqa: F841 - a local rich would have printed
        raise ValueError("handler failed")

    words = "3号楼楼道声控灯不亮"  # the source lines in a traceback show names, not values
    try:
        handle(words)
    except ValueError:
        structlog.get_logger("handlers.bus").exception("inbox.failed", inbox_id=3)
    (event,) = _lines(capsys)
    assert "ValueError: handler failed" in event["exception"]
    assert "王秀兰" not in event["exception"] and "声控灯" not in event["exception"]


def test_console_format_is_one_line_per_event_at_the_chosen_level(capsys):
    configure_logging("WARNING", "console", [TOKEN])
    structlog.get_logger("bot.media").info("media.saved")
    structlog.get_logger("bot.media").warning("media.too_big", size=99)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "media.too_big" in lines[0] and "size=99" in lines[0]
