"""The webchat in a real browser: two windows (a resident and her grid worker) carry one report
from a photo in the group to a rating, each seeing the other's actions live."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw

pytestmark = pytest.mark.web

GROUP = "-g0101"  # 四海社区第一网格居民群
RESIDENT, WORKER = "wang-xiulan", "yang-chao"
README_SHOT = Path(__file__).resolve().parents[2] / "web" / "static" / "readme" / "demo.png"


def stairwell_jpeg(path: Path) -> Path:
    """A dim stairwell with a dead ceiling lamp: the kind of photo a resident sends."""
    image = Image.new("RGB", (960, 720), (58, 60, 66))
    draw = ImageDraw.Draw(image)
    for y in range(720):
        shade = 50 + y * 40 // 720
        draw.line([(0, y), (960, y)], fill=(shade, shade + 2, shade + 8))
    draw.polygon([(0, 720), (960, 720), (960, 470), (0, 560)], fill=(92, 88, 80))
    for step in range(6):
        y = 560 + step * 28
        draw.line([(80, y), (900, y - 60)], fill=(70, 66, 60), width=6)
    draw.rectangle([(300, 0), (660, 40)], fill=(40, 40, 44))
    draw.ellipse([(410, 30), (550, 110)], fill=(150, 150, 140), outline=(90, 90, 86), width=5)
    draw.rectangle([(720, 250), (790, 320)], fill=(170, 168, 160))  # the light switch box
    image.save(path, "JPEG", quality=85)
    return path


def messages(page):
    return page.locator("[data-testid=message]")


def card(page):
    return page.locator("[data-testid=message][data-kind=ticket]", has_text="G0101-0001")


def button(scope, text: str):
    return scope.locator("[data-testid=inline-button]", has_text=text)


async def open_chat(page, chat_id: str):
    from playwright.async_api import expect

    await page.locator(f"[data-testid=chat-item][data-chat-id='{chat_id}']").click()
    screen = page.locator(f"[data-testid=chat-screen][data-chat-id='{chat_id}']")
    await expect(screen).to_be_visible()


async def back_to_list(page):
    from playwright.async_api import expect

    await page.get_by_test_id("back-button").click()
    await expect(page.get_by_test_id("chat-list")).to_be_visible()


async def test_report_from_photo_to_rating_in_two_windows(phones, shot, tmp_path):
    from playwright.async_api import expect

    photo = stairwell_jpeg(tmp_path / "stairwell.jpg")
    resident = await phones.open(RESIDENT)
    worker = await phones.open(WORKER)
    # The identity is shown, and the two windows really are two people.
    await expect(resident.get_by_test_id("current-identity")).to_contain_text("王秀兰")
    await expect(worker.get_by_test_id("current-identity")).to_contain_text("杨超")
    await shot(resident, "01-resident-chat-list")
    await open_chat(resident, GROUP)
    await open_chat(worker, GROUP)
    # A full reload would wipe this; it must survive every live update below.
    for page in (resident, worker):
        await page.evaluate("window.__sameDocument = true")

    # She attaches a photo, writes what is wrong, and sends.
    await resident.get_by_test_id("photo-input").set_input_files(str(photo))
    await expect(resident.get_by_test_id("attachment")).to_have_count(1)
    await resident.get_by_test_id("message-input").fill("3号楼楼道声控灯不亮")
    await shot(resident, "02-resident-composing")
    await resident.get_by_test_id("send-button").click()
    mine = messages(resident).filter(has_text="3号楼楼道声控灯不亮").first
    await expect(mine).to_have_attribute("data-from", RESIDENT)
    await expect(mine.get_by_test_id("message-photo")).to_be_visible()
    await expect(resident.get_by_test_id("attachment")).to_have_count(0)

    # The bot asks whether to register it; she taps 登记 and the ticket card appears.
    prompt = messages(resident).filter(has_text="登记为报事？")
    await expect(button(prompt, "登记")).to_be_visible()
    await shot(resident, "03-resident-bot-asks")
    await button(prompt, "登记").click()
    await expect(card(resident)).to_contain_text("已受理")
    await expect(button(card(resident), "接单")).to_be_visible()
    card_id = await card(resident).get_attribute("data-message-id")
    await shot(resident, "04-resident-ticket-card")

    # The worker's window shows the same card live, and he takes it.
    worker_card = worker.locator(f"[data-testid=message][data-message-id='{card_id}']")
    await expect(worker_card).to_contain_text("G0101-0001")
    await expect(worker_card.get_by_test_id("message-photo")).to_have_count(0)
    await expect(messages(worker).filter(has_text="3号楼楼道声控灯不亮").first
                 .get_by_test_id("message-photo")).to_be_visible()
    await shot(worker, "05-worker-sees-card")
    await button(worker_card, "接单").click()
    await expect(worker.get_by_test_id("toast")).to_contain_text("G0101-0001")

    # Her card changes in place (the same message, edited), without a reload.
    resident_card = resident.locator(f"[data-testid=message][data-message-id='{card_id}']")
    await expect(resident_card).to_contain_text("已接单")
    await expect(resident_card).to_have_attribute("data-edited", "true")
    await expect(card(resident)).to_have_count(1)
    await shot(resident, "06-resident-card-taken")
    await save_readme_shot(resident)

    # He marks it done; his private chat with the bot asks for an after-photo.
    await button(worker_card, "办结").click()
    await expect(worker.get_by_test_id("back-unread")).to_have_text("1")
    await back_to_list(worker)
    private = worker.locator(f"[data-testid=chat-item][data-chat-id='{WORKER}']")
    await expect(private.get_by_test_id("unread-badge")).to_be_visible()
    await expect(private).to_contain_text("网格通（私聊）")
    await shot(worker, "07-worker-chat-list-unread")
    await open_chat(worker, WORKER)
    ask = messages(worker).filter(has_text="办结后的照片")
    await expect(button(ask, "跳过")).to_be_visible()
    await shot(worker, "08-worker-asked-for-after-photo")
    await button(ask, "跳过").click()
    await expect(messages(worker).filter(has_text="已办结")).not_to_have_count(0)
    await back_to_list(worker)
    await open_chat(worker, GROUP)
    await expect(worker_card).to_contain_text("已办结")

    # She is asked for a rating in her private chat, and rates it 良好.
    await expect(resident_card).to_contain_text("已办结")
    await back_to_list(resident)
    mine_private = resident.locator(f"[data-testid=chat-item][data-chat-id='{RESIDENT}']")
    await expect(mine_private.get_by_test_id("unread-badge")).to_be_visible()
    await open_chat(resident, RESIDENT)
    rate = messages(resident).filter(has_text="请评价")
    await expect(button(rate, "良好")).to_be_visible()
    await shot(resident, "09-resident-rating-request")
    await button(rate, "良好").click()
    await expect(messages(resident).filter(has_text="评价：良好")).not_to_have_count(0)

    # Back in the group, the one card now carries the rating.
    await back_to_list(resident)
    await open_chat(resident, GROUP)
    await expect(card(resident)).to_contain_text("评价：良好")
    await expect(card(resident)).to_have_count(1)
    await expect(worker.locator("body")).to_have_attribute("data-live", "true")
    await shot(resident, "10-resident-card-rated")
    for page in (resident, worker):
        assert await page.evaluate("window.__sameDocument === true")


async def save_readme_shot(page) -> None:
    """The README's picture: the resident's phone, her photo, the bot and the living card.
    Written when missing or when GRIDBOT_UPDATE_README_SHOT=1, so a test run leaves the
    tracked file alone (its clock differs every run)."""
    from playwright.async_api import expect

    if README_SHOT.exists() and os.environ.get("GRIDBOT_UPDATE_README_SHOT") != "1":
        return
    await expect(page.get_by_test_id("toast")).to_have_count(0)  # let the toast fade first
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    tmp = README_SHOT.with_suffix(".tmp.png")
    await page.screenshot(path=str(tmp))
    shutil.move(tmp, README_SHOT)


async def _report_via_api(base: str, tmp_path: Path) -> None:
    """Her report and its registration, straight through the API the page uses."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        photo = stairwell_jpeg(tmp_path / "p.jpg").read_bytes()
        sent = await client.post(
            f"/api/chats/{GROUP}/messages", params={"as": RESIDENT},
            data={"text": "3号楼楼道声控灯不亮"}, files={"photos": ("p.jpg", photo, "image/jpeg")},
        )
        sent.raise_for_status()
        for _ in range(100):
            rows = (await client.get(f"/api/chats/{GROUP}/messages",
                                     params={"as": RESIDENT})).json()
            prompt = [r for r in rows if any(b["data"].startswith("dr:y")
                                             for line in r["buttons"] for b in line)]
            if prompt:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the bot never asked to register the report")
        data = next(b["data"] for line in prompt[0]["buttons"] for b in line)
        pressed = await client.post(f"/api/chats/{GROUP}/press", params={"as": RESIDENT},
                                    json={"message_id": prompt[0]["id"], "data": data})
        pressed.raise_for_status()


