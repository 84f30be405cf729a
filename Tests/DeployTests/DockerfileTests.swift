import ArgumentParser
import Foundation
import Testing

@testable import userstream

/// The Dockerfile, without a Docker engine: its stages and runtime settings as written, and — the part that breaks
/// silently when a dependency is added — that the runtime stage installs every shared library the binary links.
@Suite struct DockerfileTests {
    static func dockerfile() throws -> Dockerfile { Dockerfile(try Deploy.read("Dockerfile")) }

    @Test("two stages: a release build of userstream with the Swift image, run on Debian 12 slim")
    func stages() throws {
        let file = try Self.dockerfile()
        try #require(file.stages.count == 2)
        let (build, runtime) = (file.stages[0], file.stages[1])
        #expect(build.image.hasPrefix("swift:6.") && build.image.hasSuffix("-bookworm"), "\(build.image)")
        #expect(runtime.image == "debian:bookworm-slim")
        let swiftBuild = build.all("RUN").first { $0.contains("swift build") } ?? ""
        for flag in ["-c release", "--product userstream", "--static-swift-stdlib"] {
            #expect(swiftBuild.contains(flag), "the build stage's swift build lacks \(flag): \(swiftBuild)")
        }
        #expect(
            runtime.all("COPY").contains { $0.contains("--from=\(build.name ?? "0")") && $0.contains("userstream") }
        )
        // The C libraries of the build: the Makefile's DEB_BUILD.
        let makefile = try Deploy.read("Makefile")
        let debBuild = makefile.split(separator: "\n").first { $0.hasPrefix("DEB_BUILD :=") }
        let buildPackages = debBuild.map { $0.dropFirst("DEB_BUILD :=".count).split(separator: " ").map(String.init) }
        #expect(Set(buildPackages ?? []).isSubset(of: Set(build.aptPackages)), "\(build.aptPackages)")
    }

    @Test("the image runs any subcommand as a non-root user, with a data volume and a /healthz health check")
    func runtimeSettings() throws {
        let runtime = try #require(try Self.dockerfile().stages.last)
        #expect(runtime.all("ENTRYPOINT") == [#"["userstream"]"#])
        let user = try #require(runtime.all("USER").last)
        #expect(!["root", "0", "root:root", "0:0"].contains(user), "runs as \(user)")
        #expect(runtime.all("RUN").contains { $0.contains("useradd") && $0.contains(user.split(separator: ":")[0]) })
        #expect(runtime.all("VOLUME").contains { $0.contains("/var/lib/userstream") })
        #expect(runtime.all("ENV").contains("USERSTREAM_DATA_DIR=/var/lib/userstream"))
        let healthcheck = try #require(runtime.all("HEALTHCHECK").first)
        #expect(healthcheck.contains("CMD curl") && healthcheck.contains("/healthz"), "\(healthcheck)")
        #expect(runtime.aptPackages.contains("curl"), "the health check needs curl")
        // USERSTREAM_DATA_DIR is the environment twin of --data-dir, so every subcommand uses the volume.
        for command in [RunCommand.self, IngestCommand.self, ProcessCommand.self, ServeCommand.self]
            as [any ParsableCommand.Type]
        {
            #expect(UserStream.helpMessage(for: command, columns: 10_000).contains("env: USERSTREAM_DATA_DIR"))
        }
    }

    @Test("the runtime stage installs a Debian package for every shared library the built binary links")
    func runtimePackagesCoverTheBinary() async throws {
        let runtime = try #require(try Self.dockerfile().stages.last)
        let packages = runtime.aptPackages
        try #require(!packages.isEmpty)

        let ldd = try await Deploy.tool("ldd", [Deploy.binary])
        try #require(ldd.status == 0, "ldd \(Deploy.binary): \(ldd.stderr)")
        #expect(!ldd.stdout.contains("not found"), "\(ldd.stdout)")
        var libraries: [String] = []
        for line in ldd.stdout.split(separator: "\n") {
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            if let arrow = words.firstIndex(of: "=>"), arrow + 1 < words.count, words[arrow + 1].hasPrefix("/") {
                libraries.append(words[arrow + 1])
            } else if let first = words.first, first.hasPrefix("/") {
                libraries.append(first)
            }
        }
        // Swift's own runtime (next to libswiftCore.so) is linked into the image's binary (--static-swift-stdlib).
        let swiftRuntime = libraries.first { $0.hasSuffix("/libswiftCore.so") }.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().path
        }
        let system = libraries.filter { library in swiftRuntime.map { !library.hasPrefix($0 + "/") } ?? true }
        try #require(system.count >= 5, "ldd found too few libraries: \(ldd.stdout)")

        let owners = try await Self.owningPackages(system)
        for library in system {
            #expect(owners[library] != nil, "no Debian package owns \(library)")
        }
        // Sanity: the libraries this test exists for.
        #expect(Set(owners.values).isSuperset(of: ["libsqlite3-0", "librdkafka1", "libzstd1"]), "\(owners)")

        let installed = try await Self.dependencyClosure(packages)
        for (library, owner) in owners.sorted(by: { $0.key < $1.key }) {
            #expect(
                installed.contains(owner),
                "\(library) comes from \(owner), which the runtime stage does not install (\(packages))"
            )
        }
    }

    /// Library path → the Debian package that owns it (`dpkg -S`, trying the path as ldd printed it, its real
    /// path, and both sides of Debian 12's merged /usr).
    static func owningPackages(_ libraries: [String]) async throws -> [String: String] {
        var candidates: [String: String] = [:]  // candidate path → library
        for library in libraries {
            var paths = [library]
            if let real = realpath(library, nil) {
                paths.append(String(cString: real))
                free(real)
            }
            for path in paths {
                candidates[path] = library
                if path.hasPrefix("/usr/") {
                    candidates[String(path.dropFirst(4))] = library
                } else {
                    candidates["/usr" + path] = library
                }
            }
        }
        let output = try await Deploy.tool("dpkg", ["-S"] + candidates.keys.sorted())
        var owners: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            // "libsqlite3-0:amd64: /usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6"
            guard let separator = line.range(of: ": /") else { continue }
            let path = String(line[line.index(before: separator.upperBound)...])
            let package = line[..<separator.lowerBound].split(separator: ",")[0].split(separator: ":")[0]
            if let library = candidates[path] { owners[library] = String(package) }
        }
        return owners
    }

    /// The packages `apt-get install packages` installs: them and what they depend on, recursively.
    static func dependencyClosure(_ packages: [String]) async throws -> Set<String> {
        let output = try await Deploy.tool(
            "apt-cache",
            [
                "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
                "--no-replaces", "--no-enhances",
            ] + packages
        )
        try #require(output.status == 0, "apt-cache depends: \(output.stderr)")
        var closure = Set(packages)
        for line in output.stdout.split(separator: "\n") {
            // "  Depends: zlib1g", "  |Depends: …" (one of alternatives), "  Depends: <virtual>", or a package's name.
            var text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("|") { text.removeFirst() }
            let name =
                text.contains(":") && (text.hasPrefix("Depends:") || text.hasPrefix("PreDepends:"))
                ? text.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) : text
            if !name.hasPrefix("<") && !name.contains(" ") { closure.insert(name.split(separator: ":")[0].description) }
        }
        return closure
    }
}
