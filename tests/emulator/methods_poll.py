"""Polls: sendPoll / stopPoll, plus the vote bookkeeping used by the client.

A poll lives in two places, as on Telegram: inside its Message and as the
``poll`` updates the bot receives. ``sync_poll`` keeps both identical.
"""

from __future__ import annotations

import copy

from .api import api_method, bad_request
from .compose import markup, post_bot_message
from .state import PollRecord, World


def sync_poll(world: World, rec: PollRecord) -> None:
    stored = world.msgs.get(rec.chat_id, {}).get(rec.message_id)
    if stored is not None:
        stored.data["poll"] = copy.deepcopy(rec.poll)


def record_vote(world: World, rec: PollRecord, user_id: int, option_ids: list[int]) -> None:
    """Apply a vote (or retraction when empty) and recount."""
    poll = rec.poll
    if poll["is_closed"]:
        raise AssertionError(f"poll {poll['id']} is closed; users can't vote any more")
    if any(not isinstance(i, int) or not 0 <= i < len(poll["options"]) for i in option_ids):
        raise AssertionError(
            f"invalid option ids {option_ids} for poll with {len(poll['options'])} options"
        )
    if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
        raise AssertionError("this poll does not allow multiple answers")
    if user_id in rec.votes and not poll["allows_revoting"]:
        raise AssertionError("this poll does not allow changing the answer")
    if option_ids:
        rec.votes[user_id] = sorted(set(option_ids))
    else:
        rec.votes.pop(user_id, None)
    for i, option in enumerate(poll["options"]):
        option["voter_count"] = sum(1 for ids in rec.votes.values() if i in ids)
    poll["total_voter_count"] = len(rec.votes)
    sync_poll(world, rec)


def _option_text(option) -> str:
    text = option.get("text") if isinstance(option, dict) else option
    if not isinstance(text, str) or not 1 <= len(text) <= 100:
        raise bad_request("POLL_OPTION_INVALID")
    return text


@api_method("sendPoll")
def send_poll(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    question = p.get("question")
    if not isinstance(question, str) or not 1 <= len(question) <= 300:
        raise bad_request(
            "poll question must be non-empty" if not question else "POLL_QUESTION_INVALID"
        )
    options = p.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= 12:
        raise bad_request("poll must have 1-12 options")
    texts = [_option_text(o) for o in options]
    kind = p.get("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    correct = p.get("correct_option_ids")
    if correct is None and p.get("correct_option_id") is not None:
        correct = [p["correct_option_id"]]
    if kind == "quiz" and (not correct or any(not 0 <= c < len(texts) for c in correct)):
        raise bad_request("wrong correct option ID specified")
    revoting = p.get("allows_revoting")
    poll = {
        "id": str(5_400_000_000_000_000_000 + world.seq()),
        "question": question,
        "options": [
            {"persistent_id": str(i), "text": t, "voter_count": 0} for i, t in enumerate(texts)
        ],
        "total_voter_count": 0,
        "is_closed": bool(p.get("is_closed")),
        "is_anonymous": True if p.get("is_anonymous") is None else p["is_anonymous"],
        "type": kind,
        "allows_multiple_answers": bool(p.get("allows_multiple_answers")),
        "allows_revoting": kind != "quiz" if revoting is None else revoting,
        "members_only": bool(p.get("members_only")),
    }
    if kind == "quiz":
        poll["correct_option_ids"] = list(correct)
        if p.get("explanation"):
            poll["explanation"] = p["explanation"]
    for key in ("open_period", "close_date", "description"):
        if p.get(key) is not None:
            poll[key] = p[key]
    stored = post_bot_message(world, chat, p, {"poll": poll})
    world.polls[poll["id"]] = PollRecord(copy.deepcopy(poll), chat.id, stored.data["message_id"])
    return world.snapshot(stored)


@api_method("stopPoll")
def stop_poll(world: World, p: dict) -> dict:
    chat = world.resolve_chat(p.get("chat_id"))
    stored = world.get_message(chat.id, p.get("message_id"))
    if stored is None or "poll" not in stored.data:
        raise bad_request("message with poll to stop not found")
    if not stored.from_bot:
        raise bad_request("poll can't be stopped")
    rec = world.polls[stored.data["poll"]["id"]]
    if rec.poll["is_closed"]:
        raise bad_request("poll has already been closed")
    inline, _ = markup(p.get("reply_markup"))
    rec.poll["is_closed"] = True
    sync_poll(world, rec)
    if inline:
        stored.data["reply_markup"] = inline
    world.enqueue("poll", rec.poll)  # bots get updates about polls they sent
    return copy.deepcopy(rec.poll)