async def test_resident_taking_the_ticket_gets_a_localised_refusal(phones, shot, tmp_path):
    from playwright.async_api import expect

    await _report_via_api(phones.base, tmp_path)
    resident = await phones.open(RESIDENT, path=f"#/chat/{GROUP}")
    await expect(card(resident)).to_be_visible()
    await button(card(resident), "接单").click()
    dialog = resident.get_by_test_id("alert")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_test_id("alert-text")).to_contain_text("只有本网格的网格员")
    await expect(dialog.get_by_test_id("alert-ok")).to_have_text("确定")
    await shot(resident, "11-resident-refused")
    await dialog.get_by_test_id("alert-ok").click()
    await expect(dialog).to_have_count(0)
    await expect(card(resident)).to_contain_text("已受理")  # nothing changed


async def test_english_ui_and_a_refused_upload_as_a_toast(phones, shot, tmp_path):
    from playwright.async_api import expect

    page = await phones.open(RESIDENT, locale="en")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_test_id("view-title")).to_have_text("Chats")
    await expect(page.get_by_test_id("current-identity")).to_contain_text("You are")
    private = page.locator(f"[data-testid=chat-item][data-chat-id='{RESIDENT}']")
    await expect(private).to_contain_text("Gridbot (private)")
    await open_chat(page, GROUP)
    await expect(page.get_by_test_id("send-button")).to_have_text("Send")
    await expect(page.get_by_test_id("message-input")).to_have_attribute("placeholder", "Message…")
    await page.get_by_test_id("more-button").click()
    await expect(page.get_by_test_id("more-panel")).to_contain_text("Photo")
    await expect(page.get_by_test_id("more-panel")).to_contain_text("Location")

    # The server refuses a file that is not a picture, in English, as a toast.
    note = tmp_path / "note.txt"
    note.write_text("not a picture")
    await page.get_by_test_id("photo-input").set_input_files(str(note))
    await page.get_by_test_id("send-button").click()
    toast = page.get_by_test_id("toast")
    await expect(toast).to_contain_text("Only pictures (JPG, PNG …) can be sent.")
    await expect(toast).not_to_contain_text("Traceback")
    await shot(page, "12-english-refused-upload")

    # A location from the picker arrives as a card with its place and coordinates.
    await page.get_by_test_id("attachment").locator("button").click()
    await page.get_by_test_id("more-button").click()
    await page.get_by_test_id("location-button").click()
    sheet = page.get_by_test_id("location-sheet")
    await sheet.locator("[data-testid=location-preset][data-place=place-building-3]").click()
    await expect(sheet.get_by_test_id("location-lat")).to_have_value("41.5731")
    await sheet.get_by_test_id("location-send").click()
    place = page.get_by_test_id("location-card").first
    await expect(place).to_contain_text("Sihai Estate, Building 3")
    await expect(place).to_contain_text("41.5731, 120.4498")
    await shot(page, "13-english-location")


