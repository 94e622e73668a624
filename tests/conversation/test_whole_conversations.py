"""Whole conversations, typed the way people type, through the trained model and real
action server: what a person would notice."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Dict, List

import pytest

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="session")]

_senders = itertools.count()
TIP_WORDS = (
    "pigeon",
    "figure-four",
    "heating pad",
    "ibuprofen",
    "warm bath",
    "stretch",
)


class Person:
    """One person chatting: sends text, keeps what the bot said."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent
        self.sender = f"person-{next(_senders)}"

    async def says(self, text: str) -> str:
        """The bot's replies to `text`, joined, with button titles in brackets."""
        replies: List[Dict[str, Any]] = await self.agent.handle_text(
            text, sender_id=self.sender
        )
        parts = []
        for reply in replies:
            parts.append(reply.get("text") or "")
            parts.extend(f"[{b['title']}]" for b in reply.get("buttons", []))
        return "\n".join(parts)

    async def slot(self, name: str) -> Any:
        """A slot's value in the stored conversation."""
        tracker = await self.agent.tracker_store.retrieve(self.sender)
        return tracker.get_slot(name)


@pytest.fixture
def person(agent: Any) -> Person:
    """A new person for each test."""
    return Person(agent)


async def no_to_the_screen_until_the_check_in_offer(person: Person) -> None:
    """Answers "no" to the screen's questions until the bot offers check-ins."""
    for _ in range(8):
        reply = await person.says("no")
        if "check in" in reply:
            break
    assert "check in" in reply


async def test_opioid_buttock_pain_gets_the_screen_before_sourced_tips(
    person: Person,
) -> None:
    greeting = await person.says("hi")
    assert "not a doctor" in greeting and "911" in greeting

    first = await person.says("day 3 off H and my glutes keep cramping")
    assert "safety questions" in first and "[Yes]" in first
    assert not any(word in first.lower() for word in TIP_WORDS)
    assert await person.slot("triage_level") is None

    for _ in range(6):
        reply = await person.says("no")
        if "Source" in reply:
            break
    assert "Source" in reply
    # The buttock-pain article, for glutes, by its title: no file names.
    assert "Buttock Pain During Opioid Withdrawal" in reply and ".txt" not in reply
    assert await person.slot("triage_level") == "self_care"
    assert await person.slot("substance") == "heroin"
    assert await person.slot("substance_class") == "opioid"
    assert await person.slot("body_location") == "buttock"

    stretches = await person.says("what stretches can i do")
    assert "pigeon" in stretches.lower() and "Source" in stretches

    declined = await person.says("no")  # the check-in offer, declined
    assert "no check-ins" in declined
    done = await person.says("no")  # after tips: the choices again, not "Sorry..."
    assert "[Stretches]" in done and "warning sign" in done


async def test_a_red_flag_inside_the_screen_escalates_and_tips_never_follow(
    person: Person,
) -> None:
    await person.says("came off xanax 3 days ago and my calves are cramping")
    reply = await person.says("no but now i cant breathe properly")
    assert reply.startswith("🚨") and "911" in reply
    assert await person.slot("triage_level") == "emergency"
    assert (
        await person.slot("screen_breathing") is None
    )  # not stored as a screen answer

    later = await person.says("ok but what stretches help")
    assert "911" in later
    assert not any(word in later.lower() for word in TIP_WORDS)
    assert await person.slot("triage_level") == "emergency"


async def test_overdose_in_someone_else_leads_with_the_number_and_naloxone(
    person: Person,
) -> None:
    reply = await person.says("my bf did fent and now he wont wake up his lips r blue")
    first_line = reply.splitlines()[0]
    assert "911" in first_line
    assert "naloxone" in reply.lower()


async def test_region_changes_the_numbers(person: Person) -> None:
    await person.says("i think im having a seizure")
    reply = await person.says("im in the uk")
    assert "999" in reply and "911" not in reply.splitlines()[0]


async def test_suicidal_thoughts_lead_with_the_crisis_line(person: Person) -> None:
    reply = await person.says("i dont want to live anymore this withdrawal is too much")
    assert "988" in reply.splitlines()[0]
    assert await person.slot("triage_level") == "emergency"


