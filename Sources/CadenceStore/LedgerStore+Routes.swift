public import CadenceCore
import Foundation
import GRDB

extension LedgerStore {
    /// Makes `routes` the routing rules routing reads (the configuration's `routes.d`), in one
    /// transaction. Messages already in the outbox stay as they are.
    public func replaceRoutes(_ routes: [NoticeRoute]) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM noticeRoute")
            for route in routes {
                try db.execute(
                    sql: """
                        INSERT INTO noticeRoute (name, description, kinds, units, levels, cadences, receivers)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        route.name, route.description, route.kinds.map(\.rawValue).joined(separator: " "),
                        route.units.joined(separator: " "), route.levels.map(\.rawValue).joined(separator: " "),
                        route.cadences.joined(separator: " "),
                        route.receivers.map(\.description).joined(separator: " "),
                    ])
            }
        }
    }

    /// The routing rules in force, by name.
    public func routes() throws -> [NoticeRoute] {
        try writer.read { db in try Self.routes(db) }
    }

    static func routes(_ db: Database) throws -> [NoticeRoute] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM noticeRoute ORDER BY name")).map { row in
            let words = { (column: String) in (row[column] as String).split(separator: " ").map(String.init) }
            var route = NoticeRoute(
                name: row["name"], description: row["description"],
                kinds: words("kinds").compactMap { NoticeKind(rawValue: $0) }, units: words("units"),
                receivers: words("receivers").compactMap { try? NoticeRoute.Receiver.parse($0).get() })
            route.levels = words("levels").compactMap { EscalationLevel(rawValue: $0) }
            route.cadences = words("cadences")
            return route
        }
    }

    /// The names (person ids or names) the office's rules add to a notice's audience.
    static func routedTexts(_ notice: Notice, _ db: Database) throws -> [String] {
        let routes = try routes(db)
        guard !routes.isEmpty else { return [] }
        let units = notice.units ?? notice.unit.map { [$0] } ?? []
        let chains = try units.map { try unitChain($0, db) }
        func holder(_ unit: String, _ role: UnitRole) throws -> String? { try roleHolder(unit, role, db) }
        var texts: [String] = []
        for route in routes
        where route.takes(kind: notice.kind, level: notice.level, cadence: notice.cadence, unitChains: chains) {
            for receiver in route.receivers {
                switch receiver {
                case .person(let person):
                    texts.append(person)
                case .role(let role):
                    for unit in units { if let person = try holder(unit, role) { texts.append(person) } }
                case .parentRole(let role):
                    for chain in chains where chain.count > 1 {
                        if let person = try holder(chain[1], role) { texts.append(person) }
                    }
                case .everyUnit(let kind, let role):
                    texts += try String.fetchAll(
                        db,
                        sql: """
                            SELECT r.person FROM roleAssignment r JOIN unit u ON u.id = r.unit
                            WHERE u.kind = ? AND r.role = ? AND r.until IS NULL AND u.removedAt IS NULL ORDER BY u.id
                            """,
                        arguments: [kind.rawValue, role.rawValue])
                }
            }
        }
        return texts
    }
}
