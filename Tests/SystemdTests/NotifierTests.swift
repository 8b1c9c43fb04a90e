import Testing

@testable import Systemd

@Suite("Service notifications")
struct NotifierTests {
    @Test("A status line with newlines is sent as one line")
    func statusHasNoNewlines() {
        #expect(Notifier.State.status("next: a\nb").assignment == "STATUS=next: a b")
    }

    @Test("Reloading carries the monotonic timestamp systemd asks for")
    func reloadingHasTimestamp() {
        #expect(Notifier.State.reloading(monotonicMicroseconds: 42).assignment == "RELOADING=1\nMONOTONIC_USEC=42")
    }
}
