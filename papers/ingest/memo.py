"""One memo for the parse thread: ``functools.lru_cache`` that keeps short inputs only.

Names, keys, LaTeX chunks and phrases recur across a corpus, so their conversions are memoised;
but a memo of 50k-260k entries keyed by whatever a file holds would pin gigabytes for a file of
many distinct 10 KB "affiliations", names or formulas. Inputs longer than ``max_chars`` are
computed each time instead.
"""

from __future__ import annotations

from functools import lru_cache, update_wrapper


def short_memo(maxsize: int, max_chars: int, size=len):
    """Memoise the decorated function (``lru_cache(maxsize)``) for arguments whose ``size(*args)``
    is at most ``max_chars``; call it directly for longer ones. ``cache_info``, ``cache_clear``
    and ``__wrapped__`` are lru_cache's."""

    def decorate(fn):
        memo = lru_cache(maxsize=maxsize)(fn)

        def call(*args):
            return memo(*args) if size(*args) <= max_chars else fn(*args)

        update_wrapper(call, fn)
        call.cache_info, call.cache_clear = memo.cache_info, memo.cache_clear
        return call

    return decorate
