"""Reads of graph data for pages and the API.

Contract used by the profile view (researchers): `graph.services.graph_panel_for_profile(author=...)`
returns a dict with at least `status` ("building" | "ready" | "failed") and, when ready,
`elements` (Cytoscape JSON) and `built_at`. It costs one SQL query.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import SLICE_FORMAT_VERSION, GraphSlice

# A failed build is retried on its own after this long; before that the panel offers a retry button.
FAILED_AUTO_RETRY_AFTER = dt.timedelta(minutes=10)

# The slice row and its staleness in one query: stale when any author the build watched (the
# author and every direct coauthor) has data_changed_at past the stored watermark.
SLICE_STATE_SQL = """
SELECT au.id AS author_id, au.slug, au.display_name,
       gs.id AS slice_id, gs.status, {elements} AS elements, gs.built_at, gs.error, gs.failed_at, gs.revision,
       gs.format_version,
       CASE WHEN gs.id IS NULL OR gs.watermark IS NULL THEN FALSE
            ELSE EXISTS (SELECT 1 FROM researchers_author x
                         WHERE x.id = ANY(gs.watched_author_ids) AND x.data_changed_at > gs.watermark)
       END AS stale
FROM researchers_author au
LEFT JOIN graph_graphslice gs ON gs.author_id = au.id
WHERE {where}
"""
# What a page needs of a stored slice without its elements (often 100 KB or more of JSON, which the
# page's script then fetches from the API after the page has rendered): its totals and sizes.
ELEMENTS_SUMMARY_SQL = """CASE WHEN gs.elements IS NULL THEN NULL ELSE jsonb_build_object(
    'meta', gs.elements -> 'meta',
    'nodes_count', jsonb_array_length(coalesce(gs.elements -> 'nodes', '[]'::jsonb)),
    'edges_count', jsonb_array_length(coalesce(gs.elements -> 'edges', '[]'::jsonb))) END"""


@dataclass
class SliceState:
    author_id: int
    slug: str
    display_name: str
    status: str  # "ready" | "building" | "failed"
    elements: dict | None  # None when read without them (with_elements=False) or none stored
    summary: dict | None  # the elements' meta and sizes; None when no slice is stored
    built_at: dt.datetime | None
    stale: bool
    error: str
    revision: int
    needs_build: bool

    def as_panel(self) -> dict:
        """The profile panel's context; the panel's script fetches the elements from the API."""
        return {"status": self.status, "elements": self.elements, "summary": self.summary,
                "built_at": self.built_at, "stale": self.stale, "error": self.error, "revision": self.revision,
                "author_id": self.author_id, "slug": self.slug}


def _summary_of(elements: dict) -> dict:
    """What ELEMENTS_SUMMARY_SQL reads in SQL, computed from elements already loaded."""
    return {"meta": elements.get("meta") or {}, "nodes_count": len(elements.get("nodes") or []),
            "edges_count": len(elements.get("edges") or [])}


def slice_state(*, author_id: int | None = None, slug: str | None = None,
                with_elements: bool = True) -> SliceState | None:
    """The author's slice as stored, whether it needs a build, in one query (None if no such author).

    ``with_elements=False`` reads only the elements' totals and sizes (ELEMENTS_SUMMARY_SQL)."""
    if (author_id is None) == (slug is None):
        raise ValueError("pass exactly one of author_id or slug")
    where, param = ("au.id = %s", author_id) if author_id is not None else ("au.slug = %s", slug)
    with connection.cursor() as cur:
        elements_sql = "gs.elements" if with_elements else ELEMENTS_SUMMARY_SQL
        cur.execute(SLICE_STATE_SQL.format(where=where, elements=elements_sql), [param])
        row = cur.fetchone()
        if row is None:
            return None
        data = dict(zip([c.name for c in cur.description], row))
    loaded = data["elements"]
    if isinstance(loaded, str):
        loaded = json.loads(loaded)
    if with_elements:
        elements, summary = loaded, (_summary_of(loaded) if loaded else None)
    else:
        elements, summary = None, loaded
    outdated = data["slice_id"] is not None and data["format_version"] != SLICE_FORMAT_VERSION
    stale = bool(data["stale"]) or outdated
    if data["slice_id"] is None:
        status, needs_build = "building", True
    elif data["status"] == "failed":
        failed_at = data["failed_at"]
        needs_build = failed_at is None or timezone.now() - failed_at > FAILED_AUTO_RETRY_AFTER
        status = "building" if needs_build else "failed"
    elif stale:
        # Stale-while-revalidate: the last slice stays visible while the new one builds.
        status, needs_build = "building", True
    else:
        status, needs_build = "ready", False
    return SliceState(
        author_id=data["author_id"], slug=data["slug"], display_name=data["display_name"], status=status,
        elements=elements, summary=summary, built_at=data["built_at"], stale=stale, error=data["error"] or "",
        revision=data["revision"] or 0, needs_build=needs_build,
    )


