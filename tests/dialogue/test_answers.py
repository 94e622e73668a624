"""Typed answers to a yes/no question, read as meant (actions/answers.py).

The phrasings below are the ones the first wave got wrong in a review of real
conversations, and the rules of data/dialogue/answers.yml they pin.
"""

from __future__ import annotations

from typing import Optional

import pytest

from actions.answers import (
    denies_suicide,
    ends_with_a_goodbye,
    is_plain_closing,
    read_answer,
    says_it_was_a_misunderstanding,
    wants_the_tips,
)

BREATHING = "screen_breathing"


@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        ("nah im good", BREATHING, "no"),
        # review 12: a "dont know" about something else is no hedge
        ("no its not an emergency i just dont know how to help her", BREATHING, "no"),
        ("idk if its racing", BREATHING, "unsure"),
        ("No. Why you ask this? I only have pain in calf", "screen_mood", "no"),
        ("no. can the leg wait til monday", "screen_mood", "no"),
        # review 4 and the development sets: a short answer in a sentence of its own,
        # then something else; and plain "no, <reassurance>" answers
        ("no. and i didnt stop subs, i STARTED them, i stopped fent", BREATHING, "no"),
        ("no! when will this end", BREATHING, "no"),
        ("No. He isnt confused", BREATHING, None),
        ("na", BREATHING, "no"),
        ("no, im thinking clearly, just hurting", "screen_mind", "no"),
        ("nope, my calves look the same as always", "screen_swelling", "no"),
        ("everything down there feels normal", "screen_nerves", "no"),
        ("yeah, havent gone all day", "screen_fluids", "yes"),
        ("no, definitely not cola lol", "screen_urine", "no"),
        ("i've thought about it", "screen_mood", "yes"),
        # emoji answers (a review: "👎" got "I just need a yes or a no")
        ("👎", BREATHING, "no"),
        ("❌", BREATHING, "no"),
        ("👍", BREATHING, "yes"),
        ("🤷‍♀️", BREATHING, "unsure"),
        # beside words a thumbs-up is an "ok" (dev set 13: "no 👍" read as not sure)
        ("no 👍", BREATHING, "no"),
        ("yes 👍", BREATHING, "yes"),
        ("breathing fine", BREATHING, "no"),
        ("no, chest and breathing are fine", BREATHING, "no"),
        ("nuh uh", BREATHING, "no"),
        ("yes I mean no", BREATHING, "no"),
        ("no wait yes", BREATHING, "yes"),
        ("NOPE!!", BREATHING, "no"),
        ("YEP", BREATHING, "yes"),
        ("my heart isn't racing", BREATHING, "no"),
        ("my heart is pounding like crazy", BREATHING, "yes"),
        ("not really but my leg is a bit puffy", "screen_swelling", "no"),
        ("kinda", "screen_mind", "unsure"),
        ("yes no i dunno", "screen_mind", "unsure"),
        ("i can keep fluids down", "screen_fluids", "no"),
        ("i cant feel between my legs", "screen_nerves", "yes"),
        ("not every day", "screen_heavy_use", "no"),
        ("sí, muy oscura", "screen_urine", "yes"),
        # review 6: Spanish "maybe" and "none" (the intent said deny)
        ("tal vez", BREATHING, "unsure"),
        ("ninguno", BREATHING, "no"),
        # development set 8 (session 9): the person's own complaint beside a no
        ("No. Just the leg cramps", "screen_fluids", "no"),
        ("nope everything works down there", "screen_nerves", "no"),
        # a yes with a word of degree has the sign; "sometimes" answers "every day?"
        ("yes a little, chest feels tight", BREATHING, "yes"),
        ("not really, on and off", "screen_heavy_use", "no"),
        ("only once or twice a week", "screen_heavy_use", "no"),
        ("i couldnt go a day without it, loads", "screen_heavy_use", "yes"),
        # a reassuring word negated reassures nothing; a description asked about is one
        ("yeah brownish, not normal", "screen_urine", "yes"),
        ("my pee is brown, is that bad?", "screen_urine", "yes"),
        ("im peeing plenty", "screen_fluids", "no"),
        # a hedge inside the description of the sign is none
        ("yeah im confused, i dont know what day it is", "screen_mind", "yes"),
        # review 10: a question not understood is no answer (it was read as No)
        ("Sorry, what is numbness? I don't understand", "screen_nerves", None),
        ("not sure what you mean by all at once", "screen_heavy_use", "unsure"),
        # review 10: "yeah" to cramps that come and go, whatever the baby is doing
        (
            "the cramps in my belly come and go, yeah. baby is moving I think",
            "screen_pregnancy",
            "yes",
        ),
        # development set 10 (written by a helper blind to the project)
        ("not even a little", "screen_swelling", "no"),
        ("not rn, it passed", "screen_breathing", "no"),
        ("can feel everything, no problems", "screen_nerves", "no"),
        ("i know where i am, if thats what you mean", "screen_mind", "no"),
        ("how would i even know if im confused", "screen_mind", "unsure"),
        ("a bit yellow but nowhere near dark", "screen_urine", "no"),
        ("nah, maybe 1 drink a week", "screen_heavy_use", "no"),
        ("maybe once a week", "screen_heavy_use", "unsure"),
        ("like root beer", "screen_urine", "yes"),
        ("cant lift my leg off the bed", "screen_nerves", "yes"),
        ("feels like an elephant on me", "screen_breathing", "yes"),
        # development set 9 (blind until session 11)
        ("heart rate is 72 on my watch, breathing normal", "screen_breathing", "no"),
        ("pulse is like 130", "screen_breathing", "yes"),
        ("he shook all over and didnt respond for a bit", "screen_mind", "yes"),
        ("no confusion, I know where I am and what day it is", "screen_mind", "no"),
        ("i didnt stop, still on it", "screen_heavy_use", "no"),
        ("threw up once but fine since", "screen_fluids", "no"),
        # review 37: read as yes, and a mother got "call 911 now"
        ("he's keeping some down, peed this morning", "screen_fluids", "no"),
        ("keeping some down but havent peed all day", "screen_fluids", "yes"),
        ("only peed once this morning", "screen_fluids", "yes"),
        # Session 21: the leg question asks about one side, between cramps (NHS: DVT);
        # cramps in both calves had read as a Yes and gone to urgent care (review 37).
        ("they hurt when they cramp, both of them", "screen_leg", "no"),
        ("both calves ache, nothing swollen", "screen_leg", "no"),
        (
            "my left calf is bigger than the other and hot to the touch",
            "screen_leg",
            "yes",
        ),
        ("not hot to the touch, just the cramps", "screen_leg", "no"),
        # review 14: a No to the suicide question, said plainly, is a No
        ("No, I'm doing ok mentally actually, proud of myself", "screen_mood", "no"),
        ("no!! third time. I'm talking about stopping ALCOHOL", "screen_mood", "no"),
        # Review 28: read as No ("dont"), and "Thanks, that's good to hear".
        (
            "i dont know. i just want everyone to have my things when im not around",
            "screen_mood",
            "unsure",
        ),
        # Review 72: asked if it was Sunday on a Thursday, on day 2 off drink.
        (
            "Well he asked me if it was Sunday and it's Thursday. But he knows "
            "where he is. It's probably nothing, he didn't sleep.",
            "screen_mind",
            "yes",
        ),
        # Review 66: weariness with everything is no plain No to the suicide question.
        ("not really. just tired of all of it", "screen_mood", "unsure"),
        ("no im not suicidal, just tired of all of it", "screen_mood", "no"),
        # review 76: a low mood or an amount beside a No is no hedge on it
        ("Not really, I'm a bit low but nothing like that", "screen_mood", "no"),
        (
            "I don't think so, he's just grumpy. He's eating a little.",
            "screen_mood",
            "no",
        ),
        ("i guess a little", "screen_mood", "unsure"),
        ("no, a bit swollen", "screen_swelling", "unsure"),
        # review 78: sure of something else; "told ya" is no yes
        ("no, its definitely muscular lol", "screen_nerves", "no"),
        ("i told ya no seein things. no", "screen_mind", "no"),
        ("yes definitely", "screen_nerves", "yes"),
        ("no, tired of it all", "screen_breathing", "no"),
        # Review 66: "Yes, that's what I said" about the lump was asked again.
        (
            "Yes, that's what I said, on his arm where he injects.",
            "screen_swelling",
            "yes",
        ),
        # Review 27: asked the suicide question again after each.
        ("no lol its just a sore butt", "screen_mood", "no"),
        ("nah lmao my back just hurts", "screen_mood", "no"),
        ("NO its not me its my son, i asked about his legs", "screen_mood", None),
        ("no. actually yes i think about ending it", "screen_mood", "yes"),
        # session 14: a yes taken back in the same message is asked again
        ("pressed yes by mistake", "screen_mood", None),
        ("oops wrong button, i meant no", BREATHING, "no"),
        ("yes", "screen_mood", "yes"),
        # development set 16: a No for this moment only, then a yes about the weeks
        ("not right now but last week yes", "screen_mood", "yes"),
        ("not right now", "screen_mood", "no"),
        ("not really keeping water down no", "screen_fluids", "yes"),
        ("i dont know how to tell if its racing", BREATHING, "unsure"),
        ("nie", BREATHING, "no"),
        # review 22: an exclamation first, then the answer
        ("what?? no. i just have a sore butt", "screen_mood", "no"),
        ("huh? no", BREATHING, "no"),
        ("what", BREATHING, None),
        # Review 43: a firm No said first is the answer, whatever hedge comes later.
        (
            "no not at all, honestly im kind of proud ive made it 5 days. anyway none "
            "of the scary stuff i dont think",
            "screen_mood",
            "no",
        ),
        ("no not like that. i just feel like a shit mom", "screen_mood", "no"),
        (
            "no not yet. just the shakes and sweating, heart going a bit fast",
            "screen_mind",
            "no",
        ),
        # Review 44: "i am" is a yes, "i am not" never one.
        ("No po, I am not having that thoughts. Only the cramps.", "screen_mood", "no"),
        ("i am not", "screen_mood", "no"),
        # A plain "no," is no firm No: a hedge after it may be about the answer.
        ("no, not really, maybe a bit", "screen_urine", "unsure"),
        ("no, i mean yes", "screen_urine", "yes"),
        # Development set 25 (session 23): two No read as Yes, one not read.
        ("been peeing lots", "screen_urine", "no"),
        ("fluids stay down", "screen_fluids", "no"),
        ("no, fluids stay down", "screen_fluids", "no"),
        ("not even water stays down", "screen_fluids", "yes"),
        ("all normal", "screen_nerves", "no"),
        # Development set 26: a fine mind, a forgotten last pee, Tagalog yes and no.
        ("mind's fine, its my body that's the problem", "screen_mind", "no"),
        ("i dont remember when i last went", "screen_urine", "unsure"),
        ("i dont remember what day it is", "screen_mind", "yes"),
        ("oo, sinusuka ko lahat", "screen_fluids", "yes"),
        ("hindi po", "screen_fluids", "no"),
        # Review 59: an opener said in frustration is no part of the answer.
        ("are u serious. NO", BREATHING, "no"),
        ("are you kidding me. no", BREATHING, "no"),
        ("i told you i have chest pain", BREATHING, "yes"),
        # Review 55: whom the answer is said to is no part of it.
        ("nah mate not like that, just want me legs to settle", "screen_mood", "no"),
        # Review 54: a yes said first stands, whatever the rest speaks of.
        (
            "YES like 30 min after. sweating puking cramps everywhere im freaking out",
            None,
            "yes",
        ),
    ],
)
def test_a_typed_answer_is_read_as_meant(
    text: str, slot: str, expected: Optional[str]
) -> None:
    assert read_answer(text, slot) == expected


