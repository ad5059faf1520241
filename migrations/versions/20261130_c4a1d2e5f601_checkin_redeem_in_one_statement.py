"""checkin: redeem a scan in one statement on PostgreSQL

``jobbforum_checkin_redeem`` does on the server what ``jobbforum.services.checkin.redeem``
does in Python on SQLite: list and nonce look-up, the ticket row lock (``FOR UPDATE``), the
decision, the check-in (``ON CONFLICT DO NOTHING`` against the unique ticket+list constraint),
the audit entry of a forced revoked ticket and the scan log with its answer. One round trip
instead of seven, so a door with a queue is not waiting on the network between them; the
service tests run the same cases against both implementations.

Given a device token's hash (and the event's slug) instead of an event, it also authenticates
the device as ``jobbforum.services.devices.authenticate`` does.

Returns ``(error, answer)``: ``answer`` is the JSON the API gives (and the scan log keeps);
``error`` is ``unauthorized``, ``forbidden``, ``no_list``, ``nonce_other_event`` or
``nonce_used`` when there is no answer.

Revision ID: c4a1d2e5f601
Revises: bcef7300e4b9
Create Date: 2026-11-30 11:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4a1d2e5f601'
down_revision = 'bcef7300e4b9'
branch_labels = None
depends_on = None

PRIOR = r"""
CREATE OR REPLACE FUNCTION jobbforum_checkin_prior(
    p_nonce text, p_event_id integer, OUT o_found boolean, OUT o_error text, OUT o_answer json)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_scan record;
BEGIN
    SELECT s.event_id, s.answer AS prior_answer INTO v_scan
      FROM checkin_scans s WHERE s.nonce = p_nonce;
    o_found := FOUND;
    IF o_found AND v_scan.event_id <> p_event_id THEN
        -- Nonces are per-scan UUIDs; a clash across events is a client bug (or probing).
        o_error := 'nonce_other_event';
    ELSIF o_found THEN
        o_answer := v_scan.prior_answer;
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
        SELECT * INTO v_prior FROM jobbforum_checkin_prior(p_nonce, p_event_id);
        IF v_prior.o_found THEN
            o_error := v_prior.o_error;
            o_answer := v_prior.o_answer;
            RETURN;
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
            VALUES (v_ticket.id, v_list.id, v_now, p_scanned_at, p_gate, p_device_id,
                    p_staff_id, p_nonce, p_force, v_revoked)
            ON CONFLICT DO NOTHING
            RETURNING id INTO v_checkin_id;
            IF v_checkin_id IS NULL THEN
                SELECT checked_in_at, gate INTO v_first
                  FROM checkins WHERE ticket_id = v_ticket.id AND list_id = v_list.id;
                IF NOT FOUND THEN
                    -- The conflict was the nonce: the same scan, answered by another request.
                    SELECT * INTO v_prior FROM jobbforum_checkin_prior(p_nonce, p_event_id);
                    o_error := CASE WHEN v_prior.o_found THEN v_prior.o_error ELSE 'nonce_used' END;
                    o_answer := v_prior.o_answer;
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
                            json_build_object('ticket_id', v_ticket.id, 'list', v_list.name));
                END IF;
            END IF;
        END IF;
    END IF;

    -- The same JSON as Result.as_json(): only the keys that have a value.
    o_answer := json_strip_nulls(json_build_object(
        'status', v_status,
        'checked_in_at', to_char(v_checked_in_at AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
        'first_checked_in_at', to_char(v_first_at AT TIME ZONE 'UTC',
                                       'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
        'gate', NULLIF(v_gate, ''),
        'holder', CASE WHEN v_status IN ('ok', 'already_checked_in') THEN v_holder END,
        'checkin_id', v_checkin_id,
        -- A forced re-use is flagged for staff in the scan log, not in the answer.
        'flagged', CASE WHEN v_flagged AND v_status = 'ok' THEN true END));
    IF p_nonce IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO checkin_scans (event_id, list_id, nonce, ticket_id, checkin_id, status, answer,
                               received_at, scanned_at, gate, device_id, staff_user_id, forced,
                               flagged)
    VALUES (p_event_id, v_list.id, p_nonce, CASE WHEN v_found THEN v_ticket.id END,
            v_checkin_id, v_status, o_answer, v_now, p_scanned_at, p_gate, p_device_id,
            p_staff_id, p_force, v_flagged)
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


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PRIOR)
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS jobbforum_checkin_redeem(integer, text, text, text, "
                   "integer, text, timestamptz, boolean, integer, integer, text, text, text, "
                   "interval, timestamptz)")
        op.execute("DROP FUNCTION IF EXISTS jobbforum_checkin_prior(text, integer)")
