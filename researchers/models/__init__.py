from .author import Author, ClaimState
from .disambiguation import PendingIdentityBlock
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
    "Author", "ClaimState", "PendingIdentityBlock",
    "OWNING_STATUSES", "Claim", "ClaimEvidence", "ClaimSlot", "ClaimStatus", "Dispute", "DisputeStatus",
    "EventKind", "EvidenceKind", "IdentityEvent", "SlotDecision", "Vouch",
    "Block", "Conversation", "DigestFrequency", "DigestPreference", "Follow", "FollowRateEvent",
    "Invitation", "InvitationStatus", "Message", "Report", "ReportStatus",
]