@pytest.mark.parametrize(
    "message",
    [
        "no fever, just my butt aching since i quit oxy",
        "im not suicidal just exhausted, legs cramping all night off subs",
        "what are the signs of a seizure? im coming off benzos",
    ],
)
async def test_negations_and_questions_are_not_emergencies(
    person: Person, message: str
) -> None:
    reply = await person.says(message)
    assert not reply.startswith("🚨")
    assert await person.slot("triage_level") != "emergency"


async def test_not_sure_leans_to_caution(person: Person) -> None:
    await person.says("ran out of baclofen yesterday and my legs are spasming")
    replies = []
    for answer in ("no", "not sure", "no", "no", "no", "no", "no", "no", "no"):
        replies.append(await person.says(answer))
        if "Source" in replies[-1]:
            break
    assert await person.slot("triage_level") == "urgent"
    assert "today" in "\n".join(replies)


async def test_summary_for_the_doctor(person: Person) -> None:
    await person.says("quit drinking 2 days ago and my legs cramp bad 7/10")
    summary = await person.says("can you summarise this for my doctor")
    assert "alcohol" in summary and "2 days ago" in summary and "7/10" in summary


async def test_a_summary_or_a_helpline_asked_during_the_screen_then_its_question(
    person: Person,
) -> None:
    """Review 35: answered, then nothing; the screen's question stood unseen and the
    next "no" answered it."""
    first = await person.says("my butt cramps since i quit oxy")
    assert "Do you have any of these right now?" in first
    summary = await person.says("can i get a summary for my doctor")
    assert "oxycodone" in summary and "Do you have any of these right now?" in summary
    await person.says("no")
    helplines = await person.says("ok who do i even call thats free")
    assert "1-800-662-4357" in helplines
    assert "thoughts of ending your life" in helplines


async def test_the_er_without_insurance_is_answered(person: Person) -> None:
    """Review 37: "ER yes or no", alone with worsening shakes and no insurance, got
    the addiction-service paragraph again, then the opening question."""
    reply = await person.says(
        "stopped drinking 2 days ago, shaking worse. can i go to the ER for this or "
        "is that overkill? no insurance"
    )
    assert "whether or not they have insurance" in reply


async def test_restart_starts_over(person: Person) -> None:
    await person.says("my chest hurts really bad")
    assert await person.slot("triage_level") == "emergency"
    await person.says("/restart")
    assert await person.slot("triage_level") is None


@pytest.mark.parametrize(
    "message", ["", "   ", "🙂🙂🙂", "¿dónde está el baño?", "x" * 5000]
)
async def test_odd_input_gets_a_kind_reply_not_a_crash(
    person: Person, message: str
) -> None:
    reply = await person.says(message)
    assert isinstance(reply, str)
    assert "Traceback" not in reply


async def test_the_conversation_survives_a_restart_of_the_bot(
    person: Person, tracker_db: Path, agent: Any
) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    await person.says("day 2 off oxy my lower back is killing me")
    fresh_store = SQLTrackerStore(agent.domain, dialect="sqlite", db=str(tracker_db))
    stored = await fresh_store.retrieve(person.sender)
    assert stored is not None
    assert stored.get_slot("substance") == "oxycodone"
    assert stored.get_slot("hours_since_stop") == 48


async def test_an_ok_that_asks_a_question_is_answered_not_taken_as_a_yes(
    person: Person,
) -> None:
    """After the check-in offer, "ok but ... ?" is a question: answered, and the offer
    stays open rather than accepted by its first word."""
    await person.says("day 3 off oxy and my glutes keep cramping")
    await no_to_the_screen_until_the_check_in_offer(person)

    answer = await person.says("ok but if i use again how do i make it safer?")

    assert "tolerance" in answer.lower() or "naloxone" in answer.lower(), answer
    assert await person.slot("check_ins") != "active"


