"""Specific harm-reduction answers (rev3 review): test strips on pressed pills, coming
back after a break, using alone with naloxone nearby, mixing; each question answered in
order, and never the same block twice.

The review's conversation: "i took a 3 week break from dope, how much should i cut my
usual shot by? and is it safe to use alone if i keep narcan next to me? do the fent
strips work on pressed pills" got a generic naloxone block; the follow-up got the
general "Staying safe if you use again" block; the harm-reduction button gave it a third
time.

Every test reads what the person would read: the texts and buttons the action sends.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk.events import BotUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import questions_in
from actions.guidance import ActionSelfCareGuidance
from actions.harm_reduction import ActionHarmReduction, load_cues, topics_asked
from actions.knowledge_base import KnowledgeBaseError

HR_INTENT = "ask_harm_reduction"
STREET_OPIOIDS = {
    "substance": "heroin",
    "substance_class": "opioid",
    "triage_level": "self_care",
}

# What each specific answer says that no other answer does, in the person's words.
TEST_STRIPS = "test the whole pill"
TOLERANCE = "no one can honestly tell you a safe fraction"
USING_ALONE = "you can't give it to yourself"
MIXING = "naloxone only reverses the opioid part"
GENERAL_BLOCK = "staying safe if you use again"
NALOXONE_ACCESS_BLOCK = "it reverses an opioid overdose and can't hurt"

# Written independently of the loader's own dose check: an amount with a unit, a share
# of the usual amount, or a number of pills.
AMOUNT_ADVICE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:mg|mcg|µg|ug|ml|milligrams?|micrograms?)\b"
    r"|\bhalf\b|\bquarter\b|\ba third\b|\bthird of\b|\d+\s*%"
    r"|(?<![\d/])[1-9]\s*/\s*[1-9](?![\d/])"
    r"|\b\d+\s*(?:pills?|tabs?|tablets?|points?|bags?|caps?)\b"
    r"|\bdos(?:e|es|age|ing)\b",
    re.IGNORECASE,
)


class Chat:
    """One conversation with the harm-reduction action: each turn sees what was said
    before, as the Rasa server would pass it."""

    def __init__(self, make_tracker: Any, domain: Dict[str, Any], **slots: Any):
        self.make_tracker = make_tracker
        self.domain = domain
        self.slots = slots
        self.events: List[Dict[str, Any]] = []

    async def first_advice(self) -> "Reply":
        """The first self-care advice after a clear screen ("no" to the last safety
        question), which carries the staying-safe note for this person."""
        tracker = self.make_tracker(
            "no",
            "deny",
            slots={**self.slots, "body_location": "buttock"},
            events=list(self.events),
        )
        return await self._run(ActionSelfCareGuidance(), tracker)

    async def says(self, text: str, intent: Optional[str] = HR_INTENT) -> "Reply":
        tracker = self.make_tracker(
            text, intent, slots=self.slots, events=list(self.events)
        )
        return await self._run(ActionHarmReduction(), tracker)

    async def _run(self, action: Any, tracker: Any) -> "Reply":
        dispatcher = CollectingDispatcher()
        await action.run(dispatcher, tracker, self.domain)
        self.events = list(tracker.events)
        for message in dispatcher.messages:
            self.events.append(BotUttered(message.get("text")))
        return Reply(dispatcher.messages)


class Reply:
    """What the bot sent for one message."""

    def __init__(self, messages: List[Dict[str, Any]]) -> None:
        self.messages = messages
        self.texts = [str(m.get("text") or "") for m in messages]
        self.text = "\n".join(self.texts).lower()
        self.buttons = [b for m in messages for b in m.get("buttons") or []]
        self.titles = [b["title"] for b in self.buttons]


@pytest.fixture
def chat(make_tracker: Any, domain: Dict[str, Any]) -> Chat:
    return Chat(make_tracker, domain, **STREET_OPIOIDS)


# ----------------------------------------------------------- each topic, in slang


@pytest.mark.parametrize(
    ("message", "must"),
    [
        pytest.param(
            "do the fent strips work on pressed pills", TEST_STRIPS, id="fent-strips"
        ),
        pytest.param(
            "r pressed blues safe?? can u even test m30s", TEST_STRIPS, id="m30s"
        ),
        pytest.param(
            "how do i test my pills for fent, is one strip enough",
            TEST_STRIPS,
            id="test-pills",
        ),
        pytest.param(
            "took a break for like 2 weeks, how much should i use now",
            TOLERANCE,
            id="took-a-break",
        ),
        pytest.param(
            "been clean 3 weeks n wanna use tonite, how much less shud i do",
            TOLERANCE,
            id="been-clean-typos",
        ),
        pytest.param(
            "just got out of jail, do i cut my usual shot in half or what",
            TOLERANCE,
            id="in-half",
        ),
        pytest.param(
            "is it ok if i use by myself if i got narcan right there",
            USING_ALONE,
            id="use-by-myself",
        ),
        pytest.param(
            "can i just keep narcan next to me and use alone",
            USING_ALONE,
            id="narcan-next-to-me",
        ),
        pytest.param(
            "can i do xanax with my dope if i go slow", MIXING, id="xanax-with-dope"
        ),
        pytest.param(
            "theres tranq in everything round here, does narcan even work on it",
            MIXING,
            id="tranq",
        ),
        pytest.param("can i mix gabbies w my fent", MIXING, id="gabbies"),
    ],
)
async def test_each_question_gets_its_own_answer(
    chat: Chat, message: str, must: str
) -> None:
    reply = await chat.says(message)
    assert must in reply.text
    assert GENERAL_BLOCK not in reply.text
    assert not AMOUNT_ADVICE.search(reply.text), AMOUNT_ADVICE.search(reply.text)


@pytest.mark.parametrize(
    ("message", "not_asked"),
    [
        pytest.param("can i detox by myself at home", "using_alone", id="detox-alone"),
        pytest.param(
            "anything to help with dope sickness", "mixing", id="dope-sickness"
        ),
        pytest.param("how long does the withdrawal last", "tolerance", id="duration"),
        # Review 3: a Suboxone film is a "strip" too.
        pytest.param(
            "can i cut my sub strip in half to make it last?",
            "test_strips",
            id="suboxone-strip",
        ),
    ],
)
def test_words_about_withdrawal_do_not_ask_a_harm_reduction_topic(
    message: str, not_asked: str
) -> None:
    """ "By myself" about a detox is not a question about using alone."""
    assert not_asked not in topics_asked({"text": message})


def test_a_pressed_pill_question_that_names_xanax_is_about_testing() -> None:
    """Asked in the same question, the test-strip answer covers the mixing one."""
    asked = topics_asked({"text": "do fent strips work on pressed xanax bars?"})
    assert asked == ["test_strips"]


# ------------------------------------------------------- the review's conversation


async def test_three_questions_in_one_message_get_three_answers_in_order(
    chat: Chat,
) -> None:
    reply = await chat.says(
        "i took a 3 week break from dope, how much should i cut my usual shot by? "
        "and is it safe to use alone if i keep narcan next to me? do the fent strips "
        "work on pressed pills"
    )
    positions = [reply.text.find(words) for words in (TOLERANCE, USING_ALONE)]
    positions.append(reply.text.find(TEST_STRIPS))
    assert -1 not in positions, reply.text
    assert positions == sorted(positions)
    # The naloxone question is about using alone: no stock "where to get it" block,
    # and no general block in place of the answers.
    assert NALOXONE_ACCESS_BLOCK not in reply.text
    assert GENERAL_BLOCK not in reply.text
    assert "1-800-484-3731" in reply.text
    assert not AMOUNT_ADVICE.search(reply.text), AMOUNT_ADVICE.search(reply.text)


async def test_asking_again_gets_the_answer_again_not_a_pointer(chat: Chat) -> None:
    """Asked twice, a specific question is answered twice: "I answered that above"
    read as a brush-off (session 6 review 2)."""
    await chat.says(
        "i took a 3 week break from dope, how much should i cut my usual shot by? "
        "do the fent strips work on pressed pills"
    )
    again = await chat.says(
        "ok but do the strips work on pressed pills? and like how much less, half?"
    )
    assert "above" not in again.text
    assert again.text.startswith("to answer that directly")
    assert "test strips work on pressed pills" in again.text
    assert "safe fraction" in again.text
    assert not AMOUNT_ADVICE.search(again.text), AMOUNT_ADVICE.search(again.text)
    # Something new to go to as well.
    assert again.titles and "Mixing drugs" in again.titles


async def test_the_button_after_the_first_advice_points_up_and_offers_topics(
    chat: Chat,
) -> None:
    """The staying-safe note came with the first advice; the "question about using"
    button then gives no third copy of it."""
    advice = await chat.first_advice()
    assert GENERAL_BLOCK in advice.text
    reply = await chat.says("/ask_harm_reduction")

    assert GENERAL_BLOCK not in reply.text
    assert "above" in reply.text
    assert "Test strips and pressed pills" in reply.titles
    assert "After a break" in reply.titles
    assert "Using alone" in reply.titles


async def test_the_first_tap_of_the_button_gives_the_block_once_with_topics(
    chat: Chat,
) -> None:
    first = await chat.says("/ask_harm_reduction")
    second = await chat.says("/ask_harm_reduction")

    assert GENERAL_BLOCK in first.text
    assert "Test strips and pressed pills" in first.titles
    assert GENERAL_BLOCK not in second.text
    assert second.titles


async def test_topics_already_answered_are_not_offered_again(chat: Chat) -> None:
    await chat.says("do the fent strips work on pressed pills")
    reply = await chat.says("/ask_harm_reduction")

    assert "Test strips and pressed pills" not in reply.titles
    assert "After a break" in reply.titles


async def test_every_offered_button_leads_to_its_answer(
    chat: Chat, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    """A tap sends the button's question as if typed: the NLU, the fallback's topic
    words (data/dialogue/topics.yml) and this action must all take it to that answer."""
    menu = await chat.says("/ask_harm_reduction")
    expected = {
        "Test strips and pressed pills": (TEST_STRIPS, "test_strips"),
        "After a break": ("tolerance drops fast", "tolerance"),
        "Using alone": (USING_ALONE, "using_alone"),
        "Mixing drugs": (MIXING, "mixing"),
        "Subs or methadone": ("buprenorphine", "moud"),
    }
    assert set(menu.titles) <= set(expected)
    assert len(menu.titles) >= 3
    for button in menu.buttons:
        must, topic = expected[button["title"]]
        assert topic in questions_in({"text": button["payload"]}), button
        tap = Chat(make_tracker, domain, **STREET_OPIOIDS)
        assert must in (await tap.says(button["payload"])).text, button


async def test_a_fourth_question_is_offered_not_dropped(chat: Chat) -> None:
    reply = await chat.says(
        "been clean 3 weeks, how much less should i use? is it ok to use alone? "
        "do the strips work on m30s? can i take xanax with my dope?"
    )
    assert all(w in reply.text for w in (TOLERANCE, USING_ALONE, TEST_STRIPS))
    assert MIXING not in reply.text
    assert "you also asked about mixing drugs" in reply.text
    assert "Mixing drugs" in reply.titles


# ------------------------------------------------------------- fits the person


async def test_in_the_uk_using_alone_gives_no_us_line(
    make_tracker: Any, domain: Dict[str, Any]
) -> None:
    chat = Chat(make_tracker, domain, **STREET_OPIOIDS, region="uk")
    reply = await chat.says("is it safe to use alone if i keep narcan next to me?")
    assert USING_ALONE in reply.text
    assert "door unlocked" in reply.text
    assert "1-800" not in reply.text
    assert "0300 123 6600" in reply.text


async def test_after_a_break_on_prescribed_tramadol_it_is_a_doctor_question(
    make_tracker: Any, domain: Dict[str, Any]
) -> None:
    chat = Chat(
        make_tracker,
        domain,
        substance="tramadol",
        substance_class="opioid",
        triage_level="self_care",
    )
    reply = await chat.says(
        "the tramadol was from my doctor for my knee. took a break for 2 weeks, "
        "if i go back to my usual amount will it hit harder?"
    )
    assert "check with the doctor who prescribed it" in reply.text
    for street in ("test strips", "1-800-484-3731", "never use alone", "street"):
        assert street not in reply.text


# --------------------------------------------------------------- loud failures


def write(folder: Path, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cues.yml").write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("content", "names"),
    [
        pytest.param(
            "topics:\n  test_strip:\n    said: [fent strips]\n",
            "topic 'test_strip'",
            id="unknown-topic",
        ),
        pytest.param(
            "topics:\n  mixing:\n    said: [tranq]\n",
            "data/dialogue/topics.yml",
            id="words-outside-topics-yml",
        ),
        pytest.param(
            "topics:\n  mixing:\n    button: {title: Mixing}\n",
            "field 'button'",
            id="button-without-ask",
        ),
        pytest.param(
            "advice:\n  - id: note\n    follow_ups: [mixing]\n",
            "'note'",
            id="follow-up-without-button",
        ),
    ],
)
def test_a_malformed_cue_fails_naming_file_and_field(
    tmp_path: Path, content: str, names: str
) -> None:
    with pytest.raises(KnowledgeBaseError) as error:
        load_cues(write(tmp_path / "knowledge", content))
    assert "cues.yml" in str(error.value)
    assert names in str(error.value)


def test_a_topic_in_two_files_fails_naming_both(tmp_path: Path) -> None:
    folder = write(tmp_path / "knowledge", "topics:\n  mixing:\n    instead_of: []\n")
    (folder / "more.yml").write_text(
        "topics:\n  mixing:\n    instead_of: [naloxone]\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeBaseError) as error:
        load_cues(folder)
    assert "cues.yml" in str(error.value) and "more.yml" in str(error.value)


async def test_a_typed_question_nothing_specific_answers_says_who_can(
    chat: Chat,
) -> None:
    """Review 3: "normal dose or double to catch up?" got only a pointer upwards."""
    await chat.first_advice()
    reply = await chat.says("/ask_harm_reduction")
    assert "don't have a" not in reply.text  # a tap asks nothing specific
    typed = await chat.says("so what else about using, anything?")
    assert "general safety points" in typed.text
    assert "don't have a specific answer" in typed.text and "pharmacist" in typed.text
    # Review 4: the missed-dose advice belongs only to a question about an amount.
    assert "double up" not in typed.text
    dose = await chat.says("should i double my dose to catch up?")
    # Review 44: doubling up has its own answer (tolerance drops, ask the clinic).
    assert "don't take a double amount" in dose.text and "tolerance" in dose.text


async def test_saying_a_question_is_coming_is_invited_not_turned_down(
    chat: Chat,
) -> None:
    """Review 33: the greeting's "I have a question about using", typed after the
    general block, got "I don't have a specific answer to that one here"."""
    await chat.first_advice()
    await chat.says("/ask_harm_reduction")

    reply = await chat.says("I have a question about using")

    assert "don't have a specific answer" not in reply.text
    assert "ask me anything" in reply.text.lower()


def test_too_much_paracetamol_is_its_own_question() -> None:
    """Review 11: "16 a day, was that too much paracetamol? should i be worried about
    my liver?" got the ibuprofen paragraph; it needs checking today."""
    from actions.harm_reduction import topics_asked

    asked = topics_asked(
        {
            "text": "16 a day, was that too much paracetamol? worried about my liver",
            "intent": {"name": "ask_medicine"},
        }
    )
    assert asked == ["paracetamol_too_much"]


