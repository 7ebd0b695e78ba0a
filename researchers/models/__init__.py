from .author import Author, ClaimState
from .constraints import ConstraintKind, IdentityConstraint
from .identity import (
    OWNING_STATUSES,
    Claim,
    ClaimEvidence,
    ClaimSlot,
    ClaimStatus,
    Dispute,
    DisputeStatus,
    EventKind,
    EvidenceKind,
    IdentityEvent,
    SlotDecision,
    Vouch,
)
from .social import (
    Block,
    Conversation,
    DigestFrequency,
    DigestPreference,
    Follow,
    FollowRateEvent,
    Invitation,
    InvitationStatus,
    Message,
    Report,
    ReportStatus,
)

__all__ = [
    "Author", "ClaimState", "ConstraintKind", "IdentityConstraint",
    "OWNING_STATUSES", "Claim", "ClaimEvidence", "ClaimSlot", "ClaimStatus", "Dispute", "DisputeStatus",
    "EventKind", "EvidenceKind", "IdentityEvent", "SlotDecision", "Vouch",
    "Block", "Conversation", "DigestFrequency", "DigestPreference", "Follow", "FollowRateEvent",
    "Invitation", "InvitationStatus", "Message", "Report", "ReportStatus",
]
