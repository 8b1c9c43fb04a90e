import Foundation

/// A group robot of a chat tool (钉钉, 企业微信, 飞书): a chat group of the office that notices are
/// posted into, from `robots.d/NAME.robot` in the configuration directory. cadenced routes the
/// notices the file selects into the outbox under the robot's name; the delivery service holds
/// the robot's webhook and signing secret (a systemd credential) and posts them.
///
///     [Robot]
///     Description=甲县卫生健康局工作群
///     Channel=dingtalk
///     Units=county-a
///     Kinds=deadline-warning overdue escalation accountability
public struct RobotRoute: Sendable, Equatable {
    /// The file's name without `.robot`: the outbox's recipient, the credential's name.
    public var name: String
    /// `Channel=`: dingtalk, wecom or feishu.
    public var channel: DeliveryChannel
    /// `Description=`: the group, as the office calls it.
    public var description: String?
    /// `Units=`: notices about these units and their sub-units; empty: every unit. A notice about
    /// no unit (a cadence's reminder) goes to every robot.
    public var units: [String]
    /// `Kinds=`: the kinds posted; by default every kind meant for people.
    public var kinds: [NoticeKind]
    /// `Mention=`: @ the item's responsible people in the group by their mobile (DingTalk, WeCom)
    /// or Feishu id, where the directory has it.
    public var mention: Bool
    /// `MaskNames=`: names of people shown masked (孙*): a group is not the person concerned (R30).
    public var maskNames: Bool
    /// `Exec=` (Channel=exec): the command and its arguments, the program by absolute path.
    public var command: [String]
    /// `TimeoutSec=` (Channel=exec): how long the command may take.
    public var timeout: Duration

    public init(
        name: String, channel: DeliveryChannel, description: String? = nil, units: [String] = [],
        kinds: [NoticeKind] = RobotRoute.defaultKinds, mention: Bool = true, maskNames: Bool = true,
        command: [String] = [], timeout: Duration = .seconds(30)
    ) {
        (self.name, self.channel, self.description, self.units) = (name, channel, description, units)
        (self.kinds, self.mention, self.maskNames) = (kinds, mention, maskNames)
        (self.command, self.timeout) = (command, timeout)
    }

    /// Every kind meant for people.
    public static let defaultKinds = NoticeKind.allCases.filter { !NoticeKind.notForPeople.contains($0) }

    static let schema = IniSchema([
        "Robot": [
            "Description": .single, "Channel": .single, "Units": .list, "Kinds": .list, "Mention": .single,
            "MaskNames": .single, "Exec": .single, "TimeoutSec": .single,
        ]
    ])