async def test_clock_fast_forward_changes_the_time_in_both_windows(phones, shot):
    from playwright.async_api import expect

    first = await phones.open(RESIDENT)
    second = await phones.open(WORKER)
    clock = first.get_by_test_id("clock-time")
    await expect(clock).not_to_have_text("")
    before = await clock.text_content()
    other_before = await second.get_by_test_id("clock-time").text_content()
    await first.get_by_test_id("clock-toggle").click()
    await expect(first.get_by_test_id("clock-advance-day")).to_have_text("快进1天")
    await shot(first, "14-clock-panel")
    await first.get_by_test_id("clock-advance-day").click()
    await expect(clock).not_to_have_text(before)
    # The other window hears the clock event and moves too, without a reload.
    await expect(second.get_by_test_id("clock-time")).not_to_have_text(other_before)
    after_day = await clock.text_content()
    await first.get_by_test_id("clock-advance-hour").click()
    await expect(clock).not_to_have_text(after_day)
    await expect(first.get_by_test_id("toast")).to_contain_text("已快进1小时")
    await shot(first, "15-clock-advanced")


async def test_pick_an_identity_then_send_an_album(phones, shot, tmp_path):
    from playwright.async_api import expect

    page = await phones.open_unpicked()
    options = page.get_by_test_id("identity-option")
    await expect(options.filter(has_text="王秀兰")).to_contain_text("四海小区3号楼")
    await shot(page, "16-identity-picker")
    await page.locator("[data-testid=identity-option][data-identity=li-jianguo]").click()
    await expect(page.get_by_test_id("current-identity")).to_contain_text("李建国")
    assert "as=li-jianguo" in page.url
    # Remembered: a reload (no ?as= in the address) is still 李建国.
    await page.goto(phones.base + "/")
    await expect(page.get_by_test_id("current-identity")).to_contain_text("李建国")

    # Switching from the top-right avatar.
    await page.get_by_test_id("identity-switcher").click()
    await expect(page.locator("[data-identity=li-jianguo][aria-current=true]")).to_be_visible()
    await page.locator("[data-testid=identity-option][data-identity=wang-xiulan]").click()
    await expect(page.get_by_test_id("current-identity")).to_contain_text("王秀兰")
    await expect(page.locator("body")).to_have_attribute("data-live", "true")

    # Two photos at once are one album, shown as a grid; a tap shows one large.
    await open_chat(page, GROUP)
    first = stairwell_jpeg(tmp_path / "a.jpg")
    second = tmp_path / "b.jpg"
    Image.new("RGB", (600, 800), (200, 170, 90)).save(second, "JPEG")
    await page.get_by_test_id("photo-input").set_input_files([str(first), str(second)])
    await expect(page.get_by_test_id("attachment")).to_have_count(2)
    await page.get_by_test_id("message-input").fill("楼道灯和墙皮")
    await page.get_by_test_id("message-input").press("Enter")
    album = page.get_by_test_id("album")
    await expect(album.get_by_test_id("message-photo")).to_have_count(2)
    await expect(messages(page).filter(has_text="登记为报事？")).to_have_count(1)
    await shot(page, "17-album")
    await album.get_by_test_id("message-photo").first.click()
    await expect(page.get_by_test_id("lightbox")).to_be_visible()
    await page.get_by_test_id("lightbox").click()
    await expect(page.get_by_test_id("lightbox")).to_have_count(0)


