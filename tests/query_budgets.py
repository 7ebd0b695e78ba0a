"""Pinned SQL query budgets shared by several test files (zulip/healthchecks style).

Profile page, anonymous visitor of an unclaimed record (researchers/views.py), one query each:
  1. the author record, its owner and merge target (researchers.selectors.author_for_profile)
  2. the ids of the page of works, with the filtered total as a window count
  3. those 25 papers' list columns (primary-key lookups)
  4. the bylines of those 25 papers (first names + the researcher)
  5. the author's topics by weight (filter options + sidebar)
  6. trust.selectors.trust_for_profile: the score row (its 90-day history adds one once scored)
  7. graph.services.graph_panel_for_profile: the slice row's state and totals (not its elements)
Works per year and the close collaborators are stored on the record
(researchers/services/profile_summary.py): the first view after the record changed recomputes
them, PROFILE_SUMMARY_REFRESH_QUERIES more (two aggregates and one UPDATE); later views read them.
Category chips link by the importer's slug function, so they cost nothing. A signed-in visitor adds
the session, the user and one identity query (researchers.identity_selectors: follow/claim/invite
state plus, on a claimed record, the claim's evidence, as columns of one SELECT): 11, or 12 once
scored. An anonymous visitor of a claimed record adds that evidence query alone: 9
(tests/test_claims.py pins both).
Those are the budgets of a render. An anonymous visitor is usually served the stored copy
(researchers/page_cache.py): PROFILE_CACHED_QUERIES, the record's version (digests of its row and
citation figures, when its trust and graph rows were written), which keys the copy. A miss
renders after that query: PROFILE_QUERIES + 1 (tests/test_profile_page_cache.py).
"""

PROFILE_QUERIES = 7
PROFILE_SUMMARY_REFRESH_QUERIES = 3
PROFILE_CACHED_QUERIES = 1
