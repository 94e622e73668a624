"""Self-care guidance from the knowledge base: a short answer, its sources, and
follow-ups.

Per the contract, self-care tips are sent only by actions named `action_self_care…`, and
only once `triage_level` is set to something other than `emergency`.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import (
    TYPE_CHECKING,
    Any,
    Collection,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Sequence,
    Text,
    Tuple,
)

from rasa_sdk import Action
from rasa_sdk.events import EventType, FollowupAction, SlotSet

from actions.checkins import offer_check_in
from actions.conversation import (
    ABRUPT_STOP_FLAG,
    mentioned,
    mentions_topic,
    message_asked,
    names_a_region,
    pending_questions,
    questions_in,
    reported_flags,
    said_since_restart,
    standing_flags,
    topics_document,
)
from actions.knowledge_base import CONTEXTS_KEY, AdviceItem, knowledge_base
from actions.slots import (
    ASKING_FOR,
    BODY_LOCATION,
    EMERGENCY,
    NO,
    NO_PAIN,
    PENDING_TOPIC,
    RED_FLAG_ENTITY,
    REGION,
    SOMEONE_ELSE,
    SUBSTANCE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    TRIAGE_LEVEL,
    UNSURE,
    URGENT,
    YES,
)
from bot.language import normalise, says_any
from bot.safety.catalogue import region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

DEFAULT_TOPICS = ("what_to_do", "medicine")
"""The first answer after a clear screen is the practical plan and the pain-relief
options (named without doses, "ask a pharmacist"), not an overview."""
CARER = "carer"  # the context of data/knowledge/contexts.yml: asking for someone else
STILL_TAKING = "still_taking"  # the context: still taking the medicine, not stopping
ABRUPT_STOP_CLASSES = {"alcohol", "benzodiazepine"}
"""Whose staying-safe note is about stopping all at once after daily use: not said to
someone who answered No to that very question."""
OVERVIEW = "overview"
PREGNANCY_MEDICINE = "pregnancy_medicine"
HARM_REDUCTION_ACTION = "action_harm_reduction"
"""Answers harm-reduction questions at once: what it answered is not asked again."""
HARM_REDUCTION = "harm_reduction"
SEIZURE_WARNED_CLASSES = {"benzodiazepine"}
"""Whose first advice (benzodiazepines.yml `what_to_do`) already says that stopping
suddenly can lead to seizures."""
HARM_REDUCTION_CLASSES = {"opioid", "alcohol", "benzodiazepine"}
"""Who gets the staying-safe note with their first advice: lost tolerance, naloxone and
never using alone for opioids; why stopping suddenly needs medical help for alcohol and
benzodiazepines."""
FOLLOW_UPS: Mapping[str, str] = {
    "stretches": "Stretches",
    "heat_cold": "Heat or cold?",
    "medicine": "Pain relief",
    "sleep": "Sleep",
    "cravings": "Cravings",
    "duration": "How long will it last?",
    "why": "Why does it hurt?",
    "see_doctor": "When to see a doctor",
}
SELF_CARE_TOPICS = {*FOLLOW_UPS, "what_to_do", "hydration", "relaxation"}
"""Topics of self-care. A first answer that only asked something else ("heard vitamins
help?") still gets the practical plan beside its answer."""
HANDS_ON_TOPICS = frozenset(
    {
        "what_to_do",
        "stretches",
        "heat_cold",
        "medicine",
        "hydration",
        "relaxation",
        # A fresh tear's ice-not-heat answer stands alone: the plan's "warm compress"
        # beside it contradicted it (review 27).
        "muscle_injury",
    }
)
"""Topics that are something to do for the muscles now. Someone who described their pain
and asked only about sleep, how long or why ("legs cramping so bad cant sleep") gets the
plan for the muscles too: review 12 found the sleep paragraph alone unhelpful."""
HANDS_OFF_REPLACES = HANDS_ON_TOPICS | {"massage", "restless_legs", "sleep"}
"""Topics whose tips touch the limb (rub, stretch, warm, walk): a limb that may hold a
clot gets the hands-off answer instead (review 44: "massaging your legs" for restless
legs, beside same-day care for a swollen, warm calf)."""
PRACTICAL_PLAN = "what_to_do"
SUSPECTED_CLOT = "dvt"
NOT_ON_A_CLOT = "massage"
"""The answer for a leg that may hold a clot (while_waiting.yml `massage`): no rubbing,
stretching, heat or new painkillers until it is checked."""
HANDS_OFF_UNTIL_CHECKED = {
    SUSPECTED_CLOT: NOT_ON_A_CLOT,
    "fall_injury": "fall_rest",
    "blood_thinner_injury": "fall_rest",
}
"""Same-day signs whose limb is not stretched, walked on, rubbed or warmed before it is
checked, and the answer given instead of those tips (review 13: heat and stretches for
a swollen hot calf; session 16: "take a short, light walk" after a fall and "can barely
put weight on my leg"; review 80: a warm bath for a hand-sized bruise after a fall on
warfarin, whose catalogue entry says no heat)."""
LOCAL_HELP = "local_help"
"""Who can help near the person: added to the first advice for someone who said where
they are and gets no staying-safe note (which carries its own regional lines)."""
CRAVING_CLASSES = {"opioid", "alcohol"}
MAX_FOLLOW_UPS = 6
FOR_SOMEONE_ELSE = (
    "Here's what can help. It's written to the person going through it, so you can "
    "read it with them or pass it on."
)
MAX_TOPICS_PER_REPLY = 3
"""More answers in one reply would be a wall of text on a phone."""
FIRST_ADVICE_TOPICS = 2
"""Answers in the first advice when fewer questions were asked (see `run`)."""
NOTHING_SPECIFIC = (
    "I don't have trusted advice on that for your situation. A pharmacist or doctor "
    "can help, and it's always fine to tell them what you recently stopped or cut down."
)


@lru_cache(maxsize=1)
def _replaced_topics() -> Dict[str, FrozenSet[str]]:
    """topic -> the topics its answer replaces (`instead_of` in topics.yml)."""
    document = topics_document()
    entries = {**document["topics"], **(document.get("emergency_topics") or {})}
    return {
        str(topic): frozenset(map(str, entry.get("instead_of") or ()))
        for topic, entry in entries.items()
        if entry.get("instead_of")
    }


def without_replaced(topics: Sequence[str]) -> List[str]:
    """`topics` without those another asked topic replaces.

    Why: "the narcan can wear off right?" names naloxone, but the question is what to
    do after it; where to get naloxone would be the neighbouring stock answer the
    review found so often.
    """
    replaced = set().union(*(_replaced_topics().get(t, frozenset()) for t in topics))
    return [t for t in topics if t not in replaced]


def person_of(tracker: "Tracker") -> Dict[str, Any]:
    """The keys the knowledge base matches on, from the slots, and the contexts the
    conversation puts the person in (prescribed, pregnant, a carer)."""
    return {
        SUBSTANCE: tracker.get_slot(SUBSTANCE),
        SUBSTANCE_CLASS: tracker.get_slot(SUBSTANCE_CLASS),
        BODY_LOCATION: tracker.get_slot(BODY_LOCATION),
        SYMPTOM: tracker.get_slot(SYMPTOM),
        REGION: tracker.get_slot(REGION),
        CONTEXTS_KEY: contexts_of(tracker),
    }


def contexts_of(tracker: "Tracker") -> FrozenSet[str]:
    """The contexts (data/knowledge/contexts.yml) that hold for this conversation.

    Why every message since the last restart: people say it once, in passing, often
    before the screen ("tramadol was from doctor for my knee", "asking for my son"),
    and it stays true.
    """
    texts = [f" {normalise(text)} " for text in said_since_restart(tracker)]
    substance_class = tracker.get_slot(SUBSTANCE_CLASS)
    flags = reported_flags(tracker)
    held = frozenset(
        context.context_id
        for context in knowledge_base().contexts()
        if context.holds(texts, substance_class, flags)
    )
    if CARER in held and _writes_about_self_first(texts):
        # Review 7: "my butt and legs ache so bad", then "i might text my sister":
        # the sister is company, not the person the questions are about.
        held = held - {CARER}
    return held


def takes_back_someone_else(tracker: "Tracker") -> bool:
    """Whether the latest message says the conversation is about the writer after all
    ("no no its ME lol"): one of the carer context's `unless_said` phrases."""
    return says_any(
        str(tracker.latest_message.get("text") or ""),
        (
            phrase
            for context in knowledge_base().contexts()
            if context.context_id == CARER
            for phrase in context.unless_said
        ),
    )


def answers_to_latest(
    tracker: "Tracker",
    topics: Collection[str],
    during_emergency: bool = False,
    answered_as: Optional[Mapping[str, str]] = None,
    message: Optional[Mapping[str, Any]] = None,
) -> List[str]:
    """The answers, fitted to the person, to the questions of the latest message among
    `topics`, in the order asked ("they gave him narcan and hes awake": what happens
    after naloxone, not where to get it: a topic's `instead_of`). `answered_as` answers
    a topic with another's advice (being driven in, for a sign where that is fine).
    `message`: another message than the latest (the one a "No" answered)."""
    asked = [
        (answered_as or {}).get(topic, topic)
        for topic in without_replaced(
            questions_in(
                message or tracker.latest_message,
                whole_message=True,
                during_emergency=during_emergency,
            )
        )
        if topic in topics
    ]
    if not asked and "what_to_do" in topics and _asks_about_a_body_part(tracker):
        # "now legs?", beside the crisis line: what helps the legs (review 23: five
        # times the same crisis text to a man who had promised to text Samaritans).
        asked = ["what_to_do"]
    person = person_of(tracker)
    region_known = tracker.get_slot(REGION) is not None
    return [
        render(items, region_known)
        for topic in asked
        if (items := knowledge_base().lookup(topic, person))
    ]


def hands_off_answer(tracker: "Tracker") -> Optional[str]:
    """The topic answered instead of hands-on tips when a same-day sign of
    `HANDS_OFF_UNTIL_CHECKED` was reported, or None."""
    from actions.screen_questions import SCREEN_QUESTIONS

    flags = standing_flags(tracker) + [
        # Review 34: a "yes" to the screen's calf question (no sign typed) got "take
        # a light walk", "a warm bath or heating pad" and ibuprofen.
        question.flag
        for question in SCREEN_QUESTIONS
        if tracker.get_slot(question.slot) in (YES, UNSURE)
    ]
    for flag, instead in HANDS_OFF_UNTIL_CHECKED.items():
        if flag in flags:
            return instead
    return None


def asked_for_short_answers(tracker: "Tracker") -> bool:
    """Whether the person asked for shorter answers ("too much text") since the last
    restart."""
    # Here, not at the top: the fallback imports this module.
    from actions.fallback import wants_it_shorter

    return any(wants_it_shorter(text) for text in said_since_restart(tracker))


def raises_same_day_sign(message: Mapping[str, Any]) -> bool:
    """Whether a message (a parse) raises a same-day (urgent) sign."""
    return any(
        entity.get("entity") == RED_FLAG_ENTITY and entity.get("role") == URGENT
        for entity in message.get("entities") or []
    )


def _asks_about_a_body_part(tracker: "Tracker") -> bool:
    """Whether the latest message is a short question naming where it hurts ("now
    legs?", "what about my back?")."""
    message = tracker.latest_message
    text = str(message.get("text") or "")
    entities = message.get("entities") or []
    named = any(entity.get("entity") == BODY_LOCATION for entity in entities)
    return named and "?" in text


def _writes_about_self_first(texts: Sequence[str]) -> bool:
    """Whether the first message that says whom it is about is about the writer ("my
    butt aches", "im 3 days off"), and no message says outright it is for someone else
    ("asking for my son", "its not me")."""
    # Imported here: actions.emergency imports this module.
    from actions.emergency import first_about_someone_else, says_it_is_for_someone_else

    if any(says_it_is_for_someone_else(text) for text in texts):
        return False
    return first_about_someone_else(texts) is False


def render(items: List[AdviceItem], region_known: bool = True) -> str:
    """The advice text, then one short line of readable sources, each once.

    The full trail (file and section) stays in the knowledge base and the clinician
    summary; a person reads titles ("Source: NHS: Dehydration"). When the person has
    not said where they are and an item is written for one region (the default's),
    they are told which region that is and asked.
    """
    titles = dict.fromkeys(
        source.readable() for item in items for source in item.sources
    )
    body = "\n\n".join(item.text for item in items)
    if not region_known and any(item.regions for item in items):
        body += (
            f"\n(Not in {region(None).name}? Tell me where you are and I'll give you "
            "local services.)"
        )
    label = "Source" if len(titles) == 1 else "Sources"
    return f"{body}\n{label}: " + "; ".join(titles)


def follow_up_buttons(
    answered: Collection[str], substance_class: Optional[str]
) -> List[Dict[str, str]]:
    """Buttons for the topics not answered in this reply, as intents the NLU and the
    rules already know."""
    buttons = []
    for other, title in FOLLOW_UPS.items():
        if other in answered or (
            other == "cravings" and substance_class not in CRAVING_CLASSES
        ):
            continue
        buttons.append({"title": title, "payload": f"/ask_{other}"})
    return buttons[:MAX_FOLLOW_UPS]


def complaint_topics(symptoms: Sequence[str]) -> List[str]:
    """The topics that answer complaints the person named (topics.yml
    `symptom_topics`): "i cant sleep" beside the cramps got no word on sleep."""
    table = topics_document().get("symptom_topics") or {}
    return [str(table[s]) for s in symptoms if s in table]


def first_advice_extras(tracker: "Tracker", person: Mapping[str, Any]) -> List[str]:
    """The notes added to the first advice: the staying-safe note when one fits the
    person, and, for someone who said where they are, who can help there unless that
    note already names their local lines.

    Why "when one fits": the staying-safe items say whom they are for (knowledge
    base `not_for`); someone who stopped a prescribed medicine, or is pregnant, or a
    kratom quitter gets their own variant or none, never the street-drug one.
    """
    extras = []
    local_lines_given = False
    substance_class = tracker.get_slot(SUBSTANCE_CLASS)
    # The note for alcohol and benzos is about stopping all at once after daily use:
    # not for someone who said No to that, nor, for a benzo, for someone who said Yes,
    # whose benzo advice already warns of seizures (review 24: three in one reply).
    # Nor after an abrupt stop said in words ("stopped xanax cold turkey, 4mg a day"),
    # whose same-day reply already says it (review 27: seizures, taper and "a doctor
    # today" four times in one reply).
    heavy_use = tracker.get_slot("screen_heavy_use")
    note_not_needed = substance_class in ABRUPT_STOP_CLASSES and (
        heavy_use == NO
        or (heavy_use == YES and substance_class in SEIZURE_WARNED_CLASSES)
        or ABRUPT_STOP_FLAG in reported_flags(tracker)
    )
    if substance_class in HARM_REDUCTION_CLASSES and not note_not_needed:
        items = knowledge_base().lookup(HARM_REDUCTION, person)
        if items:
            extras.append(HARM_REDUCTION)
            local_lines_given = any(item.regions for item in items)
    if (
        tracker.get_slot(REGION)
        and not local_lines_given
        and knowledge_base().lookup(LOCAL_HELP, person)
    ):
        extras.append(LOCAL_HELP)
    return extras


HELPLINES_ACTION = "action_helplines"


@cache
def topic_phrases(key: str) -> Tuple[str, ...]:
    """A phrase list of topics.yml (`not_answered`, `already_said`, `plain_asks`,
    `over_the_counter_asks`), normalised, read once."""
    return tuple(normalise(str(p)) for p in topics_document().get(key) or ())


def says_not_answered(text: str) -> bool:
    """Whether `text` says an earlier answer missed the question or was not read
    ("you didnt answer", "did u get that"; topics.yml `not_answered`)."""
    return says_any(text, topic_phrases("not_answered"))


ALREADY_SAID = (
    "Sorry for repeating myself. I don't have more on that than what's above. What "
    "would help most right now? Ask me anything else, or tap a topic."
)
"""The reply to "you already said that" when nothing new fits."""
NOT_ANSWERED = (
    "Sorry, I don't have a better answer to that exact question, and I'd rather not "
    "guess. A pharmacist can answer it in a few minutes for free, or your doctor or a "
    "drug service can; it's always fine to ask them."
)
"""The reply to "you didnt answer" when nothing new fits."""


def reply_to_a_repeat(text: str) -> Optional[str]:
    """Instead of an answer sent already: an apology for "you already said that"
    (topics.yml `already_said`; reviews 39 and 40), an honest "no better answer" for
    "you didnt answer" (`not_answered`), else None (the answer may come again)."""
    if says_any(text, topic_phrases("already_said")):
        return ALREADY_SAID
    if says_not_answered(text):
        return NOT_ANSWERED
    return None


def _plain_request(tracker: "Tracker") -> bool:
    """Whether the latest message is a button, a short request, or the same request in
    more words ("what can i buy at walgreens for the pain": review 12 got "I can't
    check that one"), not a question of its own about a product or a case."""
    text = str(tracker.latest_message.get("text") or "")
    if text.startswith("/") or len(text.split()) <= PLAIN_REQUEST_WORDS:
        return True
    return says_any(text, topic_phrases("plain_asks"))


def _bot_texts(tracker: "Tracker") -> List[str]:
    """Every text the bot has sent in this conversation."""
    return [
        str(event.get("text"))
        for event in tracker.events
        if event.get("event") == "bot" and event.get("text")
    ]


def bot_said(tracker: "Tracker", text: str) -> bool:
    """Whether the bot already sent `text` in this conversation (alone or inside
    another message)."""
    return any(text in sent for sent in _bot_texts(tracker))


def _without_repeats(
    rendered: Sequence[Tuple[str, str]], tracker: "Tracker"
) -> Tuple[List[Tuple[str, str]], bool]:
    """The (topic, text) answers the bot has not sent before (alone or inside another
    message), and whether any was left out."""
    sent = _bot_texts(tracker)
    fresh = [(t, text) for t, text in rendered if not any(text in s for s in sent)]
    return fresh, len(fresh) < len(rendered)


TIPS_ASKED = frozenset({"what_to_do", HARM_REDUCTION, LOCAL_HELP})
"""Topics of a plain request for tips ("anything else i can do?"). Not the pain-relief
question: asked again, it gets its answer again (review 10: "PAIN RELIEF MEDS" after
the pain-relief answer got the electrolyte tip, then the relaxation tip)."""
ASKED_AGAIN = "To answer that directly:"
"""Before an answer the person asks for a second time in words."""
TAPPED_AGAIN = "Here it is again:"
"""Before an answer whose button is tapped a second time: a tap is no complaint
(review 27: "Sorry if I wasn't clear" after a plain button tap)."""


def asked_again_lead(tracker: "Tracker") -> str:
    """The line before an answer given a second time (see ASKED_AGAIN)."""
    text = str(tracker.latest_message.get("text") or "")
    return TAPPED_AGAIN if text.startswith("/") else ASKED_AGAIN


NOT_COVERED = (
    "I can't check that one for you here, and I'd rather not guess. A pharmacist can "
    "tell you in a few minutes whether it's safe with everything you take and with "
    "withdrawal: it's free, and you don't need an appointment. Tell them what you "
    "stopped, too."
)
"""A medicine question the pain-relief answer, already given, does not cover."""
ANSWER_AGAIN = "Here's what I can tell you about that:"
"""Before an answer given before, to a new question on its topic ("what can I do to
actually fall asleep? it's 2am" after the sleep tips)."""
ASK_FOR_MORE = (
    "If that doesn't cover your question, your doctor or a pharmacist can answer it "
    "for your situation, and it's always fine to ask them."
)
"""After it: who can say more. Review 27: the bare "I don't have a trusted answer to
that exact question" that stood here before got 8 of the worst scores ("can you just
help with my sore butt please", "is walking good for sciatica or should i rest in
bed", both answered by the bot's own earlier advice)."""
PLAIN_REQUEST_WORDS = 5
"""A typed request this short ("PAIN RELIEF MEDS") asks for the answer itself."""
ASKED_AGAIN_TOPICS = frozenset(
    {"medicine", "medicine_more", "painkiller_combination", "medicine_interaction"}
)
"""Questions answered again when asked again (see TIPS_ASKED)."""
MORE_TIPS = ("heat_cold", "stretches", "relaxation", "hydration", "sleep")
"""What to offer next, in order, once the practical plan was given."""


WITHDRAWAL_MEDICINES = "withdrawal_medicines"
WITHDRAWAL_MEDICINE_CLASSES = frozenset({"opioid", "alcohol", "benzodiazepine"})
"""Who has prescription medicines for the withdrawal itself to hear about."""
BEYOND_PAINKILLERS = "Beyond what's above, for the withdrawal itself:"
"""Before the prescription answer, when "what can I take?" is typed after the
pain-relief answer the first advice gave unasked (session 21: "Here it is again", the
same paragraph)."""


def _medicines_beyond_painkillers(
    tracker: "Tracker", person: Mapping[str, Any], region_known: bool
) -> List[Tuple[str, str]]:
    """The prescription medicines for withdrawal, once, for a typed "what can I take"
    after the pain-relief answer: the next step, not the same paragraph. A tapped
    button still gets its answer again (`TAPPED_AGAIN`)."""
    said = str(tracker.latest_message.get("text") or "")
    if (
        said.startswith("/")
        or person.get(SUBSTANCE_CLASS) not in WITHDRAWAL_MEDICINE_CLASSES
        or says_any(said, topic_phrases("over_the_counter_asks"))
    ):
        return []
    items = knowledge_base().lookup(WITHDRAWAL_MEDICINES, person)
    if not items:
        return []
    fresh, _ = _without_repeats(
        [(WITHDRAWAL_MEDICINES, render(items, region_known))], tracker
    )
    if STILL_TAKING in contexts_of(tracker):
        # Its own item says the withdrawal medicines are not for them (review 84).
        return fresh
    return [(topic, f"{BEYOND_PAINKILLERS}\n{text}") for topic, text in fresh]


NOT_AGAIN = (
    "I've already shared everything I have on that above, and I don't want to paste "
    "the same thing a third time. I may have missed what you're really asking: could "
    "you put it another way, or tell me what's different for you? For something "
    "specific to your situation, a pharmacist or your doctor can answer it."
)
"""Instead of an answer already sent twice (review 48: the same paragraph three and
four times, "Here's what I can tell you about that" each time)."""


def _answered_again(
    rendered: Sequence[Tuple[str, str]], tracker: "Tracker"
) -> List[Tuple[str, str]]:
    """The answers again, for a new question on their topic: what the bot knows, then
    who can say more (`ANSWER_AGAIN`, `ASK_FOR_MORE`); an answer already sent twice
    is not sent a third time (`NOT_AGAIN`)."""
    sent = _bot_texts(tracker)
    again = [
        (topic, f"{ANSWER_AGAIN}\n{text}\n{ASK_FOR_MORE}")
        for topic, text in rendered
        if sum(text in message for message in sent) < 2
    ]
    return again or [(rendered[0][0], NOT_AGAIN)] if rendered else []


def _next_tips(
    tracker: "Tracker", person: Mapping[str, Any], region_known: bool
) -> List[Tuple[str, str]]:
    """The first tip of `MORE_TIPS` this person has not been sent yet, if any."""
    for topic in MORE_TIPS:
        items = knowledge_base().lookup(topic, person)
        if not items:
            continue
        fresh, _ = _without_repeats([(topic, render(items, region_known))], tracker)
        if fresh:
            return fresh
    return []


NOTES = frozenset({HARM_REDUCTION, LOCAL_HELP})
"""Topics sent as notes of their own, apart from the answers."""


def _bundled(rendered: Sequence[Tuple[str, str]]) -> List[str]:
    """The answers to the person's questions in one message, each note (staying safe,
    local help) in its own: review 4 counted four to six messages in a row at the end
    of the screen. `rendered`: (topic, text) in order."""
    answers = [text for topic, text in rendered if topic not in NOTES]
    notes = [text for topic, text in rendered if topic in NOTES]
    if len(answers) < 2:
        return [text for _, text in rendered]
    return ["\n\n".join(answers), *notes]


def also_asked_note(unanswered: Sequence[str]) -> Dict[str, Any]:
    """The note about questions left for the next reply, with a button for each that
    has one. Why: "You also asked about X: tap it below" came with no button for X
    when X had none, or when the six follow-up buttons were already taken by other
    topics (review 22, three people)."""
    later = ", ".join(
        FOLLOW_UPS.get(t, t.replace("_", " ")).lower() for t in unanswered
    )
    buttons = [
        {"title": FOLLOW_UPS[t], "payload": f"/ask_{t}"}
        for t in unanswered
        if t in FOLLOW_UPS
    ]
    how = (
        "tap it below or ask again"
        if len(buttons) == len(unanswered)
        else "ask me again and I'll answer it"
    )
    return {"text": f"You also asked about {later}: {how}.", "buttons": buttons}


class ActionSelfCareGuidance(Action):
    """Answers the pending topic for this person, after a non-emergency disposition."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_self_care_guidance"

    @staticmethod
    def _same_day_sign_said_now(
        dispatcher: "CollectingDispatcher", tracker: "Tracker"
    ) -> List[EventType]:
        """A same-day sign said after the advice ("now my left calf is swollen and red
        too") raises the level to urgent and says so before the advice for it (review
        25: it got the "why it hurts" text, then the clot advice with no "today")."""
        # Here, not at the top: the disposition reads this module's contexts.
        from actions.disposition import settle_disposition

        # The message answered, not "No" to a question it raised ("it wasnt oxys it
        # was klonopin, 2mg a day, stopped 3 days ago", then No to a chest question).
        said_now = raises_same_day_sign(message_asked(tracker))
        if not said_now or tracker.get_slot(TRIAGE_LEVEL) in (None, EMERGENCY):
            return []
        return settle_disposition(dispatcher, tracker)

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Looks up the topic with graceful specificity and sends it with sources."""
        level = tracker.get_slot(TRIAGE_LEVEL)
        if level is None or level == EMERGENCY:
            # Defence in depth: the rules and the safety policy never get here.
            return [SlotSet(PENDING_TOPIC, None)]
        settled = self._same_day_sign_said_now(dispatcher, tracker)
        topics = pending_questions(tracker, self.name(), HARM_REDUCTION_ACTION)
        button_topic = tracker.get_slot(PENDING_TOPIC)
        if button_topic and not topics:
            # The slot also holds the intent's guess for a typed question, which
            # `pending_questions` may have set aside for a specific topic ("is a fast
            # heartbeat normal?" is no question about why it hurts: review 18).
            topics.append(button_topic)
        first_advice = not any(
            e.get("event") == "action" and e.get("name") == self.name()
            for e in tracker.events
        )
        if not first_advice:
            # "also im so restless my legs wont stop kicking", after the advice: the
            # answer to that complaint, not "I don't have a trusted answer" (review 24).
            said_now = [
                str(e.get("value"))
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == SYMPTOM
            ]
            topics = [t for t in complaint_topics(said_now) if t not in topics] + topics
        asked = without_replaced([t for t in topics if t != OVERVIEW])
        topics = asked or list(DEFAULT_TOPICS)
        described_pain = bool(
            tracker.get_slot(BODY_LOCATION) or tracker.get_slot(SYMPTOM)
        )
        # "No pain, just a question" sets the body part to none: that person asked
        # something, and muscle tips beside the answer were noise (review 18).
        no_pain = tracker.get_slot(BODY_LOCATION) == NO_PAIN and not tracker.get_slot(
            SYMPTOM
        )
        wants_plan = not no_pain and not (
            HANDS_ON_TOPICS if described_pain else SELF_CARE_TOPICS
        ).intersection(topics)
        if first_advice and wants_plan and len(topics) < MAX_TOPICS_PER_REPLY:
            topics.append(PRACTICAL_PLAN)
        if first_advice:
            complaints = [
                topic
                for topic in complaint_topics(mentioned(tracker, SYMPTOM))
                if topic not in topics
            ]
            if asked:
                # What was asked, and unasked complaints only up to the first advice's
                # two answers (review 44: chills, restless legs and low mood beside
                # same-day care, "wall of text much").
                topics += complaints[: max(FIRST_ADVICE_TOPICS - len(topics), 0)]
            else:
                # Nothing asked: the plan, then what they said besides the pain ("i
                # cant sleep"), before the pain-relief answer (a button otherwise).
                topics = [
                    *[t for t in topics if t != "medicine"],
                    *complaints,
                    *[t for t in topics if t == "medicine"],
                ]
        hands_off = hands_off_answer(tracker)
        if hands_off:
            topics = list(
                dict.fromkeys(
                    hands_off if t in HANDS_OFF_REPLACES else t for t in topics
                )
            )
        if "pregnancy" in reported_flags(tracker):
            # No anti-inflammatories in pregnancy (NHS): the pain-relief answer is the
            # pregnancy one.
            topics = [PREGNANCY_MEDICINE if t == "medicine" else t for t in topics]
        person = person_of(tracker)
        # The first advice holds what was asked (up to three questions) or two
        # answers: review 27 counted 5 to 8 bubbles after the screen, "Too much text,
        # sorry my english not so good". The rest are buttons.
        answered = topics[
            : max(FIRST_ADVICE_TOPICS, len(asked)) if first_advice else None
        ][:MAX_TOPICS_PER_REPLY]
        brief = asked_for_short_answers(tracker)
        if brief:
            # "Too much text, sorry my english not so good" (review 27): one answer,
            # no extra notes; the rest are buttons.
            answered = answered[:1]
        if first_advice and not brief:
            answered += [
                extra
                for extra in first_advice_extras(tracker, person)
                if extra not in answered
            ]
        region_known = tracker.get_slot(REGION) is not None
        found = [(t, knowledge_base().lookup(t, person)) for t in answered]
        # "Nothing for your situation" only when nothing at all fits: beside a real
        # answer it reads as the bot contradicting itself.
        rendered = [
            (topic, render(items, region_known)) for topic, items in found if items
        ]
        fresh, repeated = _without_repeats(rendered, tracker)
        if repeated and not fresh and names_a_region(tracker.latest_message):
            # "oh btw i'm in the UK, so who do I call if it gets bad?" after the advice:
            # the numbers there, not "I don't have a trusted answer" or the pain-relief
            # answer again (review 24).
            return [SlotSet(PENDING_TOPIC, None), FollowupAction(HELPLINES_ACTION)]
        if repeated and not fresh and set(answered) <= TIPS_ASKED:
            # "any tips for the back spasms tonight?" after the plan was given: the
            # next tip not yet given, not a pointer upwards (review 5).
            fresh = _next_tips(tracker, person, region_known)
        honest = reply_to_a_repeat(str(tracker.latest_message.get("text") or ""))
        if repeated and not fresh and honest:
            fresh = [("", honest)]
        if repeated and not fresh and set(answered) & ASKED_AGAIN_TOPICS:
            # The plain pain-relief question asked again (a button, "PAIN RELIEF
            # MEDS") gets its answer again; a question about something the answer
            # does not cover ("is magnesium glycinate ok?") gets who can answer it,
            # not the same paragraph (review 11: 13 times).
            beyond = (
                _medicines_beyond_painkillers(tracker, person, region_known)
                if _plain_request(tracker)
                else []
            )
            fresh = (
                beyond
                if beyond
                else [
                    (topic, f"{asked_again_lead(tracker)}\n{text}")
                    for topic, text in rendered
                    if topic in ASKED_AGAIN_TOPICS
                ]
                if _plain_request(tracker)
                # The pharmacist's check only for a question that names a medicine
                # (review 14: "should i keep running or rest?" and "i feel like a
                # failure" got it).
                else [("medicine", NOT_COVERED)]
                if mentions_topic(
                    str(tracker.latest_message.get("text") or ""), ASKED_AGAIN_TOPICS
                )
                else _answered_again(rendered, tracker)
            )
        if repeated and not fresh:
            # Any other question asked again: its answer again when plainly asked
            # (a button), else an honest "nothing more here" and who can answer it
            # (review 11: "How long does a taper usually take after 6 years? I'm
            # really frightened" got "I won't paste it again").
            fresh = (
                [
                    (topic, f"{asked_again_lead(tracker)}\n{text}")
                    for topic, text in rendered
                ]
                if _plain_request(tracker)
                else _answered_again(rendered, tracker)
            )
        texts = _bundled(fresh)
        texts = texts or [NOTHING_SPECIFIC]
        if first_advice and tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE:
            # The advice speaks to the person in withdrawal; a partner or a parent
            # read "speak to your doctor" as meant for them (session 12).
            texts[0] = f"{FOR_SOMEONE_ELSE}\n{texts[0]}"
        for index, text in enumerate(texts):
            last = index == len(texts) - 1
            buttons = (
                follow_up_buttons(
                    # A leg that may hold a clot is not stretched or warmed: no
                    # "Stretches" button under "don't stretch it" (review 23).
                    [*answered, *HANDS_ON_TOPICS] if hands_off else answered,
                    tracker.get_slot(SUBSTANCE_CLASS),
                )
                if last
                else []
            )
            dispatcher.utter_message(text=text, buttons=buttons)
        events: List[EventType] = [*settled, SlotSet(PENDING_TOPIC, None)]
        if first_advice and not brief:
            events += offer_check_in(dispatcher, tracker)
        unanswered = [
            t for t in topics if t not in answered and (asked or not first_advice)
        ]
        if unanswered:
            dispatcher.utter_message(**also_asked_note(unanswered))
        if not first_advice and names_a_region(tracker.latest_message):
            # "oh btw i'm in the UK, so who do I call if it gets bad?": the answer, then
            # the numbers there (review 24).
            events.append(FollowupAction(HELPLINES_ACTION))
        return events
