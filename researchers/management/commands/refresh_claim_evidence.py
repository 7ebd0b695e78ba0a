"""python manage.py refresh_claim_evidence: re-derive the evidence and level of every live claim.

Run once after the evidence rules change (issue 15: institutional emails now need a known
institution's registrable domain), so levels granted under the old rules are re-judged.
"""

from django.core.management.base import BaseCommand

from researchers.models import OWNING_STATUSES, Claim, ClaimStatus


class Command(BaseCommand):
    help = "Re-derive evidence and verification levels of every owning or pending claim."

    def handle(self, *args, **options):
        from researchers.services.claims import claim_evidence_refresh

        changed = total = 0
        claims = Claim.objects.filter(status__in=[*OWNING_STATUSES, ClaimStatus.PENDING]).only("pk", "level")
        for claim in claims.iterator(chunk_size=500):
            total += 1
            if claim_evidence_refresh(claim=claim).level != claim.level:
                changed += 1
        self.stdout.write(f"{total} claim(s) re-judged, {changed} changed level")
