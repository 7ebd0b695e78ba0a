"""Reads of trust data for other apps' pages and the API.

Contract used by the profile view (researchers): `trust_for_profile(author=...)` returns
None while no score has been computed for the record, so the page shows "score pending"
and never a made-up number. Otherwise a TrustView, costing two queries: the score row and the
snapshot rows of the 90-day window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.dates import format_day

from . import method
from .models import TrustScore, TrustSnapshot

HISTORY_DAYS = 90
SPARK_WIDTH = 180
SPARK_HEIGHT = 40
SPARK_PAD = 3


@dataclasses.dataclass
class TrustPart:
    key: str
    name: str
    points: float
    cap: int | None
    evidence: list[str]

    @property
    def signed_points(self) -> str:
        pts = f"{self.points:g}"
        return f"−{pts}" if self.key == "penalties" and self.points else pts


@dataclasses.dataclass
class TrustView:
    score: int
    tier: str
    raw_score: int
    under_review: bool
    model_version: str
    computed_at: dt.datetime
    parts: list[TrustPart]
    history: list[dict]  # [{"day": date, "score": int}] oldest first, days before the first row omitted
    sparkline: dict  # {"points": "x,y …", "last": (x, y), "width", "height", "label"}

    @property
    def capped_today(self) -> bool:
        return self.raw_score > self.score

    @property
    def tier_meaning(self) -> str:
        return method.TIER_MEANINGS.get(self.tier, "")

    @property
    def is_current_model(self) -> bool:
        return self.model_version == method.MODEL_VERSION


def parts_for(score: TrustScore) -> list[TrustPart]:
    stored = score.parts or {}
    out = []
    for key in method.PARTS:
        part = stored.get(key, {})
        out.append(
            TrustPart(
                key=key,
                name=method.PART_TITLES[key],
                points=float(part.get("points", getattr(score, key, 0.0))),
                cap=method.PART_CAPS[key],
                evidence=method.evidence_lines(key, part.get("facts", {})),
            )
        )
    return out


def _history(author_id: int, today: dt.date) -> list[dict]:
    start = today - dt.timedelta(days=HISTORY_DAYS - 1)
    # The last row on or before the window start carries its score into the window.
    carried_from = Subquery(
        TrustSnapshot.objects.filter(author_id=author_id, day__lte=start).order_by("-day").values("day")[:1]
    )
    rows = list(
        TrustSnapshot.objects.filter(author_id=author_id, day__gte=Coalesce(carried_from, start), day__lte=today)
        .order_by("day")
        .values_list("day", "total")
    )
    history, i, current = [], 0, None
    for offset in range(HISTORY_DAYS):
        day = start + dt.timedelta(days=offset)
        while i < len(rows) and rows[i][0] <= day:
            current = rows[i][1]
            i += 1
        if current is not None:
            history.append({"day": day, "score": current})
    return history


def sparkline(history: list[dict]) -> dict:
    """Server-rendered SVG geometry on a fixed 0–100 scale over the 90-day window."""
    if not history:
        return {"points": "", "last": None, "width": SPARK_WIDTH, "height": SPARK_HEIGHT, "label": ""}
    today = history[-1]["day"]
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD

    def xy(entry):
        age = (today - entry["day"]).days
        x = SPARK_PAD + inner_w * (HISTORY_DAYS - 1 - age) / (HISTORY_DAYS - 1)
        y = SPARK_PAD + inner_h * (1 - entry["score"] / method.SCORE_MAX)
        return round(x, 1), round(y, 1)

    coords = [xy(e) for e in history]
    first, last = history[0], history[-1]
    if first["day"] == today:
        label = f"Trust score today: {last['score']}"
    elif all(e["score"] == last["score"] for e in history):
        label = f"Trust score {last['score']}, unchanged since {format_day(first['day'])}"
    else:
        label = (f"Trust score over the last {HISTORY_DAYS} days: {first['score']} on {format_day(first['day'])}, "
                 f"{last['score']} today")
    low = min(e["score"] for e in history)
    high = max(e["score"] for e in history)
    return {
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "last": coords[-1],
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "label": label,
        "low": low,
        "high": high,
        "days": len(history),
    }


def trust_version_sql(author_alias: str) -> str:
    """SQL for when the record's score row was last written, as a column of a query on researchers_author.

    The recompute rewrites a row only when a shown value or today's snapshot moved, so this changes
    exactly when the profile's trust panel would (researchers/page_cache.py keys on it)."""
    return f"(SELECT computed_at FROM {TrustScore._meta.db_table} WHERE author_id = {author_alias}.id)"


def trust_for_profile(*, author):
    """The trust snapshot to render on a profile, or None while the score is pending."""
    score = TrustScore.objects.filter(author_id=author.pk).first()
    if score is None:
        return None
    history = _history(author.pk, timezone.now().date())
    return TrustView(
        score=int(score.total),
        tier=score.tier,
        raw_score=int(score.raw_total),
        under_review=score.under_review,
        model_version=score.model_version,
        computed_at=score.computed_at,
        parts=parts_for(score),
        history=history,
        sparkline=sparkline(history),
    )


def method_constants() -> dict:
    """Everything the method page publishes, read from trust.method at call time."""
    years_cal = method.CALIBRATION["years_active"]
    works_cal = method.CALIBRATION["works"]
    identity = float(method.identity_points([method.CALIBRATION["level"]], [False])[0])
    consistency = float(method.consistency_points([works_cal], [years_cal], [0], [works_cal], [works_cal], [works_cal])[0])
    total = int(method.total_score(identity, consistency, 0.0, 0.0))
    return {
        "method": method,
        "model_version": method.MODEL_VERSION,
        "identity_levels": [
            {"level": lvl, "label": method.IDENTITY_LEVEL_LABELS[lvl], "points": pts}
            for lvl, pts in sorted(method.IDENTITY_LEVEL_POINTS.items())
        ],
        "tiers": [{"label": label, "low": low, "high": high, "meaning": method.TIER_MEANINGS[label]}
                  for label, low, high in method.tier_ranges()],
        "changelog": method.MODEL_CHANGELOG,
        "seed_weights": sorted(method.EIGENTRUST_SEED_WEIGHTS.items()),
        "eigentrust_span_decades": round(math.log10(method.EIGENTRUST_X_FULL / method.EIGENTRUST_X_FLOOR), 2),
        "calibration": {
            **method.CALIBRATION,
            "identity": identity,
            "consistency": consistency,
            "body": round(float(method.body_of_work_points([works_cal])[0]), 1),
            "years": round(float(method.years_active_points([years_cal])[0]), 1),
            "coherence": round(float(method.coherence_points([works_cal], [works_cal])[0]), 1),
            "focus": round(float(method.topic_focus_points([works_cal], [works_cal])[0]), 1),
            "total": total,
            "tier": method.tier_for(total),
        },
    }
