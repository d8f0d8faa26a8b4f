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
  `
  -- Every catalogue (or other) import, with the report the librarian saw: counts and, as JSON,
  -- each rejected or repaired record with its position and reason.
  CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT,
    format TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running','done','cancelled','failed')),
    read INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    copies_added INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    by_user TEXT,
    report TEXT
  );
  -- The bytes a record was imported from, when they differ from the stored (UTF-8, NFC) record:
  -- a MARC-8 original, a repaired one. Nothing the librarian brought is lost.
  ALTER TABLE records ADD COLUMN marc_source BLOB;
  -- Price of the copy in đồng, from the holdings field (952 $g or $v) or typed in.
  ALTER TABLE copies ADD COLUMN price INTEGER;
  CREATE INDEX records_control_number ON records(control_number);
  CREATE INDEX records_isbn ON records(isbn);
  `,
  // 4: patrons (rosters, school years, leavers).
  `
  ALTER TABLE patrons ADD COLUMN left_at TEXT;
  ALTER TABLE patrons ADD COLUMN imported_at TEXT;
  CREATE UNIQUE INDEX classes_year_name ON classes(school_year, name);
  CREATE INDEX class_members_class ON class_members(class_id, school_year);
  CREATE INDEX patrons_pupil_code ON patrons(pupil_code);
  -- Year-end promotions done, so one is never run twice.
  CREATE TABLE school_years (name TEXT PRIMARY KEY, promoted_from TEXT, promoted_at TEXT);
  -- Each applied roster import and its summary, for the librarian's record.
  CREATE TABLE roster_imports (id INTEGER PRIMARY KEY, at TEXT NOT NULL, file TEXT, school_year TEXT NOT NULL, summary TEXT NOT NULL);
  `,
  // 5: accounts, roles, audit log, targets and calendar, statistics.
  `
  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin','librarian','viewer')),
    -- A one-time password (the first admin, a reset): the account can do nothing else until changed.
    must_change INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  -- Server-side sessions, so a logout, a disabled account or a new password ends them at once.
  -- The cookie holds a random token; only its SHA-256 is stored.
  CREATE TABLE auth_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX auth_sessions_account ON auth_sessions(account_id);
  -- Who looked at which pupil's loan history, and other acts worth answering for.
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account TEXT NOT NULL,
    action TEXT NOT NULL,
    patron_id TEXT,
    detail TEXT
  );
  CREATE INDEX audit_log_patron ON audit_log(patron_id, at);
  -- School settings edited in the dashboard (targets, retention), JSON values by key.
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- A class's reading period at the library (2 per class per semester is the target).
  CREATE TABLE reading_periods (
    id INTEGER PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id),
    school_year TEXT NOT NULL,
    day TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (class_id, day)
  );
  -- Per patron and school-local day with a visit or a loan: how many of each, and loans_cum, the
  -- patron's loans up to and including that day. Kept by the triggers below as visits and loans are
  -- written, so a rate reads three index seeks per patron (any row in the range; the running total
  -- at both ends) instead of the raw tables; and it survives the anonymisation of old loans (which
  -- rewrites loans, not this).
  CREATE TABLE patron_activity (
    patron_id TEXT NOT NULL,
    day TEXT NOT NULL,
    visits INTEGER NOT NULL DEFAULT 0,
    loans INTEGER NOT NULL DEFAULT 0,
    loans_cum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (patron_id, day)
  ) WITHOUT ROWID;
  -- Days are school-local: Vietnam is UTC+07:00 all year (core/demo-calendar.ts). A new day's row
  -- starts from the running total of the patron's previous row.
  CREATE TRIGGER visits_activity AFTER INSERT ON visits BEGIN
    INSERT INTO patron_activity (patron_id, day, visits, loans_cum)
      VALUES (NEW.patron_id, date(NEW.at, '+420 minutes'), 1, COALESCE((
        SELECT loans_cum FROM patron_activity WHERE patron_id = NEW.patron_id AND day < date(NEW.at, '+420 minutes') ORDER BY day DESC LIMIT 1), 0))
      ON CONFLICT (patron_id, day) DO UPDATE SET visits = visits + 1;
  END;
  -- A loan adds one to its day and to the running total of that day and every later one (usually
  -- none: loans are written on the day; an offline replay may land a day or two back).
  CREATE TRIGGER loans_activity AFTER INSERT ON loans BEGIN
    INSERT INTO patron_activity (patron_id, day, loans_cum)
      VALUES (NEW.patron_id, date(NEW.loaned_at, '+420 minutes'), COALESCE((
        SELECT loans_cum FROM patron_activity WHERE patron_id = NEW.patron_id AND day < date(NEW.loaned_at, '+420 minutes') ORDER BY day DESC LIMIT 1), 0))
      ON CONFLICT (patron_id, day) DO NOTHING;
    UPDATE patron_activity SET loans = loans + 1 WHERE patron_id = NEW.patron_id AND day = date(NEW.loaned_at, '+420 minutes');
    UPDATE patron_activity SET loans_cum = loans_cum + 1 WHERE patron_id = NEW.patron_id AND day >= date(NEW.loaned_at, '+420 minutes');
  END;
  INSERT INTO patron_activity (patron_id, day, visits, loans, loans_cum)
    SELECT patron_id, day, v, l, SUM(l) OVER (PARTITION BY patron_id ORDER BY day) FROM (
      SELECT patron_id, day, SUM(v) AS v, SUM(l) AS l FROM (
        SELECT patron_id, date(at, '+420 minutes') AS day, 1 AS v, 0 AS l FROM visits
        UNION ALL
        SELECT patron_id, date(loaned_at, '+420 minutes'), 0, 1 FROM loans
      ) GROUP BY patron_id, day
    );
  -- Retention: a returned loan older than the school's limit loses its patron (replaced by this
  -- placeholder) but keeps the class and grade it was made in, for the statistics.
  INSERT INTO patrons (id, kind, full_name, active) VALUES ('anonymous', 'pupil', '(ẩn danh / anonymised)', 0);
  ALTER TABLE loans ADD COLUMN anonymised_at TEXT;
  ALTER TABLE loans ADD COLUMN stat_class_id TEXT;
  ALTER TABLE loans ADD COLUMN stat_grade INTEGER;
  ALTER TABLE loans ADD COLUMN stat_kind TEXT;
  CREATE INDEX loans_returned_at ON loans(returned_at) WHERE returned_at IS NOT NULL AND anonymised_at IS NULL;
  CREATE INDEX loans_open_due ON loans(due_date) WHERE returned_at IS NULL;
  `,
  // 6: drop box bin and alerts.
  `
  -- The latest bin state each drop box published (retained on the broker), and who emptied it when.
  CREATE TABLE dropbox_bins (
    device TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE dropbox_emptied (
    id TEXT PRIMARY KEY,
    device TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    -- The count the bin showed when the librarian pressed the button.
    count INTEGER
  );
  CREATE INDEX dropbox_emptied_device ON dropbox_emptied(device, at);
  `,
  // 7: visitor counter readings, occupancy and footfall (dashboard/src/occupancy/).
  `
  -- Every reading a door counter published. Counts are cumulative since the counter's boot; the
  -- deltas are the people since the previous reading of that device (the whole counts after a reboot).
  CREATE TABLE counter_readings (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    -- The counter's clock (SNTP), UTC ISO; the server's receive time when the two differ by > 10 min.
    at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    in_total INTEGER NOT NULL,
    out_total INTEGER NOT NULL,
    in_delta INTEGER NOT NULL,
    out_delta INTEGER NOT NULL,
    -- The reset that closed the period this reading belongs to; NULL while the period is open.
    reset_id INTEGER REFERENCES occupancy_resets(id),
    UNIQUE (device, boot, seq)
  );
  CREATE INDEX counter_readings_at ON counter_readings(at);
  CREATE INDEX counter_readings_open ON counter_readings(reset_id);
  -- The daily reset at closing time: occupancy starts again at 0; drift = in - out of the period
  -- (people the counter thinks are still inside an empty room).
  CREATE TABLE occupancy_resets (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('closing')),
    in_count INTEGER NOT NULL,
    out_count INTEGER NOT NULL,
    drift INTEGER NOT NULL
  );
  `,
  // 8: catalogue search index and copy management.
  // catalogue_fts holds, per record (rowid = records.id), the text the librarian searches: title,
  // author, the folded search_text the seed and importer write (title, author, subjects…), and the
  // ISBN without hyphens. FTS5's unicode61 folds case and tone marks but not đ, so đ/Đ (and ð,
  // CP1258 read as CP1252) become d here. Triggers on records keep it in step whoever writes them
  // (seed, MARC import, dashboard). Barcodes and accession numbers are searched on the copies'
  // own unique indexes, so adding or lending a copy costs the index nothing.
  `
  ALTER TABLE copies ADD COLUMN source TEXT CHECK (source IN ('bought','donated','exchanged'));
  ALTER TABLE copies ADD COLUMN added_at TEXT;
  ALTER TABLE copies ADD COLUMN status_note TEXT;
  CREATE INDEX IF NOT EXISTS copies_record ON copies(record_id);
  CREATE INDEX IF NOT EXISTS records_ddc ON records(ddc);
  -- ISBNs as typed or scanned (no hyphens or spaces): exact and prefix look-ups on a B-tree.
  CREATE INDEX records_isbn_compact ON records(upper(replace(replace(isbn, '-', ''), ' ', '')));
  CREATE VIRTUAL TABLE catalogue_fts USING fts5(
    title, author, body, isbn,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
  );
  -- Title words weigh most, then author, ISBN, then the rest.
  INSERT INTO catalogue_fts (catalogue_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0, 2.0)');
  CREATE TRIGGER catalogue_fts_records_ai AFTER INSERT ON records BEGIN
    INSERT INTO catalogue_fts (rowid, title, author, body, isbn)
      VALUES (new.id, replace(replace(replace(coalesce(new.title, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), replace(replace(replace(coalesce(new.author, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'),
        replace(replace(replace(coalesce(new.search_text, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), replace(replace(coalesce(new.isbn, ''), '-', ''), ' ', ''));
  END;
  CREATE TRIGGER catalogue_fts_records_au AFTER UPDATE OF id, title, author, search_text, isbn ON records BEGIN
    DELETE FROM catalogue_fts WHERE rowid = old.id;
    INSERT INTO catalogue_fts (rowid, title, author, body, isbn)
      VALUES (new.id, replace(replace(replace(coalesce(new.title, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), replace(replace(replace(coalesce(new.author, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'),
        replace(replace(replace(coalesce(new.search_text, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), replace(replace(coalesce(new.isbn, ''), '-', ''), ' ', ''));
  END;
  CREATE TRIGGER catalogue_fts_records_ad AFTER DELETE ON records BEGIN
    DELETE FROM catalogue_fts WHERE rowid = old.id;
  END;
  INSERT INTO catalogue_fts (rowid, title, author, body, isbn)
    SELECT r.id, replace(replace(replace(coalesce(r.title, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), replace(replace(replace(coalesce(r.author, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'),
      replace(replace(replace(coalesce(r.search_text, ''), 'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), replace(replace(coalesce(r.isbn, ''), '-', ''), ' ', '')
    FROM records r;
  `,
  // 9: station credentials (dashboard/src/stations/): each station's broker login, managed from the
  // dashboard. Only hashes: scrypt for the embedded broker, and Mosquitto's own $7$ line for schools
  // running Mosquitto (both made when the password is generated, the only moment it is known).
  `
  CREATE TABLE station_credentials (
    device TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    mosquitto_hash TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL CHECK (source IN ('config','dashboard')),
    created_at TEXT NOT NULL,
    replaced_at TEXT,
    revoked_at TEXT
  );
  CREATE INDEX IF NOT EXISTS transactions_device_at ON transactions(device, at);
  -- The loans a transaction made (the transactions view counts them per row).
  CREATE INDEX IF NOT EXISTS loans_tx ON loans(tx_id);
  `,
];
