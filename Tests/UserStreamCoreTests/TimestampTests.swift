import Testing
import UserStreamCore

@Suite("ISO-8601 timestamps")
struct TimestampTests {
    @Test(
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (1_653_344_189_000, "2022-05-23T22:16:29.000Z"),
            (-800_000_000_000, "1944-08-25T17:46:40.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (4_102_444_800_000, "2100-01-01T00:00:00.000Z"),
            (227_990_736_348, "1977-03-23T18:45:36.348Z"),
        ]
    )
    func formatsAndParses(_ milliseconds: Int64, _ text: String) {
        #expect(Timestamp.iso8601(milliseconds: milliseconds) == text)
        #expect(Timestamp.milliseconds(iso8601: text) == milliseconds)
    }

    @Test func parsesOffsetsSpacesAndFractions() {
        #expect(Timestamp.milliseconds(iso8601: "2020-01-01T12:00:00+05:30") == 1_577_860_200_000)
        #expect(Timestamp.milliseconds(iso8601: "2020-01-01T12:00:00+0530") == 1_577_860_200_000)
        #expect(Timestamp.milliseconds(iso8601: "2020-01-01 06:30:00Z") == 1_577_860_200_000)
        #expect(Timestamp.milliseconds(iso8601: "1977-03-23T18:45:36.3Z") == 227_990_736_300)
        #expect(Timestamp.milliseconds(iso8601: "1977-03-23T18:45:36.348123Z") == 227_990_736_348)
    }

    @Test(
        arguments: [
            "", "yesterday", "2021-02-29T00:00:00Z", "2020-13-01T00:00:00Z", "2020-01-32T00:00:00Z",
            "2020-01-01T24:00:00Z", "2020-01-01T00:00:00", "2020-01-01T00:00:00.Z", "2020-01-01T00:00:00Zjunk",
            "2020-01-01", "20-01-01T00:00:00Z",
        ]
    )
    func rejectsMalformed(_ text: String) {
        #expect(Timestamp.milliseconds(iso8601: text) == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        var value: Int64 = -2_208_988_800_000  // 1900-01-01
        while value < 4_102_444_800_000 {
            #expect(Timestamp.milliseconds(iso8601: Timestamp.iso8601(milliseconds: value)) == value)
            value += 7_777_777_777
        }
    }
}
