"""How sure the disambiguation model is that a byline slot belongs to its record, as shown to people.

One published threshold: the engine (researchers/disambiguation/) counts the works below it into
Author.uncertain_works_count, and the profile, the API and the graph flag the same works. A slot
the model has not scored yet (confidence NULL) is not "uncertain": nothing was measured.
"""

from __future__ import annotations

# Below this, a work on an unclaimed record is shown as "may be another person". S2AND stops merging
# at a same-person probability of 0.35 (its production eps 0.65 is a distance); between 0.35 and 0.5
# it linked a work on weaker evidence than a coin toss would give the other way.
LOW_CONFIDENCE_THRESHOLD = 0.5

# The slots Author.uncertain_works_count counts, as SQL over papers_authorship aliased `s` (one
# parameter: the threshold). An owner's "this is mine" settles a slot; pending ones are not on the record.
UNCERTAIN_SLOT_SQL = "s.confidence < %s AND s.attribution NOT IN ('pending', 'owner')"

MAY_BE_ANOTHER_PERSON = "may be another person"
LOW_CONFIDENCE_LABEL = "Low confidence"


def is_low_confidence(confidence: float | None) -> bool:
    """True when the model scored the slot and the score is under the threshold."""
    return confidence is not None and confidence < LOW_CONFIDENCE_THRESHOLD


def shows_uncertainty(*, claim_state: str) -> bool:
    """Uncertainty is shown on records nobody vouches for: an owner has judged a claimed record's works."""
    return claim_state == "unclaimed"


def record_is_low_confidence(*, claim_state: str, uncertain_works_count: int) -> bool:
    """The record-level "Low confidence" flag (profile, graph node): unclaimed with uncertain works."""
    return shows_uncertainty(claim_state=claim_state) and (uncertain_works_count or 0) > 0


def confidence_percent(confidence: float | None) -> int | None:
    """0–100 for display ("62 %"), or None while unscored."""
    return None if confidence is None else round(max(0.0, min(1.0, confidence)) * 100)


def uncertain_reason(*, confidence: float | None, evidence: str) -> str:
    """The sentence a flagged work carries: the model's score and the strongest evidence it had."""
    percent = confidence_percent(confidence)
    head = f"Model confidence {percent}%" if percent is not None else "Not scored yet"
    return f"{head}: {evidence}" if evidence else f"{head}; no shared coauthors, institution or topics found"
