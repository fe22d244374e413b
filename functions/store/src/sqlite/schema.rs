//! The SQLite schema, as numbered migrations applied in order at open (`PRAGMA user_version`
//! records the last one applied). A migration is never edited once released: add a new one.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r#"
CREATE TABLE idempotency (
    key            TEXT PRIMARY KEY,
    operation      TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    response       TEXT NOT NULL,
    at             INTEGER NOT NULL
);

CREATE TABLE audit_log (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    seq      INTEGER NOT NULL UNIQUE,
    hash     TEXT NOT NULL,
    doc      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE trees (
    kind      TEXT NOT NULL CHECK (kind IN ('frame', 'pool')),
    root      TEXT NOT NULL,
    size      INTEGER NOT NULL,
    chunks    INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    PRIMARY KEY (kind, root)
);
CREATE TABLE tree_chunks (
    kind TEXT NOT NULL,
    root TEXT NOT NULL,
    n    INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (kind, root, n),
    FOREIGN KEY (kind, root) REFERENCES trees (kind, root)
) WITHOUT ROWID;

CREATE TABLE snapshots (
    kind      TEXT NOT NULL,
    number    INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    records   INTEGER NOT NULL,
    chunks    INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    PRIMARY KEY (kind, number)
);
CREATE TABLE snapshot_chunks (
    kind   TEXT NOT NULL,
    number INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (kind, number, n),
    FOREIGN KEY (kind, number) REFERENCES snapshots (kind, number)
) WITHOUT ROWID;

CREATE TABLE plans (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    state           TEXT NOT NULL,
    planned_draw_at INTEGER NOT NULL,
    doc             TEXT NOT NULL
);
CREATE TABLE commitments (
    plan_id TEXT PRIMARY KEY REFERENCES plans (id),
    hash    TEXT NOT NULL,
    doc     TEXT NOT NULL
);
CREATE TABLE transcripts (
    plan_id TEXT PRIMARY KEY REFERENCES commitments (plan_id),
    digest  TEXT NOT NULL,
    doc     TEXT NOT NULL
);
CREATE TABLE results (
    plan_id TEXT NOT NULL REFERENCES transcripts (plan_id),
    target  TEXT NOT NULL,
    doc     TEXT NOT NULL,
    PRIMARY KEY (plan_id, target)
);
CREATE TABLE penalties (
    number     TEXT PRIMARY KEY,
    decided_on TEXT NOT NULL,
    doc        TEXT NOT NULL
);
CREATE TABLE penalty_changes (
    number TEXT NOT NULL REFERENCES penalties (number),
    seq    INTEGER NOT NULL,
    doc    TEXT NOT NULL,
    PRIMARY KEY (number, seq)
);
CREATE TABLE publications (
    id       TEXT PRIMARY KEY,
    state    TEXT NOT NULL,
    deadline TEXT,
    version  INTEGER NOT NULL,
    doc      TEXT NOT NULL
);
CREATE INDEX publications_by_deadline ON publications (deadline, id);

-- Append-only tables: the storage refuses updates and deletes (defence in depth; the audit
-- chain detects tampering that bypasses this).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER trees_no_update BEFORE UPDATE ON trees BEGIN SELECT RAISE(ABORT, 'trees are immutable'); END;
CREATE TRIGGER trees_no_delete BEFORE DELETE ON trees BEGIN SELECT RAISE(ABORT, 'trees are immutable'); END;
CREATE TRIGGER tree_chunks_no_update BEFORE UPDATE ON tree_chunks BEGIN SELECT RAISE(ABORT, 'trees are immutable'); END;
CREATE TRIGGER tree_chunks_no_delete BEFORE DELETE ON tree_chunks BEGIN SELECT RAISE(ABORT, 'trees are immutable'); END;
CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
CREATE TRIGGER snapshot_chunks_no_update BEFORE UPDATE ON snapshot_chunks BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
CREATE TRIGGER snapshot_chunks_no_delete BEFORE DELETE ON snapshot_chunks BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
CREATE TRIGGER commitments_no_update BEFORE UPDATE ON commitments BEGIN SELECT RAISE(ABORT, 'commitments are immutable'); END;
CREATE TRIGGER commitments_no_delete BEFORE DELETE ON commitments BEGIN SELECT RAISE(ABORT, 'commitments are immutable'); END;
CREATE TRIGGER transcripts_no_update BEFORE UPDATE ON transcripts BEGIN SELECT RAISE(ABORT, 'transcripts are immutable'); END;
CREATE TRIGGER transcripts_no_delete BEFORE DELETE ON transcripts BEGIN SELECT RAISE(ABORT, 'transcripts are immutable'); END;
CREATE TRIGGER results_no_update BEFORE UPDATE ON results BEGIN SELECT RAISE(ABORT, 'results are immutable'); END;
CREATE TRIGGER results_no_delete BEFORE DELETE ON results BEGIN SELECT RAISE(ABORT, 'results are immutable'); END;
CREATE TRIGGER penalties_no_update BEFORE UPDATE ON penalties BEGIN SELECT RAISE(ABORT, 'penalty decisions are immutable'); END;
CREATE TRIGGER penalties_no_delete BEFORE DELETE ON penalties BEGIN SELECT RAISE(ABORT, 'penalty decisions are immutable'); END;
CREATE TRIGGER penalty_changes_no_update BEFORE UPDATE ON penalty_changes BEGIN SELECT RAISE(ABORT, 'penalty changes are append-only'); END;
CREATE TRIGGER penalty_changes_no_delete BEFORE DELETE ON penalty_changes BEGIN SELECT RAISE(ABORT, 'penalty changes are append-only'); END;
CREATE TRIGGER publications_no_delete BEFORE DELETE ON publications BEGIN SELECT RAISE(ABORT, 'publications are never deleted'); END;
CREATE TRIGGER publications_final BEFORE UPDATE ON publications WHEN OLD.state IN ('withdrawn', 'expired')
    BEGIN SELECT RAISE(ABORT, 'a withdrawn or expired publication is final'); END;
CREATE TRIGGER plans_no_delete BEFORE DELETE ON plans BEGIN SELECT RAISE(ABORT, 'plans are never deleted'); END;
CREATE TRIGGER plans_final BEFORE UPDATE ON plans WHEN OLD.state IN ('drawn', 'cancelled')
    BEGIN SELECT RAISE(ABORT, 'a drawn or cancelled plan is final'); END;
"#,
    // 2: approvals before publication. Results and decisions stored before this migration have
    // no row: they were entered when entering was approving, and stay publishable.
    r#"
CREATE TABLE approvals (
    id       TEXT PRIMARY KEY,
    approved INTEGER NOT NULL,
    doc      TEXT NOT NULL
);
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals BEGIN SELECT RAISE(ABORT, 'approvals are never deleted'); END;
CREATE TRIGGER approvals_final BEFORE UPDATE ON approvals WHEN OLD.approved = 1
    BEGIN SELECT RAISE(ABORT, 'an approval is final'); END;
"#,
    // 3: RFC 3161 time-stamp records of commitments, one per plan and authority; an obtained
    // token is final.
    r#"
CREATE TABLE timestamps (
    plan_id   TEXT NOT NULL REFERENCES commitments (plan_id),
    authority TEXT NOT NULL,
    status    TEXT NOT NULL,
    doc       TEXT NOT NULL,
    PRIMARY KEY (plan_id, authority)
);
CREATE TRIGGER timestamps_no_delete BEFORE DELETE ON timestamps BEGIN SELECT RAISE(ABORT, 'time-stamp records are never deleted'); END;
CREATE TRIGGER timestamps_final BEFORE UPDATE ON timestamps WHEN OLD.status = 'obtained'
    BEGIN SELECT RAISE(ABORT, 'an obtained time-stamp token is final'); END;
"#,
    // 4: drafts. A result or decision awaiting approval (its approval row not approved) may be
    // amended or withdrawn by its author; once approved, or entered before approvals existed (no
    // approval row), it stays immutable. An approval row is deleted only with its withdrawn draft.
    r#"
DROP TRIGGER results_no_update;
DROP TRIGGER results_no_delete;
CREATE TRIGGER results_no_update BEFORE UPDATE ON results
    WHEN NOT EXISTS (SELECT 1 FROM approvals WHERE approved = 0
                     AND id = 'check-result:' || OLD.plan_id || '/' || OLD.target)
    BEGIN SELECT RAISE(ABORT, 'results are immutable once approved'); END;
CREATE TRIGGER results_no_delete BEFORE DELETE ON results
    WHEN NOT EXISTS (SELECT 1 FROM approvals WHERE approved = 0
                     AND id = 'check-result:' || OLD.plan_id || '/' || OLD.target)
    BEGIN SELECT RAISE(ABORT, 'results are immutable once approved'); END;
DROP TRIGGER penalties_no_update;
DROP TRIGGER penalties_no_delete;
CREATE TRIGGER penalties_no_update BEFORE UPDATE ON penalties
    WHEN NOT EXISTS (SELECT 1 FROM approvals WHERE approved = 0
                     AND id = 'penalty-decision:' || OLD.number)
    BEGIN SELECT RAISE(ABORT, 'penalty decisions are immutable once approved'); END;
CREATE TRIGGER penalties_no_delete BEFORE DELETE ON penalties
    WHEN NOT EXISTS (SELECT 1 FROM approvals WHERE approved = 0
                     AND id = 'penalty-decision:' || OLD.number)
    BEGIN SELECT RAISE(ABORT, 'penalty decisions are immutable once approved'); END;
DROP TRIGGER approvals_no_delete;
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals WHEN OLD.approved = 1
    BEGIN SELECT RAISE(ABORT, 'an approval is final'); END;
"#,
];
