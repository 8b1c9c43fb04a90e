import CadenceCore
import CadenceControl
import Foundation

/// `--mask` of `item show` and `history` (R30): the people a record names, masked as the other
/// copies that leave the office are (孙三 → 孙*); roles (`@first`), units and everything else stay.
enum PersonMask {
    /// The fields and history details that name a person.
    static let keys: Set<String> = [
        "first", "main", "direct", "firstPerson", "mainPerson", "directPerson", "verifiedBy", "by", "verifier",
        "onBehalfOf", "reviewer", "member", "liaison", "person", "name", "user",
    ]

    /// A value that names a person, masked; both sides of a change (`甲 → 乙`) are.
    static func masked(_ value: String) -> String {
        value.components(separatedBy: " → ").map { part in
            part.hasPrefix("@") || part.isEmpty ? part : NameMask.mask(part)
        }.joined(separator: " → ")
    }

    /// `record` with the values of ``keys`` masked, and a history entry's `details` (JSON text) too.
    static func masked(_ record: [String: Any]) -> [String: Any] {
        var out = record
        for (key, value) in record {
            if keys.contains(key), let text = value as? String {
                out[key] = masked(text)
            } else if key == "details", let text = value as? String,
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            {
                out[key] = JSONWriter.string(masked(object))
            }
        }
        return out
    }
}