    /// Parses one robot file, reporting every error with `file:line`.
    public static func parse(name: String, source: IniSource) throws(ConfigurationError) -> RobotRoute {
        let ini = try IniParser.parse(main: source, dropIns: [])
        var errors = ini.unknownNames(schema: schema)
        var route = RobotRoute(name: name, channel: .dingtalk)
        let fileStart = SourceLocation(file: source.fileName, line: 1)
        if let channel = ini.last("Robot", "Channel"), !channel.value.isEmpty {
            switch DeliveryChannel.named(channel.value) {
            case .success(let value) where value.isRobot: route.channel = value
            default:
                errors.append(
                    .badValue(
                        channel.location, key: "Channel", value: channel.value,
                        reason: "is not one of: "
                            + DeliveryChannel.allCases.filter(\.isRobot).map(\.rawValue).joined(separator: ", ")))
            }
        } else {
            errors.append(
                .invalid(
                    ini.sectionHeaders.first?.location ?? fileStart,
                    reason: "Channel= is missing (dingtalk, wecom, feishu or exec)"))
        }
        if let description = ini.last("Robot", "Description"), !description.value.isEmpty {
            route.description = description.value
        }
        for assignment in ini.list("Robot", "Units") ?? [] {
            for unit in assignment.value.split(separator: " ").map(String.init) {
                if unit.contains("/") {
                    errors.append(
                        .badValue(assignment.location, key: "Units", value: unit, reason: "is not a unit id"))
                } else if !route.units.contains(unit) {
                    route.units.append(unit)
                }
            }
        }
        if let kinds = ini.list("Robot", "Kinds") {
            route.kinds = []
            for assignment in kinds {
                for word in assignment.value.split(separator: " ").map(String.init) {
                    switch NoticeKind.named(word) {
                    case .success(let kind) where !NoticeKind.notForPeople.contains(kind):
                        if !route.kinds.contains(kind) { route.kinds.append(kind) }
                    default:
                        errors.append(
                            .badValue(
                                assignment.location, key: "Kinds", value: word,
                                reason: "is not one of: " + defaultKinds.map(\.rawValue).joined(separator: ", ")))
                    }
                }
            }
        }
        for (key, apply) in [
            ("Mention", { (value: Bool) in route.mention = value }),
            ("MaskNames", { (value: Bool) in route.maskNames = value }),
        ] as [(String, (Bool) -> Void)] {
            guard let assignment = ini.last("Robot", key), !assignment.value.isEmpty else { continue }
            switch assignment.value.lowercased() {
            case "yes", "true", "on", "1": apply(true)
            case "no", "false", "off", "0": apply(false)
            default:
                errors.append(
                    .badValue(assignment.location, key: key, value: assignment.value, reason: "is not yes or no"))
            }
        }
        if let exec = ini.last("Robot", "Exec"), !exec.value.isEmpty {
            switch CommandLineWords.split(exec.value) {
            case .success(let words) where words.first?.hasPrefix("/") == true:
                if route.channel == .exec {
                    route.command = words
                } else {
                    errors.append(.invalid(exec.location, reason: "Exec= is for Channel=exec"))
                }
            case .success:
                errors.append(
                    .badValue(
                        exec.location, key: "Exec", value: exec.value, reason: "does not start with an absolute path"))
            case .failure(let reason):
                errors.append(.badValue(exec.location, key: "Exec", value: exec.value, reason: reason.description))
            }
        } else if route.channel == .exec, errors.isEmpty {
            errors.append(
                .invalid(
                    ini.last("Robot", "Channel")?.location ?? fileStart,
                    reason: "Channel=exec needs Exec= (the command, by absolute path)"))
        }
        if let timeout = ini.last("Robot", "TimeoutSec"), !timeout.value.isEmpty {
            if let span = TimeSpan.parse(timeout.value), span > .zero {
                route.timeout = span
            } else {
                errors.append(
                    .badValue(
                        timeout.location, key: "TimeoutSec", value: timeout.value,
                        reason: "is not a time span above zero (e.g. '30s', '2min')"))
            }
        }
        try ConfigurationError.throwIfAny(errors)
        return route
    }

    /// Whether a notice of `kind` about `units` (each with its parent chain, nearest first) is
    /// posted by this robot.
    public func takes(kind: NoticeKind, unitChains: [[String]]) -> Bool {
        guard kinds.contains(kind) else { return false }
        if units.isEmpty || unitChains.isEmpty { return true }
        return unitChains.contains { chain in chain.contains { units.contains($0) } }
    }
}

/// Names shown masked in group chats (R30): the first character kept, each other one a `*`
/// (孙三 → 孙*, 欧阳明华 → 欧***).
public enum NameMask {
    public static func mask(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + name.dropFirst().map { $0 == " " ? " " : "*" }.joined()
    }

    /// `text` with each of `names` (longest first, so 欧阳明华 is not cut by 欧阳) masked.
    public static func mask(_ names: some Sequence<String>, in text: String) -> String {
        var result = text
        for name in Set(names).filter({ $0.count > 1 }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: name, with: mask(name))
        }
        return result
    }
}

/// A command line split into words as systemd's `ExecStart=` does for the simple cases: spaces
/// separate, double or single quotes keep spaces, a backslash escapes the next character.
public enum CommandLineWords {
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func split(_ text: String) -> Result<[String], Problem> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\":
                escaped = true
                inWord = true
            case "\"", "'":
                if quote == character {
                    quote = nil
                } else if quote == nil {
                    quote = character
                    inWord = true
                } else {
                    current.append(character)
                }
            case " ", "\t":
                if quote != nil {
                    current.append(character)
                } else if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { return .failure(Problem(description: "has a quote that is not closed")) }
        if escaped { return .failure(Problem(description: "ends with a backslash")) }
        if inWord { words.append(current) }
        return words.isEmpty ? .failure(Problem(description: "is empty")) : .success(words)
    }
}
