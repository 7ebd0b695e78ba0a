from .author import Author, ClaimState
from .constraints import ConstraintKind, IdentityConstraint
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
# The task outbox (researchers/outbox/): importing its model here registers it with this app.
from researchers.outbox.models import PendingTask  # noqa: E402

__all__ = [
    "Author", "ClaimState", "ConstraintKind", "IdentityConstraint", "PendingIdentityBlock",
    "OWNING_STATUSES", "Claim", "ClaimEvidence", "ClaimSlot", "ClaimStatus", "Dispute", "DisputeStatus",
    "EventKind", "EvidenceKind", "IdentityEvent", "SlotDecision", "Vouch",
    "Block", "Conversation", "DigestFrequency", "DigestPreference", "Follow", "FollowRateEvent",
    "Invitation", "InvitationStatus", "Message", "Report", "ReportStatus", "PendingTask",
    "IdentityChangeRequest", "RequestKind", "RequestStatus",
]
