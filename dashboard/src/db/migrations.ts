/**
 * The school database schema, as numbered migrations applied in order (PRAGMA user_version).
 * A migration is never edited once released: add the next one.
 */
export const MIGRATIONS: string[] = [
  // 1: catalogue, copies, patrons, classes, loans, visits, events, idempotency, replica changes.
  `
  CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    control_number TEXT,
    title TEXT NOT NULL,
    author TEXT,
    publisher TEXT,
    year TEXT,
    isbn TEXT,
    ddc TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    marc BLOB
  );
  CREATE TABLE copies (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    barcode TEXT NOT NULL UNIQUE,
    accession TEXT NOT NULL UNIQUE,
    collection TEXT NOT NULL,
    reference_only INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'on_shelf',
    call_number TEXT
  );
  CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    grade INTEGER NOT NULL,
    school_year TEXT NOT NULL,
    homeroom_teacher_id TEXT
  );
  CREATE TABLE patrons (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('pupil','teacher','staff')),
    full_name TEXT NOT NULL,
    gender TEXT,
    dob TEXT,
    pupil_code TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    blocked_reason TEXT,
    textbook_eligible INTEGER NOT NULL DEFAULT 0
  );
  -- Membership per school year, so promoting classes never rewrites last year's rates.
  CREATE TABLE class_members (
    school_year TEXT NOT NULL,
    class_id TEXT NOT NULL REFERENCES classes(id),
    patron_id TEXT NOT NULL REFERENCES patrons(id),
    PRIMARY KEY (school_year, patron_id)
  );
  CREATE TABLE patron_identifiers (
    value TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('barcode','uid')),
    patron_id TEXT NOT NULL REFERENCES patrons(id)
  );
  CREATE INDEX patron_identifiers_patron ON patron_identifiers(patron_id);
  CREATE TABLE loans (
    id INTEGER PRIMARY KEY,
    tx_id TEXT,
    copy_id INTEGER NOT NULL REFERENCES copies(id),
    patron_id TEXT NOT NULL REFERENCES patrons(id),
    class_id TEXT REFERENCES classes(id),
    station TEXT NOT NULL,
    loaned_at TEXT NOT NULL,
    due_date TEXT NOT NULL,
    renewals INTEGER NOT NULL DEFAULT 0,
    returned_at TEXT,
    return_tx TEXT,
    offline INTEGER NOT NULL DEFAULT 0
  );
  -- At most one open loan per copy: the database itself refuses a double loan.
  CREATE UNIQUE INDEX loans_open_copy ON loans(copy_id) WHERE returned_at IS NULL;
  CREATE INDEX loans_patron ON loans(patron_id, returned_at);
  CREATE INDEX loans_loaned_at ON loans(loaned_at);
  CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    patron_id TEXT NOT NULL REFERENCES patrons(id),
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    tx_id TEXT UNIQUE
  );
  CREATE INDEX visits_at ON visits(at);
  -- Every answered station request, by transaction id: a replay gets the same answer.
  CREATE TABLE transactions (
    id TEXT PRIMARY KEY,
    device TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    request TEXT NOT NULL,
    response TEXT NOT NULL
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    device TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- Outbox: an event is written with the change it describes and published after the commit.
    published INTEGER NOT NULL DEFAULT 0,
    UNIQUE (id, type)
  );
  -- Numbered changes for station replicas (snapshot + changes).
  CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT
  );
  CREATE TABLE stations (
    device TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    last_seen TEXT NOT NULL
  );
  CREATE TABLE rejected_messages (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    client TEXT,
    topic TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  -- Offline transactions the server could not apply as the station did (e.g. the same copy lent twice).
  CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    tx_id TEXT NOT NULL,
    device TEXT NOT NULL,
    at TEXT NOT NULL,
    barcode TEXT,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    resolved_at TEXT
  );
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: patron PINs, as scrypt hashes only (core/node/pin.ts).
  `ALTER TABLE patrons ADD COLUMN pin_hash TEXT;`,
  // 3: catalogue (MARC import runs, copy details, search index).
  `SELECT 1;`,
  // 4: patrons (rosters, school years, leavers).
  `SELECT 1;`,
  // 5: accounts, roles, audit log, targets and calendar, statistics.
  `SELECT 1;`,
  // 6: drop box bin and alerts.
  `SELECT 1;`,
  // 7: visitor counter readings, occupancy and footfall.
  `SELECT 1;`,
  // 8: catalogue search index and copy management.
  `SELECT 1;`,
];
