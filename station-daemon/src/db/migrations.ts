/** The station's own database: a replica of what it needs to decide offline, and its durable journal. */
export const STATION_MIGRATIONS: string[] = [
  `
  CREATE TABLE replica_patrons (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
  );
  CREATE TABLE replica_identifiers (
    value TEXT PRIMARY KEY,
    patron_id TEXT NOT NULL
  );
  CREATE TABLE replica_items (
    barcode TEXT PRIMARY KEY,
    data TEXT NOT NULL
  );
  CREATE TABLE replica_loans (
    barcode TEXT PRIMARY KEY,
    patron_id TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX replica_loans_patron ON replica_loans(patron_id);
  CREATE TABLE replica_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- Every transaction is written here before it is sent, and removed only when the server answered it.
  CREATE TABLE journal (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    request TEXT NOT NULL,
    offline INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  `,
];
