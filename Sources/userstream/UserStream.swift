import ArgumentParser

@main
struct UserStream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "userstream",
        abstract: "A real-time user-data pipeline: randomuser.me → users_created → spark_streams.created_users.",
        discussion: """
            Every option has an environment variable twin (USERSTREAM_<OPTION>, e.g. USERSTREAM_DATA_DIR); \
            when set it becomes the option's default.
            """,
        subcommands: [
            RunCommand.self, IngestCommand.self, ProcessCommand.self, QueryCommand.self, RunsCommand.self,
            BenchCommand.self, BrokerCommand.self, StoreCommand.self, ServeCommand.self,
            DLQCommand.self,
        ]
    )
}