def slice_version_sql(author_alias: str) -> str:
    """SQL for when the record's slice row was last written (built, failed, retried), as a column of
    a query on researchers_author: the profile page cache (researchers/page_cache.py) keys on it."""
    return f"(SELECT updated_at FROM {GraphSlice._meta.db_table} WHERE author_id = {author_alias}.id)"


NODE_TYPES = ("person", "paper", "topic", "institution")


def _overlaps(first, last, from_year, to_year):
    if first is None and last is None:
        return True
    first = first if first is not None else last
    last = last if last is not None else first
    return (from_year is None or last >= from_year) and (to_year is None or first <= to_year)


def filter_elements(elements: dict | None, *, depth: int = 2, types=NODE_TYPES, from_year=None,
                    to_year=None) -> dict:
    """A view of a stored slice: node types, coauthor depth and a year range (pure, in memory).

    People other than the centre stay only while a coauthorship inside the year range still
    links them in; elements whose ends were filtered away go too.
    """
    if not elements:
        return {"nodes": [], "edges": [], "meta": {}}
    types = set(types)
    nodes = {n["data"]["id"]: n for n in elements["nodes"]}
    edges = [e for e in elements["edges"]]
    keep = {}
    for nid, n in nodes.items():
        d = n["data"]
        if d.get("center"):
            keep[nid] = n
            continue
        if d["type"] not in types:
            continue
        if d["type"] == "person" and d.get("degree", 1) > depth:
            continue
        if d["type"] == "paper" and d.get("year") is not None and not _overlaps(d["year"], d["year"], from_year, to_year):
            continue
        keep[nid] = n
    in_range = []
    for e in edges:
        d = e["data"]
        if d["type"] == "coauthored" and not _overlaps(d.get("first_year"), d.get("last_year"), from_year, to_year):
            continue
        if d["type"] == "affiliated" and d.get("year") is not None and not _overlaps(d["year"], d["year"], from_year, to_year):
            continue
        in_range.append(e)
    if from_year is not None or to_year is not None:
        # People reached only through coauthorships outside the range leave with them, nearest first.
        linked = {nid for nid, n in keep.items() if n["data"].get("center")}
        for degree in (1, 2):
            for e in in_range:
                d = e["data"]
                if d["type"] != "coauthored":
                    continue
                for a, b in ((d["source"], d["target"]), (d["target"], d["source"])):
                    if a in linked and b in keep and keep[b]["data"].get("degree") == degree:
                        linked.add(b)
        keep = {nid: n for nid, n in keep.items() if n["data"]["type"] != "person" or nid in linked}
    kept_edges = [e for e in in_range if e["data"]["source"] in keep and e["data"]["target"] in keep]
    if from_year is not None or to_year is not None:
        # Institutions and nearby papers with no remaining link would float unexplained.
        touched = {e["data"]["source"] for e in kept_edges} | {e["data"]["target"] for e in kept_edges}
        keep = {nid: n for nid, n in keep.items()
                if nid in touched or n["data"]["type"] not in ("institution",) or n["data"].get("center")}
    return {"nodes": list(keep.values()), "edges": kept_edges, "meta": elements.get("meta", {})}


def author_ids_by_slug(slugs) -> dict:
    """{slug: author id} for the given slugs that exist (one query)."""
    with connection.cursor() as cur:
        cur.execute("SELECT slug, id FROM researchers_author WHERE slug = ANY(%s::text[])", [list(slugs)])
        return dict(cur.fetchall())


def coauthor_path(*, source_slug: str, target_slug: str, max_hops: int) -> dict | None:
    """The described shortest coauthor path between two researchers; None names an unknown slug via KeyError."""
    from .paths import describe_path, shortest_coauthor_path

    ids = author_ids_by_slug([source_slug, target_slug])
    missing = [s for s in (source_slug, target_slug) if s not in ids]
    if missing:
        raise KeyError(missing[0])
    result = shortest_coauthor_path(ids[source_slug], ids[target_slug], max_hops=max_hops)
    return describe_path(source_slug, target_slug, result, max_hops=max_hops)