def test_still_taking_a_benzo_until_the_doctor_is_not_the_after_a_break_answer() -> (
    None
):
    """Review 15: "should i keep taking my normal amount until i see someone?", from a
    man on daily Xanax, got the opioid after-a-break answer ("start with a much smaller
    test amount")."""
    from actions.harm_reduction import topics_asked
    from actions.knowledge_base import knowledge_base

    asked = topics_asked(
        {
            "text": "should i keep taking my normal amount until i see someone?",
            "intent": {"name": "ask_medicine"},
        }
    )
    assert asked == ["keep_taking"]
    [item] = knowledge_base().lookup(
        "keep_taking", {"substance_class": "benzodiazepine"}
    )
    assert "don't stop or cut down suddenly" in item.text


@pytest.mark.parametrize(
    ("text", "topic", "says"),
    [
        # Session 14: each got an answer to another question (where the pain is, or
        # the after-a-break answer).
        (
            "can i just start taking my prescribed oxycodone again to stop the "
            "withdrawal?",
            "restart_opioid",
            "talk to the doctor who prescribed it",
        ),
        (
            "i saved up a few of my methadone doses, can i take them to ease the "
            "withdrawal",
            "saved_doses",
            "builds up in the body",
        ),
        (
            "does methadone mess with your heart rhythm? someone said QT",
            "methadone_heart",
            "QT interval",
        ),
    ],
)
def test_questions_about_ones_own_opioid_get_their_own_answer(
    text: str, topic: str, says: str
) -> None:
    from actions.harm_reduction import topics_asked
    from actions.knowledge_base import knowledge_base

    asked = topics_asked({"text": text, "intent": {"name": "ask_medicine"}})
    assert asked == [topic]
    [item] = knowledge_base().lookup(topic, {"substance_class": "opioid"})
    assert says in item.text
    assert item.sources


