"""Check-ins on the website widget, in a real browser, with the scheduler's clock moved.

A person talks to the bot in the widget, taps "Yes, check in tomorrow" and leaves. The
scheduler fires the check-in (`POST /conversations/{id}/trigger_intent`) while nobody
is connected, so no browser receives it. When the person comes back, the check-in
greets them: a "New message" preview beside the launcher, the check-in in the chat
with a "New" line above it, once, and not again after a reload. A check-in fired while
the chat is open arrives live, once. After the score, the summary for a doctor shows the
scores by day as a chart.

Servers and browser: tests/web/conftest.py (real Rasa and action servers, the SQL
tracker store and the check-in schedules in one SQLite file, Debian's chromium).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from bot import checkins
from bot.tooling import checkin_scheduler
from tests.web.conftest import BOT, DESKTOP, Servers, Visitor
from tests.web.test_widget import save_screenshot

pytestmark = [pytest.mark.servers, pytest.mark.model]

TIME_ZONE = "America/New_York"
OFFER = "check in with you tomorrow"
CHECK_IN = "it's your check-in"
SCREEN_TURNS = 14


def opt_in(person: Visitor, first_message: str) -> str:
    """Describes what is going on, taps No to each safety question, then "Yes, check
    in tomorrow"; returns the conversation's id (the widget's session)."""
    page = person.page
    person.open_chat()
    person.type_and_send(first_message)
    for _ in range(SCREEN_TURNS):
        if page.locator(BOT).filter(has_text=OFFER).count():
            break
        before = page.locator(BOT).count()
        page.locator(BOT).last.get_by_role("button", name="No", exact=True).click()
        person.wait_for_reply(before)
    offer = page.locator(BOT).filter(has_text=OFFER).last
    before = page.locator(BOT).count()
    offer.get_by_role("button", name="Yes, check in tomorrow").click()
    person.wait_for_reply(before)
    expect(page.locator(BOT).last).to_contain_text("Okay, I'll check in tomorrow")
    session = page.evaluate("localStorage.getItem('triage-chat:session')")
    assert isinstance(session, str) and session
    return session


def fire(servers: Servers, session: str) -> dt.datetime:
    """The scheduler, its clock a minute after this person's check-in is due."""
    due = checkins.next_due(session, url=servers.database_url)
    assert due is not None, "opting in scheduled nothing"
    moment = due + dt.timedelta(minutes=1)
    fired = checkin_scheduler.run_once(
        servers.rasa_url, servers.token, now=moment, url=servers.database_url
    )
    assert fired >= 1, servers.rasa_log.read_text(encoding="utf-8")[-3000:]
    return due


def local_time(utc: dt.datetime) -> dt.datetime:
    """A naive UTC time from the schedule, on the person's clock."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(TIME_ZONE))


def greetings(page: Any) -> Any:
    return page.locator(BOT).filter(has_text=CHECK_IN)


def test_a_check_in_sent_while_away_greets_the_person_when_they_come_back(
    browser: Any, servers: Servers
) -> None:
    person = Visitor(browser, servers, viewport=DESKTOP, timezone_id=TIME_ZONE)
    session = opt_in(person, "quit drinking yesterday, my legs keep cramping")
    person.page.locator(".tcw-close").click()
    expect(person.panel).to_be_hidden()

    # They leave; the check-in fires the next morning, at 10:00 on *their* clock.
    person.page.close()
    due = fire(servers, session)
    assert (local_time(due).hour, local_time(due).minute) == (10, 0), due

    page = person.come_back()
    nudge = page.locator(".tcw-nudge")
    expect(nudge).to_be_visible()
    expect(nudge).to_contain_text("New message")
    expect(nudge).to_contain_text(
        re.compile(r"Good morning, it's your check-in: day \d")
    )
    new_count = re.compile(r"\(\d+ new messages?\)")
    expect(person.launcher).to_have_accessible_name(new_count)
    expect(person.panel).to_be_hidden()
    save_screenshot(page, "widget-checkin.png")

    nudge.click()
    expect(person.panel).to_be_visible()
    expect(nudge).to_be_hidden()
    expect(greetings(page)).to_have_count(1)
    expect(greetings(page)).to_be_in_viewport()
    divider = page.locator(".tcw-new-divider")
    expect(divider).to_have_count(1)
    # The "New" line sits right above the check-in, after the opt-in they saw before.
    assert page.locator("li.tcw-new-divider + li").inner_text().find(CHECK_IN) >= 0
    question = page.locator(BOT).last
    expect(question).to_contain_text("chest pain")

    # The check-in goes on from the button, as any conversation does.
    before = page.locator(BOT).count()
    question.get_by_role("button", name="No", exact=True).click()
    person.wait_for_reply(before)
    next_question = page.locator(BOT).last
    expect(next_question.get_by_role("button", name="No", exact=True)).to_be_visible()

    # A reload shows the same conversation: the check-in once, nothing new any more.
    page.reload()
    expect(person.panel).to_be_visible()
    expect(page.locator(BOT).last).to_be_visible()
    expect(greetings(page)).to_have_count(1)
    expect(page.locator(".tcw-new-divider")).to_have_count(0)
    expect(nudge).to_be_hidden()
    # The check-in goes on to the score, and the summary for a doctor shows its chart.
    for _ in range(SCREEN_TURNS):
        last = page.locator(BOT).last
        if last.get_by_role("button", name="Severe").count():
            break
        before = page.locator(BOT).count()
        last.get_by_role("button", name="No", exact=True).click()
        person.wait_for_reply(before)
    for level in ["Moderate", "Mild", "Moderate", "Moderate", "Mild", "None", "None"]:
        before = page.locator(BOT).count()
        page.locator(BOT).last.get_by_role("button", name=level, exact=True).click()
        person.wait_for_reply(before)
    expect(page.locator(BOT).filter(has_text="checklist today: 8/21")).to_have_count(1)
    person.type_and_send("summarise this for my doctor")
    chart = page.locator("img.tcw-image")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("alt", re.compile("check-in scores by day"))
    assert chart.evaluate("img => img.complete && img.naturalWidth") == 480
    page.reload()  # the chart is part of the conversation: it shows again
    expect(page.locator("img.tcw-image")).to_have_count(1)
    assert page.locator("img.tcw-image").evaluate("img => img.naturalWidth") == 480

    # And closing the page with the chat closed, then coming back: no false "new".
    page.locator(".tcw-close").click()
    page = person.come_back()
    expect(person.launcher).to_have_accessible_name(re.compile(r"^Open chat: [^(]+$"))
    page.wait_for_timeout(1500)  # time for the silent connection and its history
    expect(page.locator(".tcw-nudge")).to_be_hidden()
    person.close()


def test_a_check_in_fired_while_the_chat_is_open_arrives_live_once(
    browser: Any, servers: Servers
) -> None:
    person = Visitor(browser, servers, viewport=DESKTOP, timezone_id=TIME_ZONE)
    session = opt_in(person, "off oxy 2 days, my butt cramps")
    page = person.page
    fire(servers, session)
    expect(greetings(page)).to_have_count(1)
    expect(page.locator(BOT).last).to_contain_text("chest pain")
    expect(page.locator(".tcw-nudge")).to_be_hidden()  # read as it came: nothing new
    page.reload()
    expect(person.panel).to_be_visible()
    expect(page.locator(BOT).last).to_contain_text("chest pain")
    expect(greetings(page)).to_have_count(1)
    expect(page.locator(".tcw-new-divider")).to_have_count(0)
    person.close()
