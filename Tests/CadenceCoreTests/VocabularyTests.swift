import CadenceCore
import Testing

@Suite("Vocabularies: names read from text")
struct VocabularyTests {
    @Test("A name in the list gives its value; any other text, tried as typed, is refused with the list")
    func named() throws {
        #expect(try ItemState.named("in-progress").get() == .inProgress)
        #expect(try UnitRole.named("main").get() == .main)
        for bad in ["done", "Open", " open", "", "进行中"] {
            guard case .failure(let error) = ItemState.named(bad) else {
                Issue.record("'\(bad)' was accepted as a state")
                continue
            }
            #expect(error.text == bad)
            #expect(error.description == "'\(bad)' is not one of: \(ItemState.names)")
            #expect(error.names == ItemState.allCases.map(\.rawValue))
        }
        #expect(ItemState.names.hasPrefix("open, in-progress, "))
    }
}