def test_soreness_after_an_injection_in_the_buttock_has_its_answer() -> None:
    """Review 22: a B12 injection got the heavy-drinking vitamin answer and the
    using-again note, never an answer to "is it normal, when should I worry?"."""
    from actions.conversation import questions_in
    from actions.knowledge_base import knowledge_base

    text = "is it normal to be sore 3 days after an injection in the buttock?"
    assert questions_in({"text": text, "intent": {}}) == ["injection_soreness"]
    [item] = knowledge_base().lookup(
        "injection_soreness", {"substance_class": "none", "body_location": "buttock"}
    )
    assert "fever" in item.text
    assert not knowledge_base().lookup("thiamine", {"substance_class": "none"})


def test_a_plan_to_use_after_a_break_gets_the_tolerance_answer() -> None:
    """Review 22: "gonna use tonight after 3 wks clean" got "Have you recently stopped
    ...?" and no word on tolerance ("wks" was not "weeks", and a plan said as a
    statement was no question)."""
    from actions.conversation import questions_in

    said = {"text": "gonna use tonight after 3 wks clean", "intent": {}}
    assert "tolerance" in questions_in(said)


def test_a_wound_from_xylazine_gets_wound_care_and_when_to_go_in() -> None:
    """Review 22: "what about the wounds from tranq, my friend has one on his leg thats
    getting black" got a question about a fever, three times."""
    from actions.conversation import questions_in
    from actions.knowledge_base import knowledge_base

    text = "what about the wounds from tranq, my friend has one on his leg"
    assert "xylazine_wounds" in questions_in({"text": text, "intent": {}})
    [item] = knowledge_base().lookup("xylazine_wounds", {"substance_class": "opioid"})
    assert "moist" in item.text and "emergency" in item.text


