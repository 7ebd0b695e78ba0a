"""Author disambiguation with S2AND (issue 14): engine, counts, selectors, services, tasks.

"The model is unsure of this work" has one definition: researchers.confidence
(LOW_CONFIDENCE_THRESHOLD and the slot rule Author.uncertain_works_count uses).
"""
