import Foundation
import Testing

private let make = BinaryRunner.which("make")

/// The Makefile's release build, as `make -n` (a dry run) plans it: nothing is built here.
@Suite("Makefile", .enabled(if: make != nil, "make is not installed"))
struct MakefileTests {
    @Test("The static build has a scratch path of its own, not the .build that swift build -c release writes")
    func ownScratchPath() throws {
        let plan = try BinaryRunner.run(make!, ["-n", "-C", BinaryRunner.packageRoot.path, "all"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("--static-swift-stdlib --scratch-path .build-static "), "\(plan.stdout)")
        #expect(!plan.stdout.contains("--scratch-path .build "))
    }

    @Test("make asks swift build even when binaries newer than every source are already there")
    func neverTrustsBinaryTimes() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("make-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("release"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // What `swift build -c release` (dynamically linked) or an earlier build leaves behind.
        for program in ["cadenced", "cadencectl"] {
            let path = scratch.appendingPathComponent("release/\(program)").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\n".utf8)))
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(86_400), .posixPermissions: 0o755], ofItemAtPath: path)
        }
        let plan = try BinaryRunner.run(
            make!, ["-n", "-C", BinaryRunner.packageRoot.path, "SCRATCH_PATH=\(scratch.path)", "all"])
        #expect(plan.status == 0, "\(plan.stderr)")
        // Linked with full RELRO (bind now), as Debian's hardening asks (lintian: hardening-no-bindnow).
        #expect(
            plan.stdout.contains(
                "build -c release --static-swift-stdlib --scratch-path \(scratch.path) "
                    + "-Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now --product cadenced"
            ), "\(plan.stdout)")
        #expect(plan.stdout.contains("--product cadencectl"))
    }
}
