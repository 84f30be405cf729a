import ArgumentParser

@main
struct UserStream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "userstream", abstract: "UserStream")
}
