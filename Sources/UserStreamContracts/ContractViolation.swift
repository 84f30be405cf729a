/// A failed expectation of a contract check (`LogContract`, `StoreContract`).
public struct ContractViolation: Error, CustomStringConvertible {
    public var message: String
    public var file: String
    public var line: Int

    public init(message: String, file: String = #fileID, line: Int = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line): \(message)" }
}
