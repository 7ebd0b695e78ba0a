from .author import Author, ClaimState
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
from .requests import IdentityChangeRequest, RequestKind, RequestStatus
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
    "Author", "ClaimState",
    "OWNING_STATUSES", "Claim", "ClaimEvidence", "ClaimSlot", "ClaimStatus", "Dispute", "DisputeStatus",
    "EventKind", "EvidenceKind", "IdentityEvent", "SlotDecision", "Vouch",
    "Block", "Conversation", "DigestFrequency", "DigestPreference", "Follow", "FollowRateEvent",
    "Invitation", "InvitationStatus", "Message", "Report", "ReportStatus",
    "IdentityChangeRequest", "RequestKind", "RequestStatus",
]
