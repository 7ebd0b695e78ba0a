"""Make the identity log append-only in the database too, not only in the ORM and the admin.

Row UPDATEs may only null out the foreign keys Django sets to NULL when a user, claim, dispute
or counterpart record goes away; everything an event says stays as written. DELETE is refused.
(TRUNCATE, used by test teardown, is a table operation and is not affected.)
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION researchers_identityevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'researchers_identityevent is append-only: write a revert event instead'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.author_id IS DISTINCT FROM OLD.author_id
       OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.summary IS DISTINCT FROM OLD.summary
       OR NEW.payload IS DISTINCT FROM OLD.payload OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.reverts_id IS DISTINCT FROM OLD.reverts_id
       OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL)
       OR (NEW.claim_id IS DISTINCT FROM OLD.claim_id AND NEW.claim_id IS NOT NULL)
       OR (NEW.dispute_id IS DISTINCT FROM OLD.dispute_id AND NEW.dispute_id IS NOT NULL)
       OR (NEW.other_author_id IS DISTINCT FROM OLD.other_author_id AND NEW.other_author_id IS NOT NULL) THEN
        RAISE EXCEPTION 'researchers_identityevent is append-only: write a revert event instead'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER researchers_identityevent_append_only
    BEFORE UPDATE OR DELETE ON researchers_identityevent
    FOR EACH ROW EXECUTE FUNCTION researchers_identityevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS researchers_identityevent_append_only ON researchers_identityevent;
DROP FUNCTION IF EXISTS researchers_identityevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("researchers", "0002_identity_and_social")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
