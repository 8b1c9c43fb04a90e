import CadenceCore
public import Foundation

/// The local time zone as glibc reads it from `TZ`, including the forms Foundation ignores:
/// `TZ=:Europe/Berlin` (a leading colon before a zone name) and `TZ=:/etc/localtime` or any other
/// path to a tz file (a leading colon before a path). Unset means the system's zone (`/etc/localtime`).
public enum LocalZone {
    /// The zone `TZ` (as given in `environment`) names, else `system`.
    /// - Parameter system: the zone Foundation reports without `TZ` (`TimeZone.current`).
    public static func resolve(tz: String?, system: @autoclosure () -> TimeZone) -> TimeZone {
        guard var value = tz else { return system() }
        if value.hasPrefix(":") { value.removeFirst() }
        if value.isEmpty { return TimeZone(identifier: "UTC")! }
        if value.hasPrefix("/") { return zone(atPath: value) ?? system() }
        if let named = ZoneDatabase.foundationZone(forFileName: value) { return named }
        // Anything else (a POSIX rule such as `CST-8`) is left to Foundation, as before.
        return system()
    }

    /// The zone of the process's environment (`TZ`), else the system's.
    public static var current: TimeZone {
        resolve(tz: ProcessInfo.processInfo.environment["TZ"], system: TimeZone.current)
    }

    /// The zone stored in the tz file at `path`: its name when the path leads (through symbolic links)
    /// into a zoneinfo directory, else the zoneinfo file with the same contents.
    static func zone(atPath path: String) -> TimeZone? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        for root in zoneRoots {
            let prefix = root + "/"
            if resolved.hasPrefix(prefix) {
                var name = String(resolved.dropFirst(prefix.count))
                for variant in ["posix/", "right/"] where name.hasPrefix(variant) {
                    name.removeFirst(variant.count)
                }
                if let zone = ZoneDatabase.foundationZone(forFileName: name) { return zone }
            }
        }
        // A copy rather than a link (some images copy /etc/localtime): find the file it copies.
        guard let contents = FileManager.default.contents(atPath: resolved), contents.starts(with: Data("TZif".utf8))
        else { return nil }
        for root in zoneRoots {
            guard let names = FileManager.default.enumerator(atPath: root) else { continue }
            for case let name as String in names
            where !name.hasPrefix("posix") && !name.hasPrefix("right") && !name.hasSuffix(".tab") {
                let candidate = root + "/" + name
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: candidate),
                    attributes[.type] as? FileAttributeType == .typeRegular,
                    (attributes[.size] as? NSNumber)?.intValue == contents.count,
                    FileManager.default.contents(atPath: candidate) == contents
                else { continue }
                if let zone = ZoneDatabase.foundationZone(forFileName: name) { return zone }
            }
        }
        return nil
    }

    private static let zoneRoots = ["/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo"]
}
