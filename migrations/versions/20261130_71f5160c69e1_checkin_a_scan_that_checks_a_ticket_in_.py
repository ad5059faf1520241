"""checkin: a scan that checks a ticket in is recorded once, as the check-in

Until now every scan with a nonce wrote a row to the scan log (``checkin_scans``) with the
answer it got, also when it checked a ticket in: then the same scan was recorded twice, as the
check-in (which already keeps the nonce, time, gate, device or staff member) and as a log row.
A door's busiest statement thus wrote two rows, ten index entries and eight foreign-key checks.

Now a scan that checked a ticket in with nothing to flag is recorded once: as the check-in.
Every other scan (unknown, revoked, wrong event, not allowed, already checked in, a forced
check-in flagged for staff) is still logged with its answer. A retry of a nonce is answered
from the scan log, else from the check-in with that nonce (``jobbforum_checkin_prior``), with
the same JSON as the first answer (one builder, ``jobbforum_checkin_answer``); when a check-in
is undone its scan is logged first (``jobbforum.services.checkin.undo``), so a retry still
gets its first answer.

Since a nonce's record is now in one of two tables, requests with the same nonce take a
transaction-level advisory lock on it (class 1246, ``hashtext(nonce)``) and so decide one
after the other: a retry overtaking its first try, a client reusing a nonce for another code,
or an undo logging the scan it removes (``checkin.lock_nonce``) can never leave two records or
two answers for one nonce. The redeem function then looks for an earlier use of the nonce with
one statement (two index probes) instead of calling ``jobbforum_checkin_prior`` on every scan.

A retry answered from a check-in is rebuilt from the check-in and the holder as they are now:
the same status, time, gate and check-in id, and the holder's current name and role (so after
an erasure it no longer names them).

Rows already in the scan log stay (a retry finds them first). The downgrade logs the scans of
the check-ins made since, so the older function finds every nonce again (on PostgreSQL; the
embedded SQLite database of a development machine is not backfilled: there a retry of such a
nonce after a downgrade is answered ``already_checked_in``).

Revision ID: 71f5160c69e1
Revises: a222d1918429
Create Date: 2026-11-30 20:32:50.183688

"""
import importlib.util
from pathlib import Path

from alembic import op


# revision identifiers, used by Alembic.
revision = '71f5160c69e1'
down_revision = 'a222d1918429'
branch_labels = None
depends_on = None

#: The answer's JSON, as ``Result.as_json()`` makes it: only the keys that have a value.
ANSWER = r"""
CREATE OR REPLACE FUNCTION jobbforum_checkin_answer(
    p_status text, p_checked_in_at timestamptz, p_first_at timestamptz, p_gate text,
    p_holder json, p_checkin_id integer, p_flagged boolean)
RETURNS json LANGUAGE sql STABLE AS $fn$
    SELECT json_strip_nulls(json_build_object(
        'status', p_status,
        'checked_in_at', to_char(p_checked_in_at AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
        'first_checked_in_at', to_char(p_first_at AT TIME ZONE 'UTC',
                                       'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
        'gate', NULLIF(p_gate, ''),
        'holder', CASE WHEN p_status IN ('ok', 'already_checked_in') THEN p_holder END,
        'checkin_id', p_checkin_id,
        -- A forced re-use is flagged for staff in the scan log, not in the answer.
        'flagged', CASE WHEN p_flagged AND p_status = 'ok' THEN true END))
$fn$
"""

PRIOR = r"""
CREATE OR REPLACE FUNCTION jobbforum_checkin_prior(
    p_nonce text, p_event_id integer, OUT o_found boolean, OUT o_error text, OUT o_answer json)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_event_id integer;
BEGIN
    -- A scan that checked a ticket in with nothing to flag is recorded once, as the check-in
    -- with its nonce; every other scan is in the scan log with the answer it got.
    SELECT s.event_id, s.answer INTO v_event_id, o_answer
      FROM checkin_scans s WHERE s.nonce = p_nonce;
    o_found := FOUND;
    IF NOT o_found THEN
        SELECT l.event_id,
               jobbforum_checkin_answer('ok', c.checked_in_at, NULL, c.gate,
                                        json_build_object('display_name', p.name,
                                                          'role', r.role),
                                        c.id, c.flagged)
          INTO v_event_id, o_answer
          FROM checkins c JOIN checkin_lists l ON l.id = c.list_id
               JOIN tickets t ON t.id = c.ticket_id
               JOIN registrations r ON r.id = t.registration_id
               JOIN people p ON p.id = r.person_id
         WHERE c.nonce = p_nonce;
        o_found := FOUND;
    END IF;
    IF o_found AND v_event_id <> p_event_id THEN
        -- Nonces are per-scan UUIDs; a clash across events is a client bug (or probing).
        o_error := 'nonce_other_event';
        o_answer := NULL;
    END IF;
END
$fn$
"""