async def test_a_closing_or_a_later_ok_is_not_a_yes_to_check_ins(
    person: Person,
) -> None:
    """Check-ins message a person every morning: only a yes to the offer itself signs
    them up, not "ok thanks man", nor an "ok ..." about something else later on."""
    await person.says("day 2 off fent and my butt and legs cramp all night")
    await no_to_the_screen_until_the_check_in_offer(person)

    await person.says("ok thanks man")
    assert await person.slot("check_ins") != "active"

    await person.says("is a hot bath ok?")
    await person.says("ok I'll go to urgent care tomorrow if it gets worse")
    assert await person.slot("check_ins") != "active"


async def test_a_plan_said_with_ok_right_after_the_offer_is_no_yes_to_check_ins(
    person: Person,
) -> None:
    """Session 26: "ok thanks, ill call my doctor on monday", straight after the offer,
    got "Okay, I'll check in tomorrow morning, and each morning for up to two weeks"."""
    await person.says("my legs cramp bad, stopped kratom 3 days ago")
    await no_to_the_screen_until_the_check_in_offer(person)

    answer = await person.says("ok thanks, ill call my doctor on monday")

    assert "I'll check in" not in answer
    assert await person.slot("check_ins") != "active"


async def test_a_question_about_an_amount_after_the_offer_is_no_yes_to_check_ins(
    person: Person,
) -> None:
    """Review 33: "ok but like 2 or 3 tablets? 200mg each", sent after the offer, got
    "Okay, I'll check in tomorrow morning" and no word on the tablets."""
    await person.says("missed my subs 3 days, calves cramping bad")
    await no_to_the_screen_until_the_check_in_offer(person)

    answer = await person.says("ok but like 2 or 3 ibuprofen tablets? 200mg each")

    assert "I'll check in" not in answer
    assert await person.slot("check_ins") != "active"


async def test_a_question_about_using_is_answered_whatever_the_intent(
    person: Person,
) -> None:
    """Review 6: "gonna pick up tonight after 3 weeks, what should i know" got "have
    you recently stopped anything?", and "negative strip = real oxy?" got "where is the
    pain?"."""
    reply = await person.says("gonna pick up tonight after 3 weeks, what should i know")
    assert "tolerance" in reply.lower() and "naloxone" in reply.lower()
    assert "Where is the pain" not in reply

    other = Person(person.agent)
    reply = await other.says("negative strip = real oxy?")
    assert "doesn't mean it's real" in reply and "xylazine" in reply
    assert "Where is the pain" not in reply


async def test_a_short_spanish_answer_in_the_screen_is_read(person: Person) -> None:
    """Review 6: Spanish answers at the screen's questions looped."""
    await person.says("my lower back is cramping, stopped heroin 3 days ago")
    reply = await person.says("tal vez")
    # The first question is the checklist: not sure goes through it one at a time.
    assert await person.slot("screen_checklist") == "unsure"
    assert "Lo siento" not in reply and "one at a time" in reply


@pytest.mark.parametrize(
    "correction",
    [
        "no i mean its my HIP not my back",
        "did u get that its my hip tho? not back",  # review 16
        "no I said hip not back",  # review 23
        "not shaking. CRAMPING. my hip",  # review 83
    ],
)
async def test_a_body_part_corrected_at_the_check_in_offer_is_no_decline(
    person: Person, correction: str
) -> None:
    """Review 14: "no i mean its my HIP not my back. does that change anything" at the
    check-in offer stopped check-ins, and the hip was never answered."""
    await person.says("off fent 2 days, my lower back is in spasms")
    for _ in range(4):
        reply = await person.says("no")
        if "check in with you" in reply:
            break
    assert "check in with you" in reply
    corrected = await person.says(correction)
    assert "no check-ins" not in corrected
    assert "Source" in corrected
    assert await person.slot("body_location") == "hip"


