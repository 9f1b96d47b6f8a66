import ArgumentParser

struct ExportCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-c", abstract: "Placeholder.")
    func run() throws {}
}
