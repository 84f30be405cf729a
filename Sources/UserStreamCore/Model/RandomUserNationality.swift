/// randomuser.me 1.4 nationalities, in the API's index order (api.md "Nationalities").
public enum RandomUserNationality {
    /// The 21 v1.4 codes: AU, BR, CA, CH, DE, DK, ES, FI, FR, GB, IE, IN, IR, MX, NL, NO, NZ, RS, TR, UA, US.
    public static let codes: [String] = [
        "AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "IR", "MX", "NL", "NO", "NZ", "RS",
        "TR", "UA", "US",
    ]

    /// `location.country` as randomuser writes it, per code.
    public static let countryNames: [String: String] = [
        "AU": "Australia", "BR": "Brazil", "CA": "Canada", "CH": "Switzerland", "DE": "Germany", "DK": "Denmark",
        "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "United Kingdom", "IE": "Ireland", "IN": "India",
        "IR": "Iran", "MX": "Mexico", "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "RS": "Serbia",
        "TR": "Turkey", "UA": "Ukraine", "US": "United States",
    ]

    /// Nationalities whose `location.postcode` is a JSON string (the others send a number).
    public static let stringPostcodeCodes: Set<String> = ["CA", "GB", "NL", "NO"]

    /// Nationalities whose `id` is `{"name": "", "value": null}`.
    public static let nullIDCodes: Set<String> = ["IR", "NZ", "TR", "UA"]
}
