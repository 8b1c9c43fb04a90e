import CadenceCore
import Foundation
import Testing

@Suite("Plain text: replacing and trimming without Foundation, with Foundation's results")
struct PlainTextTests {
    @Test(
        "Every occurrence is replaced, left to right, whole characters only",
        arguments: [
            ("截止） 到期", "） ", "）", "截止）到期"),
            ("（当日 17:00 截止） 到期） 了", "） ", "）", "（当日 17:00 截止）到期）了"),
            ("a|b||c|", "|", "\\|", "a\\|b\\|\\|c\\|"),
            ("aaaa", "aa", "b", "bb"),
            ("nothing here", "） ", "）", "nothing here"),
            ("", "x", "y", ""),
            ("）", "） ", "）", "）"),
            ("ends with ） ", "） ", "", "ends with "),
        ])
    func replacing(text: String, target: String, replacement: String, expected: String) {
        #expect(PlainText.replacing(target, with: replacement, in: text) == expected)
        #expect(text.replacingOccurrences(of: target, with: replacement) == expected, "as Foundation does")
    }

    @Test(
        "Spaces and line breaks are trimmed from the ends as CharacterSet.whitespaces and .newlines are",
        arguments: [
            "  整改逾期：示例县 #3  ", "\t a b \t", "\u{3000}全角空格\u{3000}", "\u{A0}no-break\u{A0}", "", "   ",
            "\n\r\nbody\nsecond line\n\n", "\u{2028}x\u{2029}", "\u{85}y\u{85}", "\u{0B}\u{0C}z", " \n mixed \n ",
        ])
    func trimming(text: String) {
        #expect(PlainText.trimmingSpaces(text) == text.trimmingCharacters(in: .whitespaces))
        #expect(PlainText.trimmingNewlines(text) == text.trimmingCharacters(in: .newlines))
        #expect(PlainText.trimmingSpaces(text.dropFirst(0)) == text.trimmingCharacters(in: .whitespaces))
    }
}
