"""Author disambiguation with S2AND (issue 14): engine, counts, selectors, services, tasks.

LOW_CONFIDENCE_THRESHOLD is the one definition of "the model is unsure of this work": works
whose Authorship.confidence is below it are "may be another person" on unclaimed profiles and
count in Author.uncertain_works_count (the "Low confidence" flag). Import it from here.
"""

# S2AND stops merging at a same-person probability of 0.35 (its production eps 0.65 is a
# distance). Between 0.35 and 0.5 it linked a work on weaker evidence than a coin toss would give
# the other way; a work alone beside namesakes is uncertain when it matches one of them at 0.5+.
LOW_CONFIDENCE_THRESHOLD = 0.5
