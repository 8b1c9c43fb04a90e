import CadenceConfiguration
import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl units …`: the organisational tree.
struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units", abstract: "Add, list, show, correct and remove organisational units.",
        discussion: """
            Kinds: bureau, county-bureau, city-direct, district, township, village, party-committee, \
            branch, department, other. The monthly information-report quota defaults by kind \
            (county-bureau 4, city-direct 2, others 0); --quota sets a unit's own.

            Examples:
              cadencectl units add city --name '示例市卫生局' --kind bureau
              cadencectl units add county-a --name '示例县卫生局' --kind county-bureau --parent city --liaison 'Wang Wu'
              cadencectl units list --parent city
            """,
        subcommands: [Add.self, List.self, Show.self, Edit.self, Remove.self], defaultSubcommand: List.self)

    static let columns: [(header: String, key: String)] = [
        ("ID", "id"), ("NAME", "name"), ("KIND", "kind"), ("PARENT", "parent"), ("QUOTA", "quota"),
        ("LIAISON", "liaison"),
    ]

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a unit (needs write access).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Its id: no spaces or '/', as used on the command line.") var id: String
        @Option(help: "Its name.") var name: String
        @Option(help: "Its kind.") var kind: UnitKind
        @Option(help: "The parent unit's id.") var parent: String?
        @Option(help: "Information reports owed per month (default by kind).") var quota: Int?
        @Option(help: "Specialty line.") var specialty: String?
        @Option(help: "Grade.") var grade: String?
        @Option(help: "The liaison officer.") var liaison: String?
        @Option(help: "The regional holiday file whose days off it keeps too (Regional= of cadenced.conf).")
        var holidays: String?
        @Flag(help: "Print the unit as JSON.") var json = false

        func run() throws {
            let call = AddUnitCall {
                ($0.id, $0.name, $0.kind, $0.parent, $0.quota) = (id, name, kind, parent, quota)
                ($0.specialty, $0.grade, $0.liaison, $0.holidays) = (specialty, grade, liaison, holidays)
            }
            let unit = try socket.call(call)["unit"] as? [String: Any] ?? [:]
            print(json ? jsonLine(unit) : "Added unit \(id).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units by id.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only the sub-units of this unit.") var parent: String?
        @Flag(help: "Include removed units.") var all = false
        @Flag(help: "Print one JSON object per unit.") var json = false

        func run() throws {
            let call = ListUnitsCall { ($0.parent, $0.includeRemoved) = (parent, all) }
            let units = try socket.call(call)["units"] as? [[String: Any]] ?? []
            printList(units, UnitsCommand.columns, json: json, footer: "\(units.count) units.")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a unit, its sub-units and its roles.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var id: String
        @Flag(help: "Print the unit as JSON.") var json = false

        func run() throws {
            let reply = try socket.call(GetUnitCall { $0.id = id })
            let unit = reply["unit"] as? [String: Any] ?? [:]
            if json {
                var object = unit
                object["children"] = reply["children"]
                print(jsonLine(object))
                return
            }
            printRecord(
                unit,
                [
                    ("Unit", "id"), ("Name", "name"), ("Kind", "kind"), ("Parent", "parent"),
                    ("Monthly quota", "quota"), ("Specialty", "specialty"), ("Grade", "grade"),
                    ("Liaison", "liaison"), ("Removed", "removed"),
                ])
            print("Sub-units".padding(toLength: 15, withPad: " ", startingAt: 0) + display(reply["children"] ?? []))
            let roles = try socket.call(ListRolesCall { $0.unit = id })["roles"] as? [[String: Any]] ?? []
            if !roles.isEmpty {
                print("\nRoles:")
                printList(roles, [("ROLE", "role"), ("PERSON", "person"), ("SINCE", "since")], json: false)
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a unit's name, kind, quota or place in the tree (needs write access).",
            discussion: """
                --reason is required and kept in the history with each change. A move (--parent, or \
                --top-level) keeps the unit's items, reviews and reports; a unit cannot move under one \
                of its own sub-units. The liaison is a role: cadencectl role assign UNIT liaison PERSON.

                Examples:
                  cadencectl units edit county-a --name '示例县卫生健康局' --reason '机构改革更名'
                  cadencectl units edit clinic-3 --parent county-b --reason '划归乙县'
                  cadencectl units edit county-k --holidays cn-xinjiang --reason '执行自治区节假日'
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var id: String
        @Option(help: "Why it is corrected (kept in the history).") var reason: String
        @Option(help: "Its name.") var name: String?
        @Option(help: "Its kind.") var kind: UnitKind?
        @Option(help: "The unit it belongs to.") var parent: String?
        @Flag(help: "Move it to the top of the tree.") var topLevel = false
        @Option(help: "Its own monthly report quota (0-1000).") var quota: Int?
        @Option(
            help: "The regional holiday file whose days off it keeps too (Regional= of cadenced.conf); none for none.")
        var holidays: String?

        func validate() throws {
            if topLevel && parent != nil { throw ValidationError("give --parent or --top-level, not both") }
        }

        func run() throws {
            let reply = try socket.call(
                EditUnitCall {
                    ($0.id, $0.reason, $0.name, $0.kind) = (id, reason, name, kind)
                    ($0.parent, $0.topLevel, $0.quota, $0.holidays) = (parent, topLevel, quota, holidays)
                })
            print("Corrected unit \(id): \((reply["changed"] as? [String] ?? []).joined(separator: ", ")).")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a unit out of the tree; its records stay (refused with sub-units or open items).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The unit's id.") var id: String

        func run() throws {
            _ = try socket.call(RemoveUnitCall { $0.id = id })
            print("Removed unit \(id).")
        }
    }
}

/// `cadencectl role …`: people holding roles over time.
struct RoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Assign roles to people and list who held them when.",
        discussion: """
            Roles: first (第一责任人), main (主要责任人), direct (直接责任人), liaison, office-head, \
            group-leader, group-deputy, group-member, contact-leader, inspector. A new holder takes \
            over the open items that name the role (@first…); the old tenure is kept. A leading \
            group's deputies and members and a unit's inspectors are several at once: assigning \
            one adds a holder, and 'role end' ends one person's tenure.

            Examples:
              cadencectl role assign county-a first 'Chen Yi'
              cadencectl role assign city group-member 'Wu Er'
              cadencectl role end city group-member 'Wu Er'
              cadencectl role list county-a --all
            """,
        subcommands: [Assign.self, End.self, List.self], defaultSubcommand: List.self)

    /// A unit, a role and a person: what `role assign` gives and `role end` ends.
    struct RoleTenure: ParsableArguments {
        @Argument(help: "The unit's id.") var unit: String
        @Argument(help: "The role.") var role: UnitRole
        @Argument(help: "The person.") var person: String
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a role to a person (needs write access).")
        @OptionGroup var socket: SocketOptions
        @OptionGroup var tenure: RoleTenure

        func run() throws {
            let (unit, role, person) = (tenure.unit, tenure.role, tenure.person)
            _ = try socket.call(AssignRoleCall { ($0.unit, $0.role, $0.person) = (unit, role, person) })
            print("\(person) is now \(role.isMember ? "a " : "")\(role.rawValue) of \(unit).")
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a person's tenure of a role, e.g. a member leaving (needs write access).")
        @OptionGroup var socket: SocketOptions
        @OptionGroup var tenure: RoleTenure

        func run() throws {
            let (unit, role, person) = (tenure.unit, tenure.role, tenure.person)
            _ = try socket.call(EndRoleCall { ($0.unit, $0.role, $0.person) = (unit, role, person) })
            print("\(person) no longer holds \(role.rawValue) in \(unit).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Current role holders (all tenures with --all).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Only this unit.") var unit: String?
        @Flag(help: "Past tenures too.") var all = false
        @Flag(help: "Print one JSON object per tenure.") var json = false

        func run() throws {
            let roles =
                try socket.call(ListRolesCall { ($0.unit, $0.includePast) = (unit, all) })["roles"]
                as? [[String: Any]] ?? []
            printList(
                roles,
                [("UNIT", "unit"), ("ROLE", "role"), ("PERSON", "person"), ("SINCE", "since"), ("UNTIL", "until")],
                json: json)
        }
    }
}
