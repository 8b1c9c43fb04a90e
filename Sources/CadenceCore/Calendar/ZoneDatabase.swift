public import Foundation

/// Recognises time-zone names in the suffix of a calendar expression.
///
/// systemd accepts a suffix when it is a file of the tz database (`/usr/share/zoneinfo/NAME`,
/// starting with the `TZif` magic) whose name uses only letters, digits, `-`, `_`, `+` and
/// single `/` separators. The lookup is injected: CadenceConfiguration's `system` reads the tz files,
/// ``foundation`` asks Foundation only.
public struct ZoneDatabase: Sendable {
    private let lookup: @Sendable (String) -> TimeZone?

    /// A database answering with `lookup`, which returns nil for names it does not know.
    public init(lookup: @escaping @Sendable (String) -> TimeZone?) {
        self.lookup = lookup
    }

    /// The zone called `name`, or nil when the name is not a valid zone.
    public func zone(named name: String) -> TimeZone? {
        guard Self.hasValidSpelling(name) else { return nil }
        return lookup(name)
    }

    /// Zones by the names Foundation knows, under systemd's spelling rule. It reads no file of its own:
    /// for systemd's exact rule (a `TZif` file in `/usr/share/zoneinfo`) use `ZoneDatabase.system` of
    /// CadenceConfiguration, which the daemon and cadencectl use.
    public static let foundation = ZoneDatabase { name in
        name == "UTC" ? TimeZone(identifier: "UTC") : foundationZone(forFileName: name)
    }

    /// Maps a tz file name to Foundation's zone. POSIX-style `GMT+8` files mean UTC−8, which
    /// Foundation spells `Etc/GMT+8`; its own `GMT+8` means UTC+8.
    package static func foundationZone(forFileName name: String) -> TimeZone? {
        for prefix in ["GMT+", "GMT-", "GMT0", "UTC", "UCT", "Zulu", "Universal", "Greenwich"]
        where name.hasPrefix(prefix) {
            if let zone = TimeZone(identifier: "Etc/" + name) { return zone }
        }
        return TimeZone(identifier: name)
    }

    /// systemd's spelling rule for zone names (`verify_timezone()` in `time-util.c`).
    package static func hasValidSpelling(_ name: String) -> Bool {
        if name == "UTC" { return true }
        guard !name.isEmpty, !name.hasPrefix("/") else { return false }
        var previousWasSlash = false
        for byte in name.utf8 {
            let isAlnum = (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
            guard
                isAlnum || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "/")
            else { return false }
            if byte == UInt8(ascii: "/") {
                if previousWasSlash { return false }
                previousWasSlash = true
            } else {
                previousWasSlash = false
            }
        }
        return !previousWasSlash && name.utf8.count < 4096
    }
}