def test_a_pumps_early_warning_signs_asked_ahead_have_their_answer() -> None:
    """Review 22: a wife asking ahead of a refill what the warning signs are was read
    as a pump that had run out, then asked where the pain was."""
    from actions.conversation import questions_in
    from actions.knowledge_base import knowledge_base

    text = (
        "my husband has a baclofen pump, its due for refill next week. he's fine now, "
        "just wondering what the warning signs are if it runs low"
    )
    assert questions_in({"text": text, "intent": {}}) == ["pump_warning_signs"]
    [item] = knowledge_base().lookup(
        "pump_warning_signs", {"substance_class": "baclofen"}
    )
    assert "itching" in item.text and "emergency number" in item.text
    assert not questions_in({"text": "day 3 off heroin, early signs?", "intent": {}})


def test_a_parent_asking_about_street_bars_gets_the_carers_answer() -> None:
    """Review 23: the parent of a 16-year-old on street bars got test-strip steps
    written for the user ("start small, don't use alone") and "keep to what you've been
    taking"."""
    from actions.knowledge_base import knowledge_base

    carer = {"substance_class": "benzodiazepine", "contexts": ["carer"]}
    [strips] = knowledge_base().lookup("test_strips", {**carer, "region": "us"})
    [keep] = knowledge_base().lookup("keep_taking", carer)
    assert "start small" not in strips.text and "naloxone" in strips.text.lower()
    assert "seen today" in keep.text and "Keep to what" not in keep.text


