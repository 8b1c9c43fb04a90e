public import CadenceCore
import Foundation
import GRDB

extension LedgerStore {
    /// Makes `robots` the group robots routing reads (the configuration's `robots.d`), in one
    /// transaction. Messages already in the outbox keep their robot.
    public func replaceRobots(_ robots: [RobotRoute]) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM robot")
            for robot in robots {
                try db.execute(
                    sql: """
                        INSERT INTO robot (name, channel, description, units, kinds, mention, maskNames)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        robot.name, robot.channel.rawValue, robot.description, robot.units.joined(separator: " "),
                        robot.kinds.map(\.rawValue).joined(separator: " "), robot.mention, robot.maskNames,
                    ])
            }
        }
    }

    /// The group robots in force, by name.
    public func robots() throws -> [RobotRoute] {
        try writer.read { db in try Self.robots(db) }
    }

    static func robots(_ db: Database) throws -> [RobotRoute] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM robot ORDER BY name")).map(robot)
    }

    static func robot(_ row: Row) -> RobotRoute {
        let units: String = row["units"]
        let kinds: String = row["kinds"]
        return RobotRoute(
            name: row["name"], channel: DeliveryChannel(rawValue: row["channel"]) ?? .dingtalk,
            description: row["description"], units: units.split(separator: " ").map(String.init),
            kinds: kinds.split(separator: " ").compactMap { NoticeKind(rawValue: String($0)) },
            mention: row["mention"], maskNames: row["maskNames"])
    }

    /// Puts one message per robot that takes the notice into the outbox (in the notice's transaction).
    static func routeToRobots(_ notice: Notice, _ db: Database) throws {
        let robots = try robots(db)
        guard !robots.isEmpty else { return }
        let units = notice.units ?? notice.unit.map { [$0] } ?? []
        let chains = try units.map { try unitChain($0, db) }
        for robot in robots where robot.takes(kind: notice.kind, unitChains: chains) {
            try db.cachedStatement(
                sql: """
                    INSERT INTO delivery (noticeKey, person, channel, address, createdAt, nextAttemptAt)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
            ).execute(
                arguments: [
                    notice.key, robot.name, robot.channel.rawValue, robot.name, notice.emittedAt.micros,
                    notice.emittedAt.micros,
                ])
        }
    }

    /// The unit and its parents, nearest first (at most 32: a loop in the tree cannot hang).
    static func unitChain(_ unit: String, _ db: Database) throws -> [String] {
        var chain = [unit]
        while chain.count < 32,
            let parent = try String.fetchOne(
                db.cachedStatement(sql: "SELECT parent FROM unit WHERE id = ?"), arguments: [chain.last!]),
            !chain.contains(parent)
        {
            chain.append(parent)
        }
        return chain
    }

    /// What a robot's message shows of people: the persons to @-mention (those of the notice's
    /// audience with a mobile, or a Feishu id on Feishu), and the names to mask in its text.
    static func robotAudience(_ notice: Notice, robot: RobotRoute, _ db: Database) throws
        -> (mentions: [String], names: [String])
    {
        var persons: [PersonRecord] = []
        var seen: Set<String> = []
        // A text that names nobody of the directory is a name as typed (a role held by 钱七).
        var names: [String] = []
        for text in try audienceTexts(notice, db) {
            guard let person = try resolvePerson(text, db) else {
                names.append(text)
                continue
            }
            if seen.insert(person.id).inserted { persons.append(person) }
        }
        names += persons.map(\.name)
        if robot.maskNames {
            // Names as the ledger holds them (an item's responsible person typed as a name not in
            // the directory) and every person of the directory the text may name.
            names += try String.fetchAll(db, sql: "SELECT name FROM person WHERE removedAt IS NULL")
            if let item = notice.item {
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT firstResponsible, mainResponsible, directResponsible FROM rectificationItem WHERE id = ?",
                    arguments: [item])
                for column in ["firstResponsible", "mainResponsible", "directResponsible"] {
                    if let text: String = row?[column], !text.hasPrefix("@") { names.append(text) }
                }
            }
        }
        guard robot.mention else { return ([], robot.maskNames ? names : []) }
        let mentions = persons.compactMap { robot.channel == .feishu ? $0.feishu : $0.mobile }
        return (mentions, robot.maskNames ? names : [])
    }
}
