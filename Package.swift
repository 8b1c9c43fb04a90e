// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "cadenced",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cadenced", targets: ["cadenced"]),
        .executable(name: "cadencectl", targets: ["cadencectl"]),
        .executable(name: "cadenced-deliver", targets: ["cadenced-deliver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Pure domain: calendar expressions, cadences, working days, configuration text. No I/O, no clock.
        .target(name: "CadenceCore"),
        // The edge of files and the system's databases: the configuration directory, the tz files,
        // glibc's iconv and zlib for spreadsheets (.xlsx is a zip of XML), the group database.
        // Links nothing but Foundation, glibc and zlib.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CadenceConfiguration", dependencies: ["CadenceCore", "CZlib"]),
        // The ledger: SQLite through GRDB. The daemon is its only writer.
        .target(
            name: "CadenceStore",
            dependencies: [
                "CadenceCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // The control protocol: Varlink framing and the io.cadenced.Ledger interface.
        .target(name: "CadenceControl", dependencies: ["CadenceCore"]),
        // libsystemd, imported as a system library; only `Systemd` imports it.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "Systemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]
        ),
        // The daemon as a library: configuration loading from directories, the schedule, the run loop.
        .target(
            name: "CadenceDaemon",
            dependencies: [
                "CadenceCore", "CadenceConfiguration", "CadenceStore", "CadenceControl", "Systemd",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "cadenced",
            dependencies: [
                "CadenceCore", "CadenceConfiguration", "CadenceDaemon", "Systemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // OpenSSL's libssl, imported as a system library; only `CadenceDeliver` imports it (TLS to the relay).
        .systemLibrary(name: "CSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // The delivery service: the outbox's messages to people, over the network cadenced has not.
        .target(name: "CadenceDeliver", dependencies: ["CadenceCore", "CadenceControl", "CSSL"]),
        .executableTarget(
            name: "cadenced-deliver",
            dependencies: [
                "CadenceCore", "CadenceControl", "CadenceConfiguration", "CadenceDeliver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "cadencectl",
            dependencies: [
                "CadenceCore", "CadenceControl", "CadenceConfiguration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CadenceCoreTests", dependencies: ["CadenceCore"]),
        .testTarget(name: "CadenceConfigurationTests", dependencies: ["CadenceConfiguration", "CadenceCore"]),
        .testTarget(name: "CadenceControlTests", dependencies: ["CadenceControl", "CadenceCore"]),
        .testTarget(name: "CadenceStoreTests", dependencies: ["CadenceStore", "CadenceCore"]),
        .testTarget(
            name: "CadenceDaemonTests",
            dependencies: [
                "CadenceDaemon", "CadenceConfiguration", "CadenceCore", "CadenceStore",
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
        .testTarget(name: "cadencectlTests", dependencies: ["CadenceCore"]),
        // The reliability campaigns (scripts/reliability, run quick) and the fuzz targets' corpus replay.
        .testTarget(name: "ReliabilityTests", dependencies: ["CadenceCore", "CadenceConfiguration", "CadenceControl"]),
        .executableTarget(
            name: "calendar-benchmark",
            dependencies: ["CadenceCore", "CadenceConfiguration"],
            path: "Benchmarks/calendar-benchmark"
        ),
        .executableTarget(
            name: "daemon-benchmark",
            dependencies: [
                "CadenceCore", "CadenceControl", "CadenceStore", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/daemon-benchmark"
        ),
        .executableTarget(
            name: "evaluation-benchmark",
            dependencies: ["CadenceCore", "CadenceStore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/evaluation-benchmark"
        ),
        .executableTarget(
            name: "ledger-benchmark",
            dependencies: [
                "CadenceCore", "CadenceStore", "CadenceConfiguration", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/ledger-benchmark"
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
