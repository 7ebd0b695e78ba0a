"""The normalised record every parser yields and the loader consumes.

Parsers do all text clean-up (LaTeX → Unicode, name splitting) so the loader only moves
rows. A parser that cannot make sense of one record yields a ``RecordError`` instead, and
the batch carries on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class AuthorName:
    raw: str  # exactly as in the source, never altered
    keyname: str  # surname, Unicode (LaTeX already converted)
    forenames: str = ""
    suffix: str = ""  # Jr., III, ...
    affiliation: str = ""
    is_collaboration: bool = False
    orcid: str = ""


@dataclass(slots=True)
class VersionInfo:
    version: int
    date: dt.datetime | None
    size: str = ""


@dataclass(slots=True)
class PaperRecord:
    arxiv_id: str  # without version
    title: str
    abstract: str = ""
    authors: list[AuthorName] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    primary_category: str = ""
    versions: list[VersionInfo] = field(default_factory=list)
    version: int = 1
    submitted: dt.datetime | None = None
    updated: dt.datetime | None = None
    doi: str = ""
    journal_ref: str = ""
    comments: str = ""
    license: str = ""
    report_no: str = ""
    submitter: str = ""
    withdrawn: bool = False
    deleted: bool = False  # OAI-PMH <header status="deleted">
    source_format: str = ""


@dataclass(slots=True)
class RecordError:
    record_id: str
    reason: str