def test_an_answer_about_another_question_is_not_filed_under_this_one() -> None:
    # "No he isn't confused" answers the confusion question, not the breathing one.
    assert read_answer("No he isn't confused", BREATHING) is None


def test_a_yes_and_a_no_together_never_read_as_no() -> None:
    for text in ("yes no", "no yes", "yeah nah", "nope, yes"):
        assert read_answer(text, BREATHING) != "no"


def test_a_button_is_read_by_its_intent() -> None:
    assert read_answer("/deny", BREATHING, "deny", 1.0) == "no"
    assert read_answer("/affirm", BREATHING, "affirm", 1.0) == "yes"


def test_the_intent_decides_only_when_it_is_confident() -> None:
    assert read_answer("whatever", BREATHING, "affirm", 0.2) is None
    assert read_answer("whatever", BREATHING, "affirm", 0.9) == "yes"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lol no i mean the pain is so bad i cant breathe, like its a saying", True),
        ("not literally lol, im not gonna do anything", True),
        ("He is NOT overdosing. It was a misunderstanding.", True),
        ("sorry, wrong button", True),
        ("It's not an emergency. No chest pain, breathing is fine.", True),
        ("wtf nobody is overdosing. im asking BEFORE i use", True),
        # Review 85: the 911 reply again after this.
        ("I did NOT say i cant keep fluids down. im drinking fine", True),
        ("i can't breathe and my chest hurts", False),
        ("what do i say to the paramedics", False),
    ],
)
def test_words_that_undo_an_alarm(text: str, expected: bool) -> None:
    assert says_it_was_a_misunderstanding(text) is expected


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("been peeing loads actually", "screen_fluids"),
        ("ive peed a few times today, drinking lots", "screen_fluids"),
        ("my legs feel strong, just achy", "screen_nerves"),
        ("both calves are the same size", "screen_leg"),
        ("no, i cut down bit by bit", "screen_heavy_use"),
        ("baby is moving fine, no bleeding", "screen_pregnancy"),
    ],
)
def test_reassuring_descriptions_read_as_no(text: str, slot: str) -> None:
    assert read_answer(text, slot) == "no"


