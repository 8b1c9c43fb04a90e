public import CadenceCore
import Foundation

extension ZoneDatabase {
    /// The system's tz database, read as systemd's `timezone_is_valid()` reads it.
    public static let system = ZoneDatabase { name in
        if name == "UTC" { return TimeZone(identifier: "UTC") }
        let path = "/usr/share/zoneinfo/" + name
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        guard let magic = try? handle.read(upToCount: 4), magic == Data("TZif".utf8) else { return nil }
        return foundationZone(forFileName: name)
    }

}