async def test_a_dropped_connection_reconnects_and_catches_up(phones, shot, tmp_path):
    """The live line drops (a phone in a lift); the page says so, retries with backoff, and
    on its return shows what was said meanwhile, without a reload."""
    from playwright.async_api import expect

    lines, cut = [], {"on": False}

    async def relay(ws) -> None:
        if cut["on"]:
            await ws.close()  # still no signal: refuse, so the page backs off and retries
            return
        ws.connect_to_server()
        lines.append(ws)

    page = await phones.open(RESIDENT, path=f"#/chat/{GROUP}", ws_handler=relay)
    await page.evaluate("window.__sameDocument = true")
    cut["on"] = True
    await lines[-1].close()
    await expect(page.locator("body")).to_have_attribute("data-live", "false")
    await expect(page.get_by_test_id("offline-banner")).to_be_visible()
    async with httpx.AsyncClient(base_url=phones.base, timeout=10) as client:
        said = await client.post(f"/api/chats/{GROUP}/messages", params={"as": "li-jianguo"},
                                 data={"text": "楼下的车挡住消防通道了"})
        said.raise_for_status()
    await shot(page, "18-offline")
    cut["on"] = False
    await expect(page.locator("body")).to_have_attribute("data-live", "true")
    await expect(page.get_by_test_id("offline-banner")).to_be_hidden()
    await expect(messages(page).filter(has_text="楼下的车挡住消防通道了")).to_have_count(1)
    assert await page.evaluate("window.__sameDocument === true")


async def test_a_message_arriving_while_the_history_loads_stays(phones):
    """Opening a chat fetches its history; a message that arrives live meanwhile is newer than
    that snapshot and must not vanish when the snapshot lands (a rating poll once did)."""
    from playwright.async_api import expect

    async def say(text: str) -> None:
        async with httpx.AsyncClient(base_url=phones.base, timeout=10) as client:
            said = await client.post(f"/api/chats/{GROUP}/messages", params={"as": "li-jianguo"},
                                     data={"text": text})
            said.raise_for_status()

    # Chatter, so the bot answers neither (its prompt would quote the text a second time).
    await say("大家早上好")  # in the history the page will fetch
    page = await phones.open(RESIDENT)
    fetched, release = asyncio.Event(), asyncio.Event()

    async def hold_history(route) -> None:
        if route.request.method != "GET":
            await route.continue_()
            return
        snapshot = await route.fetch()  # taken now: it cannot contain what is said below
        fetched.set()
        await release.wait()
        await route.fulfill(response=snapshot)

    await page.route(f"**/api/chats/{GROUP}/messages?*", hold_history)
    await page.locator(f"[data-testid=chat-item][data-chat-id='{GROUP}']").click()
    await asyncio.wait_for(fetched.wait(), 10)
    await say("下午三点在活动室开会")
    live = messages(page).filter(has_text="下午三点在活动室开会")
    await expect(live).to_have_count(1)  # shown live, before the history has landed
    release.set()
    await expect(messages(page).filter(has_text="大家早上好")).to_have_count(1)
    await expect(live).to_have_count(1)