def test_a_baby_not_moving_reads_as_yes() -> None:
    assert (
        read_answer("i havent felt the baby move since yesterday", "screen_pregnancy")
        == "yes"
    )


def test_peeing_once_all_day_is_barely_peeing() -> None:
    """ "peed like" is no reassurance: "yes ive peed like once all day" is a yes."""
    assert read_answer("yeah only peed once today", "screen_fluids") == "yes"
    assert read_answer("yes i peed like once all day", "screen_fluids") == "yes"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NO IM NOT SUICIDAL IM IN PAIN", True),
        # Review 48: "I just need a yes or a no".
        ("NAH BRO IM NOT TRYING TO DIE", True),
        ("not suicidal, just hurting", True),
        # ASQ counts a passive wish as a yes: a "but" keeps the question open.
        ("im not suicidal but sometimes i wish i wouldnt wake up", False),
        ("i am suicidal", False),
    ],
)
def test_an_explicit_not_suicidal(text: str, expected: bool) -> None:
    assert denies_suicide(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # reviews 24 and 25: asked about suicide for impatience with the questions
        ("no. just give me the damn tips", True),
        ("WHY ALL THESE QUESTONS JUST TELL ME WHAT TO DO", True),
        ("i just want it all to end", False),
        ("whats the point of going on", False),
    ],
)
def test_impatience_with_the_questions(text: str, expected: bool) -> None:
    assert wants_the_tips(text) is expected