@pytest.mark.parametrize(("body_location", "invited"), [(None, True), ("leg", False)])
async def test_the_invitation_to_say_what_hurts_is_not_sent_to_who_said_it(
    dispatcher, make_tracker, domain, body_location: str, invited: bool
) -> None:
    """Review 23: a mother who had said his legs were jerking was told "If you also
    have pain, cramps or spasms, tell me where"."""
    from actions.harm_reduction import INVITATION, ActionHarmReduction

    tracker = make_tracker(
        "where can i get narcan?",
        "ask_harm_reduction",
        slots={"body_location": body_location},
    )
    await ActionHarmReduction().run(dispatcher, tracker, domain)
    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert (INVITATION in said) is invited


@pytest.mark.parametrize(
    "message",
    [
        "he shoved me earlier. i'm kind of scared of him right now",
        "my boyfriend beats me when he's dopesick",
        "i dont feel safe at home with her tonight",
    ],
)
async def test_someone_not_safe_at_home_gets_help_lines_not_a_fallback(
    chat: Chat, message: str
) -> None:
    """Review 24: a partner's shove, said in the middle of a conversation, got "Sorry,
    I didn't quite get that"; the answer is the emergency number and the lines for
    domestic abuse."""
    assert topics_asked({"text": message}) == ["unsafe_at_home"]
    reply = await chat.says(message)
    assert "1-800-799-7233" in reply.text


