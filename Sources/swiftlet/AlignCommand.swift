import ArgumentParser

struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "align", abstract: "Placeholder.")
    func run() throws {}
}