def test_of_course_not_is_a_no() -> None:
    """Review 26: "What? No, of course not. I mean stop the baclofen." to the suicide
    question was read as not sure, and the crisis reply followed."""
    said = "What? No, of course not. I mean stop the baclofen."
    assert read_answer(said, "screen_mood", None, 0.0) == "no"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Never mind. Good day.", True),
        ("ok thats actually useful. finally", True),
        ("ok ill try the bath. yeah check on me tomorrow", True),
        # A farewell can be a warning sign: never a plain closing.
        ("bye", False),
        ("goodbye everyone", False),
        ("thanks for everything", False),
        ("ok. i wont be needing anything after tonight", False),
        ("", False),
    ],
)
def test_plain_closings(text: str, expected: bool) -> None:
    assert is_plain_closing(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Reviews 54 and 55: asked about suicide again after these, having said No.
        ("Alright, I'll use it on my back then. Thanks for your help, goodbye.", True),
        ("ok i'll stretch the calf again. thanks for being here i guess. bye", True),
        ("no lol im just going to sleep. night", True),
        # A farewell is asked about.
        ("thanks for everything. goodbye", False),
        ("tell my mum i love her. bye", False),
        ("ill be at peace now. goodnight", False),
        ("i'm going to sleep and not wake up. bye", False),
        # No goodbye at all.
        ("thanks", False),
        ("sorry for scaring you earlier", False),
    ],
)
def test_a_goodbye_after_the_last_sentence(text: str, expected: bool) -> None:
    assert ends_with_a_goodbye(text) is expected


@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        # Development set 19 (tests/dev/understanding_dev_19.yml).
        ("kept down soup and tea", "screen_fluids", "no"),
        ("nahh keeping stuff down", "screen_fluids", "no"),
        ("bladder and bowels same as always", "screen_nerves", "no"),
        ("yes im fine, had 2 litres", "screen_fluids", "no"),
        ("a little numb around my bum", "screen_nerves", "yes"),
        ("kind of dark, like tea", "screen_urine", "yes"),
        ("can't say i have", "screen_mind", "no"),
        # To the suicide question a yes stays a yes, and a non-native No is a No.
        ("yes im fine", "screen_mood", "unsure"),
        ("No. I am not want die. Only pain in legs.", "screen_mood", "no"),
    ],
)
def test_hard_answers_of_development_set_19(
    text: str, slot: str, expected: str
) -> None:
    assert read_answer(text, slot) == expected


def test_i_am_a_nurse_is_no_yes() -> None:
    """Review 31: "I am a nurse. Please just tell me the evidence for heat and
    stretching" to the numbness question got "call 911 now"; "i am" alone is a yes."""
    text = "I am a nurse. Please just tell me the evidence for heat and stretching"
    assert read_answer(text, "screen_nerves") != "yes"
    assert read_answer("i am", "screen_pregnancy") == "yes"
