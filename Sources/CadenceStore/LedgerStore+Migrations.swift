import GRDB

extension LedgerStore {
    /// The schema. Shipped migrations are frozen: never edit one, append a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: ledger") { db in
            // Instants are integer microseconds since 1970 UTC.
            try db.execute(
                sql: """
                    CREATE TABLE occurrence (
                        id INTEGER PRIMARY KEY,
                        cadence TEXT NOT NULL,
                        period TEXT NOT NULL,
                        nominalAt INTEGER NOT NULL,
                        effectiveAt INTEGER NOT NULL,
                        recordedAt INTEGER NOT NULL,
                        late BOOLEAN NOT NULL,
                        noticeKey TEXT
                    );
                    CREATE UNIQUE INDEX occurrence_cadence_period ON occurrence(cadence, period);

                    CREATE TABLE notice (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        dueAt INTEGER NOT NULL,
                        emittedAt INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        file TEXT,
                        fileWritten BOOLEAN NOT NULL DEFAULT 0,
                        journalSent BOOLEAN NOT NULL DEFAULT 0
                    );
                    CREATE INDEX notice_undelivered ON notice(id) WHERE fileWritten = 0 OR journalSent = 0;

                    CREATE TABLE rectificationItem (
                        id INTEGER PRIMARY KEY,
                        unit TEXT NOT NULL,
                        title TEXT NOT NULL,
                        deadlineAt INTEGER NOT NULL,
                        state TEXT NOT NULL DEFAULT 'open',
                        createdAt INTEGER NOT NULL,
                        closedAt INTEGER,
                        nextEventAt INTEGER
                    );
                    CREATE INDEX rectificationItem_nextEvent ON rectificationItem(nextEventAt)
                        WHERE nextEventAt IS NOT NULL;
                    CREATE INDEX rectificationItem_openDeadline ON rectificationItem(deadlineAt)
                        WHERE closedAt IS NULL;
                    CREATE INDEX rectificationItem_unit ON rectificationItem(unit);

                    CREATE TABLE itemStage (
                        itemId INTEGER NOT NULL REFERENCES rectificationItem(id) ON DELETE CASCADE,
                        stage TEXT NOT NULL,
                        recordedAt INTEGER NOT NULL,
                        noticeKey TEXT,
                        PRIMARY KEY (itemId, stage)
                    ) WITHOUT ROWID;

                    CREATE TABLE daemonState (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: history") { db in
            // Append-only: who changed what, when. Rows are never updated or deleted.
            try db.execute(
                sql: """
                    CREATE TABLE historyEntry (
                        id INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        uid INTEGER NOT NULL,
                        user TEXT NOT NULL,
                        action TEXT NOT NULL,
                        itemId INTEGER,
                        details TEXT NOT NULL
                    );
                    CREATE TRIGGER historyEntry_noUpdate BEFORE UPDATE ON historyEntry
                        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
                    CREATE TRIGGER historyEntry_noDelete BEFORE DELETE ON historyEntry
                        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
                    """)
        }
        return migrator
    }
}
