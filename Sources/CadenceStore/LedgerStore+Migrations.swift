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
        migrator.registerMigration("v3: campaign") { db in
            // Units, roles over time, commitments and their evaluations, reviews held, information
            // reports, the month-end and period-end duty checks, and the full fields of an item (R16).
            try db.execute(
                sql: """
                    CREATE TABLE unit (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        parent TEXT REFERENCES unit(id) DEFERRABLE INITIALLY DEFERRED,
                        quota INTEGER,
                        specialty TEXT,
                        grade TEXT,
                        createdAt INTEGER NOT NULL,
                        removedAt INTEGER
                    );
                    CREATE INDEX unit_parent ON unit(parent);

                    CREATE TABLE roleAssignment (
                        id INTEGER PRIMARY KEY,
                        unit TEXT NOT NULL REFERENCES unit(id),
                        role TEXT NOT NULL,
                        person TEXT NOT NULL,
                        since INTEGER NOT NULL,
                        until INTEGER
                    );
                    CREATE UNIQUE INDEX roleAssignment_current ON roleAssignment(unit, role) WHERE until IS NULL;
                    CREATE INDEX roleAssignment_unit ON roleAssignment(unit, role, since);

                    CREATE TABLE commitment (
                        id INTEGER PRIMARY KEY,
                        unit TEXT NOT NULL REFERENCES unit(id),
                        member TEXT,
                        post TEXT,
                        direction TEXT,
                        year INTEGER NOT NULL,
                        text TEXT NOT NULL,
                        publishedOn TEXT,
                        createdAt INTEGER NOT NULL
                    );
                    CREATE INDEX commitment_unit ON commitment(unit, year);

                    CREATE TABLE commitmentEvaluation (
                        id INTEGER PRIMARY KEY,
                        commitmentId INTEGER NOT NULL REFERENCES commitment(id),
                        period TEXT NOT NULL,
                        status TEXT NOT NULL,
                        note TEXT,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX commitmentEvaluation_commitment ON commitmentEvaluation(commitmentId, id);

                    CREATE TABLE review (
                        id INTEGER PRIMARY KEY,
                        unit TEXT NOT NULL REFERENCES unit(id),
                        kind TEXT NOT NULL,
                        period TEXT NOT NULL,
                        heldOn TEXT NOT NULL,
                        form TEXT,
                        reviewer TEXT,
                        byUnit TEXT,
                        subject TEXT,
                        outcome TEXT,
                        override BOOLEAN NOT NULL DEFAULT 0,
                        recordedAt INTEGER NOT NULL
                    );
                    CREATE INDEX review_period ON review(kind, period, unit);
                    CREATE INDEX review_unit ON review(unit);

                    CREATE TABLE reportSubmission (
                        id INTEGER PRIMARY KEY,
                        unit TEXT NOT NULL REFERENCES unit(id),
                        month TEXT NOT NULL,
                        submittedOn TEXT NOT NULL,
                        title TEXT NOT NULL,
                        liaison TEXT,
                        recipient TEXT,
                        recordedAt INTEGER NOT NULL
                    );
                    CREATE INDEX reportSubmission_month ON reportSubmission(month, unit);

                    CREATE TABLE dutyCheck (
                        cadence TEXT NOT NULL,
                        period TEXT NOT NULL,
                        checkedAt INTEGER NOT NULL,
                        findings INTEGER NOT NULL,
                        noticeKey TEXT,
                        PRIMARY KEY (cadence, period)
                    ) WITHOUT ROWID;

                    ALTER TABLE historyEntry ADD COLUMN unit TEXT;
                    CREATE INDEX historyEntry_item ON historyEntry(itemId) WHERE itemId IS NOT NULL;

                    ALTER TABLE rectificationItem ADD COLUMN source TEXT NOT NULL DEFAULT 'self-examination';
                    ALTER TABLE rectificationItem ADD COLUMN category TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN scope TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN urgency TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN difficulty TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN measures TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN acceptance TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN firstResponsible TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN mainResponsible TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN directResponsible TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN round INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE rectificationItem ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT 0;
                    ALTER TABLE rectificationItem ADD COLUMN originalDeadlineAt INTEGER;
                    ALTER TABLE rectificationItem ADD COLUMN plan TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN explanation TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN referredTo TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN rectifiedAt INTEGER;
                    ALTER TABLE rectificationItem ADD COLUMN verifiedBy TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN note TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN origin TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN linkedItem INTEGER;
                    CREATE UNIQUE INDEX rectificationItem_origin ON rectificationItem(origin) WHERE origin IS NOT NULL;
                    CREATE INDEX rectificationItem_unitDeadline ON rectificationItem(unit, deadlineAt, id);
                    DROP INDEX rectificationItem_unit;

                    -- Units named by items of an older ledger become units of kind 'other'.
                    INSERT INTO unit (id, name, kind, createdAt)
                        SELECT DISTINCT unit, unit, 'other', MIN(createdAt) FROM rectificationItem GROUP BY unit;
                    UPDATE rectificationItem SET firstResponsible = '@first' WHERE firstResponsible IS NULL;
                    """)
        }
        migrator.registerMigration("v4: duties by cadence, dates as typed, import keys, verifiers") { db in
            try db.execute(
                sql: """
                    -- The cadence a review was recorded for (NULL in older ledgers: matched by kind).
                    ALTER TABLE review ADD COLUMN cadence TEXT;
                    CREATE INDEX review_cadence ON review(cadence, period, unit) WHERE cadence IS NOT NULL;

                    -- A deadline typed as a date (YYYY-MM-DD) keeps it: shown and exported as typed.
                    ALTER TABLE rectificationItem ADD COLUMN deadlineDate TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN originalDeadlineDate TEXT;
                    -- An imported row's key (unit, then its 序号/编号 or its content): imported once.
                    ALTER TABLE rectificationItem ADD COLUMN importKey TEXT;
                    CREATE UNIQUE INDEX rectificationItem_importKey ON rectificationItem(importKey)
                        WHERE importKey IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v5: people and the outbox") { db in
            try db.execute(
                sql: """
                    -- The office's directory: who can be reached, and how.
                    CREATE TABLE person (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        unit TEXT,
                        mobile TEXT,
                        email TEXT,
                        dingtalk TEXT,
                        wecom TEXT,
                        feishu TEXT,
                        account TEXT,
                        createdAt INTEGER NOT NULL,
                        removedAt INTEGER
                    );
                    CREATE INDEX person_name ON person(name) WHERE removedAt IS NULL;
                    CREATE UNIQUE INDEX person_account ON person(account) WHERE account IS NOT NULL AND removedAt IS NULL;

                    -- The outbox: one message per (notice, person, channel), stored in the notice's
                    -- own transaction; the delivery service sends it and reports back.
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY,
                        noticeKey TEXT NOT NULL REFERENCES notice(key),
                        person TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        address TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'waiting',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        createdAt INTEGER NOT NULL,
                        nextAttemptAt INTEGER,
                        sentAt INTEGER,
                        lastError TEXT,
                        UNIQUE (noticeKey, person, channel)
                    );
                    CREATE INDEX delivery_waiting ON delivery(nextAttemptAt) WHERE state = 'waiting';
                    """)
        }
        migrator.registerMigration("v6: group robots") { db in
            try db.execute(
                sql: """
                    -- The group robots of the configuration in force (robots.d), as routing reads them
                    -- in each notice's transaction; replaced at each start and reload. Units and kinds
                    -- are space-separated. An outbox row for a robot names it in delivery.person.
                    CREATE TABLE robot (
                        name TEXT PRIMARY KEY,
                        channel TEXT NOT NULL,
                        description TEXT,
                        units TEXT NOT NULL,
                        kinds TEXT NOT NULL,
                        mention INTEGER NOT NULL,
                        maskNames INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v7: several holders of member roles") { db in
            try db.execute(
                sql: """
                    -- One holder at a time of a unit's single roles; a leading group's deputies and
                    -- members and a unit's inspectors may be several, each person once.
                    DROP INDEX roleAssignment_current;
                    CREATE UNIQUE INDEX roleAssignment_current ON roleAssignment(unit, role)
                        WHERE until IS NULL AND role NOT IN ('group-deputy', 'group-member', 'inspector');
                    CREATE UNIQUE INDEX roleAssignment_member ON roleAssignment(unit, role, person) WHERE until IS NULL;
                    """)
        }
        migrator.registerMigration("v8: appraisals and replies") { db in
            try db.execute(
                sql: """
                    -- The public appraisal (a review of kind appraisal) an item was found by (R23).
                    ALTER TABLE rectificationItem ADD COLUMN appraisal INTEGER;
                    -- A complaint is answered before it is closed, by a deadline of its own (R23).
                    ALTER TABLE rectificationItem ADD COLUMN reply TEXT;
                    ALTER TABLE rectificationItem ADD COLUMN repliedAt INTEGER;
                    ALTER TABLE rectificationItem ADD COLUMN replyDueAt INTEGER;
                    -- What a public appraisal found (R12): forms returned, of them satisfied; members
                    -- of the unit, of them appraised.
                    ALTER TABLE review ADD COLUMN formsReturned INTEGER;
                    ALTER TABLE review ADD COLUMN satisfied INTEGER;
                    ALTER TABLE review ADD COLUMN members INTEGER;
                    ALTER TABLE review ADD COLUMN membersAppraised INTEGER;
                    """)
        }
        // No table changes: item stages may now be reminders (`remind-overdue-2`), which an older
        // cadenced would take for a damaged ledger. With this step it says the ledger is newer.
        migrator.registerMigration("v9: overdue reminders") { _ in }
        migrator.registerMigration("v10: routing rules") { db in
            try db.execute(
                sql: """
                    -- The office's routing rules (routes.d), as the configuration in force has them:
                    -- routing reads them in the notice's transaction.
                    CREATE TABLE noticeRoute (
                        name TEXT PRIMARY KEY,
                        description TEXT,
                        kinds TEXT NOT NULL,
                        units TEXT NOT NULL,
                        levels TEXT NOT NULL,
                        cadences TEXT NOT NULL,
                        receivers TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v11: deliverables handed in") { db in
            try db.execute(
                sql: """
                    -- A campaign plan's deliverable (plans.d) handed in by a unit (R6): once each.
                    CREATE TABLE handIn (
                        plan TEXT NOT NULL,
                        deliverable TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        handedOn TEXT NOT NULL,
                        note TEXT,
                        recordedAt INTEGER NOT NULL,
                        PRIMARY KEY (plan, deliverable, unit)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v12: counts recorded") { db in
            try db.execute(
                sql: """
                    -- What a unit did towards a plan's yearly quota or range (R10, R11): a drill
                    -- held, an exemplar named, training days, a demonstration site designated.
                    CREATE TABLE countRecord (
                        id INTEGER PRIMARY KEY,
                        plan TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        day TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        note TEXT,
                        recordedAt INTEGER NOT NULL
                    );
                    CREATE INDEX countRecordByRule ON countRecord (plan, rule, day);
                    """)
        }
        migrator.registerMigration("v13: problems a review missed") { db in
            try db.execute(
                sql: """
                    -- The review or inspection (a review's id) that did not find an item's problem (R21).
                    ALTER TABLE rectificationItem ADD COLUMN missedBy INTEGER;
                    """)
        }
        migrator.registerMigration("v14: a unit's regional holidays") { db in
            try db.execute(
                sql: """
                    -- The regional holiday file (Regional= of cadenced.conf) whose days off the unit keeps (R28).
                    ALTER TABLE unit ADD COLUMN holidays TEXT;
                    """)
        }
        migrator.registerMigration("v15: items by when they were opened and closed") { db in
            try db.execute(
                sql: """
                    -- A year's evaluation reads the items of its year and those still open in it, not
                    -- ten years of closed ones (R15).
                    CREATE INDEX rectificationItem_created ON rectificationItem(createdAt);
                    -- Closed ones only: a query of the open items keeps rectificationItem_openDeadline.
                    CREATE INDEX rectificationItem_closed ON rectificationItem(closedAt) WHERE closedAt IS NOT NULL;
                    """)
        }
        return migrator
    }
}
