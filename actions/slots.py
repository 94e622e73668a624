"""Slot, intent and action names shared by the actions (one spelling each)."""

from __future__ import annotations

REQUESTED_SLOT = "requested_slot"
SUBSTANCE = "substance"
SUBSTANCE_CLASS = "substance_class"
BODY_LOCATION = "body_location"
SYMPTOM = "symptom"
HOURS_SINCE_STOP = "hours_since_stop"
SEVERITY = "severity"
REGION = "region"
TRIAGE_LEVEL = "triage_level"
SCREEN_FLAG = "screen_flag"
PENDING_TOPIC = "pending_topic"
SCREEN_REASKS = "screen_reasks"
CONFIRM_FLAG = "confirm_flag"
CONFIRM_MODE = "confirm_mode"
CONFIRM_ASKS = "confirm_asks"
CORRECTED_FLAGS = "corrected_flags"
CHECK_INS = "check_ins"
CHECKIN = "checkin"
CHECKIN_SCORES = "checkin_scores"
CHECKIN_ANSWER = "checkin_answer"
RED_FLAG_ENTITY = "red_flag"

NO_SUBSTANCE = "none"
EMERGENCY = "emergency"
URGENT = "urgent"
ROUTINE = "routine"
SELF_CARE = "self_care"
TRIAGE_ORDER = (SELF_CARE, ROUTINE, URGENT, EMERGENCY)

YES = "yes"
NO = "no"
UNSURE = "unsure"
SAFE_NOW = "safe_now"
"""The mood question's answer for thoughts of suicide with no plan and safe now (ASQ:
a non-acute positive screen): not an emergency, the day's care is urgent."""
MOOD_SLOT = "screen_mood"
TRIAGE_FORM = "triage_form"
ANSWER_BY_INTENT = {"affirm": YES, "deny": NO, "unsure": UNSURE}