def test_the_withdrawal_hitting_hard_is_no_disclosure_of_abuse() -> None:
    assert "unsafe_at_home" not in topics_asked(
        {"text": "the cramps hit me hard last night, i'm scared of another night"}
    )


@pytest.mark.parametrize(
    ("text", "substance_class", "says"),
    [
        # Review 33: a 70-year-old who lives alone, off codeine after eight years.
        ("Is it safe for me to do this alone?", "opioid", "phone or pop in every day"),
        ("can i detox by myself at home", "opioid", "phone or pop in every day"),
        ("is it ok to do this on my own", "alcohol", "seizures or confusion"),
    ],
)
def test_going_through_withdrawal_alone_has_its_answer(
    text: str, substance_class: str, says: str
) -> None:
    from actions.knowledge_base import knowledge_base

    assert "withdraw_alone" in topics_asked({"text": text, "intent": {}})
    [item] = knowledge_base().lookup(
        "withdraw_alone", {"substance_class": substance_class}
    )
    assert says in item.text
    assert item.sources


def test_going_back_on_codeine_is_a_question_for_the_prescriber() -> None:
    """Review 33: "Should I just go back on the codeine?" got "I don't have a
    specific answer to that one here"."""
    asked = topics_asked(
        {"text": "Should I just go back on the codeine?", "intent": {}}
    )
    assert asked == ["restart_opioid"]


@pytest.mark.parametrize(
    ("text", "topic", "says"),
    [
        # Review 33: both got the withdrawal answers meant for someone else.
        (
            "but i havent stopped the oxy, im still on it. so why do i ache if im not "
            "in withdrawal",
            "aching_while_taking",
            "hyperalgesia",
        ),
        (
            "No, Im the nurse, not the patient. Pt is in precipitated withdrawal NOW. "
            "Do we give more bupe or stop?",
            "clinician",
            "855-300-3595",
        ),
    ],
)
def test_aches_on_the_medicine_and_a_clinician_get_their_own_answer(
    text: str, topic: str, says: str
) -> None:
    from actions.knowledge_base import knowledge_base

    assert topics_asked({"text": text, "intent": {"name": "ask_why"}}) == [topic]
    [item] = knowledge_base().lookup(topic, {"substance_class": "opioid"})
    assert says in item.text


def test_whether_a_person_answers_the_helpline_has_its_answer() -> None:
    """Review 33: "samaritans - real human or not? do they judge drug users" got "I'm a
    bot, not a person", twice."""
    from actions.knowledge_base import knowledge_base

    text = "u didnt answer. samaritans - real human or not? do they judge drug users"
    assert topics_asked({"text": text, "intent": {"name": "ask_human"}}) == [
        "helpline_person"
    ]
    [item] = knowledge_base().lookup("helpline_person", {})
    assert "real person answers" in item.text and "not to judge" in item.text


def test_waiting_for_the_doctor_until_monday_asks_when_to_go() -> None:
    """Review 34: a daily drinker, shaking a day after stopping, "cant get to a doctor
    til monday", got the same "get medical care today" paragraph again."""
    asked = topics_asked({"text": "cant get to a doctor til monday", "intent": {}})
    assert "when_to_go" in asked


def test_in_australia_the_police_question_has_its_own_answer() -> None:
    """Review 34: "will the cops come if i call 000?" got "I can't tell you the law
    where you are"."""
    from actions.knowledge_base import knowledge_base

    assert topics_asked(
        {"text": "will the cops come if i call 000?", "intent": {}}
    ) == ["police"]
    [item] = knowledge_base().lookup("police", {"region": "au"})
    assert "000" in item.text and "don't usually bring the police" in item.text