FUNCTION = r"""
CREATE OR REPLACE FUNCTION jobbforum_checkin_redeem(
    p_event_id integer, p_list text, p_nonce text, p_code text, p_registration_id integer,
    p_gate text, p_scanned_at timestamptz, p_force boolean, p_device_id integer,
    p_staff_id integer, p_actor_label text, p_token_hash text, p_slug text,
    p_last_seen_every interval, p_now timestamptz,
    OUT o_error text, OUT o_answer json)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    -- The app's clock, as in the Python path (the undo window is measured by it).
    v_now timestamptz := p_now;
    v_list record;
    v_prior record;
    v_ticket record;
    v_ticket_id integer;
    v_first record;
    v_found boolean := false;
    v_status text;
    v_holder json;
    v_revoked boolean := false;
    v_flagged boolean := false;
    v_checkin_id integer;
    v_checked_in_at timestamptz;
    v_first_at timestamptz;
    v_gate text := '';
    v_scan_id integer;
    v_device record;
BEGIN
    IF p_token_hash IS NOT NULL THEN
        -- A door device: its token (hashed) names it and its event, as devices.authenticate.
        SELECT d.id, d.gate, d.event_id, d.revoked_at, d.last_seen_at, e.slug INTO v_device
          FROM devices d JOIN events e ON e.id = d.event_id
         WHERE d.token_hash = p_token_hash;
        IF NOT FOUND OR v_device.revoked_at IS NOT NULL THEN
            o_error := 'unauthorized';
            RETURN;
        END IF;
        IF v_device.slug <> p_slug THEN
            o_error := 'forbidden';
            RETURN;
        END IF;
        IF v_device.last_seen_at IS NULL OR v_now - v_device.last_seen_at > p_last_seen_every THEN
            UPDATE devices SET last_seen_at = v_now WHERE id = v_device.id;
        END IF;
        p_event_id := v_device.event_id;
        p_device_id := v_device.id;
        p_gate := left(coalesce(nullif(p_gate, ''), v_device.gate), 80);
        p_actor_label := 'device:' || p_gate;
    END IF;
    SELECT id, name, allowed_roles INTO v_list
      FROM checkin_lists WHERE event_id = p_event_id AND name = p_list;
    IF NOT FOUND THEN
        o_error := 'no_list';
        RETURN;
    END IF;
    IF p_nonce IS NOT NULL THEN
        -- One request per nonce at a time, until it commits: a scan's record is either its
        -- check-in or a scan-log row, so two requests with one nonce (a retry overtaking its
        -- first try, a client reusing a nonce, an undo logging the scan it removes: see
        -- jobbforum.services.checkin.lock_nonce, same lock) must not both decide.
        PERFORM pg_advisory_xact_lock(1246, hashtext(p_nonce));
        IF EXISTS (SELECT 1 FROM checkin_scans WHERE nonce = p_nonce)
           OR EXISTS (SELECT 1 FROM checkins WHERE nonce = p_nonce) THEN
            -- A retry: the answer it got the first time, and nothing recorded.
            SELECT p.o_error, p.o_answer INTO o_error, o_answer
              FROM jobbforum_checkin_prior(p_nonce, p_event_id) p WHERE p.o_found;
            IF FOUND THEN
                RETURN;
            END IF;
        END IF;
    END IF;

    IF p_registration_id IS NOT NULL THEN
        SELECT t.id, t.status, r.event_id, r.role, r.status AS registration_status, p.name
          INTO v_ticket
          FROM tickets t JOIN registrations r ON r.id = t.registration_id
               JOIN people p ON p.id = r.person_id
         WHERE t.registration_id = p_registration_id
         ORDER BY (t.status = 'active') DESC, t.issued_at DESC, t.id DESC
         LIMIT 1 FOR UPDATE OF t;
        v_found := FOUND;
    ELSIF p_code IS NOT NULL THEN
        SELECT t.id, t.status, r.event_id, r.role, r.status AS registration_status, p.name
          INTO v_ticket
          FROM tickets t JOIN registrations r ON r.id = t.registration_id
               JOIN people p ON p.id = r.person_id
         WHERE t.code = p_code
           FOR UPDATE OF t;
        v_found := FOUND;
    END IF;
    IF v_found THEN
        -- Read only once a ticket was found: an unset record cannot even be compiled.
        v_ticket_id := v_ticket.id;
    END IF;

    IF NOT v_found THEN
        v_status := 'unknown_code';
    ELSIF v_ticket.event_id <> p_event_id THEN
        v_status := 'wrong_event';
    ELSIF v_list.allowed_roles <> ''
          AND NOT v_ticket.role = ANY (string_to_array(v_list.allowed_roles, ',')) THEN
        v_status := 'not_allowed';
    ELSE
        v_holder := json_build_object('display_name', v_ticket.name, 'role', v_ticket.role);
        v_revoked := v_ticket.status = 'revoked' OR v_ticket.registration_status = 'cancelled';
        IF v_revoked AND NOT p_force THEN
            v_status := 'revoked';
        ELSE
            INSERT INTO checkins (ticket_id, list_id, checked_in_at, scanned_at, gate, device_id,
                                  staff_user_id, nonce, forced, flagged)
            VALUES (v_ticket_id, v_list.id, v_now, p_scanned_at, p_gate, p_device_id,
                    p_staff_id, p_nonce, p_force, v_revoked)
            ON CONFLICT DO NOTHING
            RETURNING id INTO v_checkin_id;
            IF v_checkin_id IS NULL THEN
                IF p_nonce IS NOT NULL THEN
                    -- The nonce may be what conflicted (one written outside this function,
                    -- by a roll call): then its answer.
                    SELECT p.o_error, p.o_answer INTO o_error, o_answer
                      FROM jobbforum_checkin_prior(p_nonce, p_event_id) p WHERE p.o_found;
                    IF FOUND THEN
                        RETURN;
                    END IF;
                END IF;
                SELECT checked_in_at, gate INTO v_first
                  FROM checkins WHERE ticket_id = v_ticket_id AND list_id = v_list.id;
                IF NOT FOUND THEN
                    o_error := 'nonce_used';
                    RETURN;
                END IF;
                -- Forced: the ticket was used twice while a door was offline; staff should look.
                v_status := 'already_checked_in';
                v_first_at := v_first.checked_in_at;
                v_gate := v_first.gate;
                v_flagged := p_force;
            ELSE
                v_status := 'ok';
                v_checked_in_at := v_now;
                v_gate := p_gate;
                v_flagged := v_revoked;
                IF v_revoked THEN
                    INSERT INTO audit_events (at, actor_user_id, actor_label, action, object_type,
                                              object_id, event_id, details)
                    VALUES (v_now, p_staff_id, p_actor_label, 'checkin.forced_revoked', 'CheckIn',
                            v_checkin_id::text, p_event_id,
                            json_build_object('ticket_id', v_ticket_id, 'list', v_list.name));
                END IF;
            END IF;
        END IF;
    END IF;

    o_answer := jobbforum_checkin_answer(v_status, v_checked_in_at, v_first_at, v_gate,
                                         v_holder, v_checkin_id, v_flagged);
    IF p_nonce IS NULL OR (v_status = 'ok' AND NOT v_flagged) THEN
        -- Without a nonce there is nothing to log; a check-in with nothing to flag is its
        -- scan's record (the nonce is on it).
        RETURN;
    END IF;
    INSERT INTO checkin_scans (event_id, list_id, nonce, ticket_id, checkin_id, status, answer,
                               received_at, scanned_at, gate, device_id, staff_user_id, forced,
                               flagged)
    VALUES (p_event_id, v_list.id, p_nonce, v_ticket_id, v_checkin_id, v_status, o_answer,
            v_now, p_scanned_at, p_gate, p_device_id, p_staff_id, p_force, v_flagged)
    ON CONFLICT DO NOTHING
    RETURNING id INTO v_scan_id;
    IF v_scan_id IS NULL THEN
        -- The same nonce arrived twice at once and the other request won: answer as it did.
        SELECT * INTO v_prior FROM jobbforum_checkin_prior(p_nonce, p_event_id);
        o_error := CASE WHEN v_prior.o_found THEN v_prior.o_error ELSE 'nonce_used' END;
        o_answer := v_prior.o_answer;
    END IF;
END
$fn$
"""

