"""The webchat API's own refusals and privacy: what a browser (or anyone on 127.0.0.1) can do."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlmodel import select

from models.ticket import SlaStep
from tests.scenarios.conftest import _webchat

pytestmark = pytest.mark.e2e


@pytest.fixture
async def web(tmp_path):
    async with _webchat(tmp_path) as driver:
        yield driver


async def _collect(http, identity: str, into: list) -> None:
    async with http.ws_connect("/ws", params={"as": identity}) as socket:
        async for message in socket:
            into.append(message.json())


async def test_group_events_reach_only_people_who_see_that_group(web):
    inside, outside = [], []
    async with aiohttp.ClientSession(web.base) as http:
        tasks = [asyncio.create_task(_collect(http, web.users["worker"], inside)),
                 asyncio.create_task(_collect(http, web.users["other_worker"], outside))]
        await asyncio.sleep(0.3)
        await web.say("resident", web.group, "/report 路灯不亮")
        for _ in range(200):
            if any("G0102-0001" in e.get("message", {}).get("text", "") for e in inside):
                break
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
    assert any("G0102-0001" in e.get("message", {}).get("text", "") for e in inside)
    from_this_group = [e for e in outside if e.get("message", {}).get("chat_id") == web.group]
    assert from_this_group == [], "a worker of another grid gets nothing from this group"
    assert all(e.get("message", {}).get("chat_id") != web.group for e in outside)


async def test_unknown_identity_gets_no_socket_and_no_chats(web):
    async with aiohttp.ClientSession(web.base) as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect("/ws", params={"as": "nobody"})
        assert refused.value.status == 403
        async with http.get("/api/chats", params={"as": "nobody"}) as response:
            assert response.status == 404
            assert (await response.json()) == {"error": "没有这个身份，请重新选择。"}


async def test_reading_or_writing_a_group_you_are_not_in_is_refused(web):
    outsider = web.users["other_worker"]
    async with aiohttp.ClientSession(web.base) as http:
        async with http.get(f"/api/chats/{web.group}/messages",
                            params={"as": outsider}) as response:
            assert response.status == 403
            assert (await response.json())["error"] == "您不在这个群里。"
        form = aiohttp.FormData()
        form.add_field("text", "冒充")
        async with http.post(f"/api/chats/{web.group}/messages", params={"as": outsider},
                             data=form) as response:
            assert response.status == 403


async def test_bad_input_gets_one_localised_sentence(web):
    me = web.users["resident"]
    async with aiohttp.ClientSession(web.base) as http:
        form = aiohttp.FormData()
        form.add_field("photos", b"not a picture", filename="x.jpg", content_type="image/jpeg")
        async with http.post(f"/api/chats/{web.group}/messages", params={"as": me},
                             data=form) as response:
            assert response.status == 400
            assert (await response.json()) == {"error": "只能发送图片（JPG、PNG 等）。"}
        async with http.post(f"/api/chats/{web.group}/press", params={"as": me, "locale": "en"},
                             json={"message_id": "x"}) as response:
            assert response.status == 400
            body = await response.json()
            assert body == {"error": "That request was not understood; please check it and "
                                     "try again."}
        async with http.post(f"/api/chats/{web.group}/press", params={"as": me},
                             json={"message_id": 999, "data": "tk:take:1"}) as response:
            assert response.status == 404
            assert (await response.json()) == {"error": "这个按钮已失效，请重新操作。"}
        async with http.post("/api/clock/advance", json={"hours": 1}) as response:
            assert response.status == 403, "fast-forward exists only in the demo"


async def test_demo_fast_forward_shows_yellow_red_and_escalation(tmp_path):
    """The demo's clock control drives the same sweep the scheduler runs every minute."""
    async with _webchat(tmp_path, demo=True) as web:
        await web.say("resident", web.group, "/report 路灯不亮")
        group_texts = []

        async def texts():
            await web.refresh(web.group)
            return [m.text for m in web.bot_messages(web.group)]

        async with aiohttp.ClientSession(web.base) as http:
            for hours in (0.9, 0.2, 2.0):
                async with http.post("/api/clock/advance", json={"hours": hours}) as response:
                    assert response.status == 200
            for _ in range(100):
                group_texts = await texts()
                if any("已上报至 四海社区" in t for t in group_texts):
                    break
                await asyncio.sleep(0.05)
        assert any("已上报至 四海社区" in t for t in group_texts), group_texts
        async with web.deps.session_factory() as s:
            steps = [r.step for r in (await s.exec(select(SlaStep).order_by(SlaStep.id))).all()]
        assert steps == ["yellow", "red", "escalate_1"]


async def test_a_whole_telegram_message_is_taken_and_a_longer_one_refused_kindly(web):
    me = web.users["resident"]
    async with aiohttp.ClientSession(web.base) as http:
        for text, status in ((("井盖破损" * 1100)[:4096], 200), ("井盖破损" * 1100, 400)):
            form = aiohttp.FormData()
            form.add_field("text", text)
            async with http.post(f"/api/chats/{web.group}/messages", params={"as": me},
                                 data=form) as response:
                assert response.status == status
                if status == 400:
                    error = (await response.json())["error"]
                    assert error.startswith("文字太长了：4,400 字，最多 4,096 字。")
                    assert "刷新" not in error


async def test_location_presets_are_the_persons_own_community(tmp_path):
    """The demo's two communities: a 南湖 resident must not be offered 四海's places."""
    nanhu = ["place-nanhu-service-centre", "place-nanhu-building-1", "place-nanhu-building-2",
             "place-nanhu-park-gate"]
    sihai = ["place-service-centre", "place-building-1", "place-building-2",
             "place-building-3", "place-building-4", "place-bungalows-east"]
    async with _webchat(tmp_path, demo=True, world=False) as web, \
            aiohttp.ClientSession(web.base) as http:
        for who, expected, default in (("chen-ayi", nanhu, "place-nanhu-building-1"),
                                       ("zhou-qiang", nanhu, "place-nanhu-building-1"),
                                       ("wang-xiulan", sihai, "place-building-3"),
                                       ("zhao-weidong", sihai, "place-building-3")):
            async with http.get("/api/places", params={"as": who}) as response:
                assert response.status == 200
                places = await response.json()
            assert [p["key"] for p in places] == expected, who
            assert [p["key"] for p in places if p.get("default")] == [default], who
        strings = await (await http.get("/api/strings")).json()
        assert strings["strings"]["webchat-place-nanhu-building-1"] == "南湖花园1号楼"
        async with http.get("/api/places", params={"as": "nobody"}) as response:
            assert response.status == 404
            assert "Traceback" not in await response.text()
