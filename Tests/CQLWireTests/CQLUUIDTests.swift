import CQLWire
import Testing

@Suite struct CQLUUIDTests {
    @Test func textAndBytesRoundTrip() throws {
        let text = "550e8400-e29b-41d4-a716-446655440000"
        let uuid = try #require(CQLUUID(string: text))
        #expect(uuid.description == text)
        #expect(CQLUUID(bytes: uuid.bytes) == uuid)
        #expect(uuid.version == 4)
        #expect(CQLUUID(string: text.uppercased()) == uuid)
    }

    @Test(arguments: ["", "550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-44665544000g", "x"])
    func malformedTextIsRefused(_ text: String) {
        #expect(CQLUUID(string: text) == nil)
    }

    @Test func typesPrintAsCQLNamesThem() {
        #expect(CQLType.map(.text, .list(.int)).description == "map<text, list<int>>")
        #expect(CQLType.text.optionID == 0x000D)
    }
}