#: For the downgrade: the scans of check-ins made since the upgrade, logged as before.
LOG_CHECKINS = r"""
INSERT INTO checkin_scans (event_id, list_id, nonce, ticket_id, checkin_id, status, answer,
                           received_at, scanned_at, gate, device_id, staff_user_id, forced,
                           flagged)
SELECT l.event_id, c.list_id, c.nonce, c.ticket_id, c.id, 'ok',
       jobbforum_checkin_answer('ok', c.checked_in_at, NULL, c.gate,
                                json_build_object('display_name', p.name, 'role', r.role),
                                c.id, c.flagged),
       c.checked_in_at, c.scanned_at, c.gate, c.device_id, c.staff_user_id, c.forced, c.flagged
  FROM checkins c JOIN checkin_lists l ON l.id = c.list_id
       JOIN tickets t ON t.id = c.ticket_id
       JOIN registrations r ON r.id = t.registration_id
       JOIN people p ON p.id = r.person_id
 WHERE c.nonce IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM checkin_scans s WHERE s.nonce = c.nonce)
"""


def _revision(name: str) -> object:
    (path,) = Path(__file__).parent.glob(f"*_{name}_*.py")
    spec = importlib.util.spec_from_file_location(f"jobbforum_migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ANSWER)
        op.execute(PRIOR)
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LOG_CHECKINS)
        previous = _revision("a222d1918429")
        op.execute(previous._fixed(previous._previous_function()))
        op.execute(_revision("c4a1d2e5f601").PRIOR)
        op.execute("DROP FUNCTION IF EXISTS jobbforum_checkin_answer(text, timestamptz, "
                   "timestamptz, text, json, integer, boolean)")
