import Testing
import UserStreamCore

@Suite("JSONValue parser")
struct JSONValueTests {
    @Test func parsesAndReserialisesFaithfully() throws {
        let text = #"{"b":1.50,"a":[true,false,null,"x\u00e9\n",-0,1e-5],"c":{},"b":2}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["b"] == .number("2"))
        #expect(
            value["a"] == .array([.bool(true), .bool(false), .null, .string("xé\n"), .number("-0"), .number("1e-5")])
        )
        #expect(
            String(decoding: value.jsonBytes(), as: UTF8.self)
                == #"{"b":1.50,"a":[true,false,null,"xé\n",-0,1e-5],"c":{},"b":2}"#
        )
    }

    @Test func reportsWhereItFailed() {
        func error(_ text: String) -> JSONParseError? {
            do {
                _ = try JSONValue(parsing: Array(text.utf8))
                return nil
            } catch {
                return error
            }
        }
        #expect(error(#"{"a":"#)?.code == .truncated)
        #expect(error(#"{"a":1,}"#)?.message == "unexpected '}' at byte 7, expected a string key")
        #expect(error("[1 2]")?.code == .syntax)
        #expect(error("tru")?.code == .truncated)
        #expect(error("nul!")?.code == .syntax)
        #expect(error("01")?.code == .syntax)
        #expect(error("1.")?.code == .truncated)
        #expect(error(String(repeating: "[", count: 100))?.code == .tooDeep)
    }
}