async def test_a_no_to_the_emergency_check_moves_the_screen_on(person: Person) -> None:
    """Review 14: "heart going a bit fast yeah but no chest pain" raised "does it feel
    like an emergency?"; each No brought the chest question back, until the man typed
    an untrue "no". Now the No files the open question as not sure (care today), and
    the screen goes on."""
    await person.says("day 2 no booze, calves cramping, was drinking a lot daily")
    asked = await person.says("heart going a bit fast yeah but no chest pain")
    # The direct question about the heart, or the checklist one question at a time
    # (since session 12's retraining): either way the chest is asked about once.
    assert "Just to check" in asked or "one at a time" in asked
    if "one at a time" in asked:
        # Asked about the chest alone, a No moves on and the question never returns.
        moved_on = await person.says("/deny")
        assert "chest pain" not in moved_on
        later = await person.says("heart is a bit fast. no chest pain. breathing ok")
        assert "chest pain" not in later
        return
    await person.says("/deny")
    await person.says("heart is a bit fast. no chest pain. breathing ok")
    moved_on = await person.says("/deny")
    assert "chest pain" not in moved_on
    assert await person.slot("screen_breathing") == "unsure"


async def test_a_carer_who_cannot_reach_the_person_is_told_what_to_do_now(
    person: Person,
) -> None:
    """Review 14: a carer whose methadone client was not answering got the screen's
    questions about herself; a possible overdose got nothing until she named it."""
    reply = await person.says(
        "my client is on methadone and hes not answering his phone since last night. "
        "I'm not with him, I can't check anything. should I call someone?"
    )
    assert "welfare check" in reply and "naloxone" in reply


async def test_a_plain_description_filed_as_an_emergency_starts_the_screen(
    person: Person,
) -> None:
    """Review 16: a daughter's "my mom is coming off alcohol and her legs cramp",
    filed under report_emergency with no sign heard, got "does it feel like an
    emergency?" first (and, with that question gated, the generic fallback)."""
    reply = await person.says("my mom is coming off alcohol and her legs cramp")
    assert "didn't quite get that" not in reply
    assert "does it feel like an emergency" not in reply
    assert "Before any tips" in reply


@pytest.mark.parametrize(
    "complaint", ["that didnt help", "useless. forget it", "this is useless"]
)
async def test_a_complaint_gets_an_apology_and_a_way_on(
    person: Person, complaint: str
) -> None:
    """Session 18: "that didnt help" (read as a thank-you), "useless. forget it" (read
    as a question about cravings) and "this is useless" ("Sorry, I didn't quite get
    that. Could you say it another way?"), after the tips."""
    await person.says("day 3 off oxys and my butt keeps cramping")
    await person.says("/deny")
    await person.says("/deny")
    reply = await person.says(complaint)
    assert "I'm sorry, that wasn't what you needed" in reply
    assert "[Talk to a person]" in reply
    assert "welcome" not in reply.lower() and "cravings in opioid" not in reply.lower()
    assert "didn't quite get that" not in reply


async def test_a_complaint_with_a_question_gets_the_answer(person: Person) -> None:
    await person.says("day 3 off oxys and my butt keeps cramping")
    await person.says("/deny")
    await person.says("/deny")
    reply = await person.says("useless. how long does this last?")
    assert "wasn't what you needed" not in reply
    assert "7 to 14 days" in reply or "days" in reply


async def test_a_fact_added_to_the_summary_is_in_the_next_one(person: Person) -> None:
    """Review 32: "Can you add that I was on it for 2 years, 50mg four times a day"
    got the overdose question, then "Here it is again" and the same summary."""
    await person.says("came off tramadol 6 days ago after 2 years, my buttocks ache")
    await person.says("/deny")
    await person.says("/deny")
    await person.says("can you write a summary for my GP")
    reply = await person.says(
        "Can you add that I was on it for 2 years, 50mg four times a day, and that "
        "I stopped it myself all at once"
    )
    assert "Added in their own words" in reply
    assert "Just to check" not in reply


async def test_a_deletion_asked_for_beside_thanks_gets_the_confirming_button(
    person: Person,
) -> None:
    """Review 69: "thanks. ok now pls delete this convo" got "You're welcome"."""
    await person.says("day 3 off kratom and my calves cramp")
    reply = await person.says("thanks. ok now pls delete this convo")
    assert "Delete it?" in reply and "[Yes, delete everything]" in reply
