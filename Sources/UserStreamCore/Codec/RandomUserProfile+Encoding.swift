extension RandomUserProfile {
    /// The user as randomuser.me 1.4 JSON, compact, with the API's key order (`gender, name, location, email,
    /// login, dob, registered, phone, cell, id, picture, nat`); `coordinates`/`timezone` are omitted when `nil`.
    public func apiJSONBytes() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1100)
        appendAPIJSON(to: &out)
        return out
    }

    /// Appends the user as randomuser.me 1.4 JSON to `out`.
    public func appendAPIJSON(to out: inout [UInt8]) {
        JSONWriter.append("{\"gender\":", to: &out)
        JSONWriter.appendString(gender, to: &out)
        JSONWriter.append(",\"name\":{\"title\":", to: &out)
        JSONWriter.appendString(name.title, to: &out)
        JSONWriter.append(",\"first\":", to: &out)
        JSONWriter.appendString(name.first, to: &out)
        JSONWriter.append(",\"last\":", to: &out)
        JSONWriter.appendString(name.last, to: &out)
        JSONWriter.append("},\"location\":{\"street\":{\"number\":", to: &out)
        JSONWriter.appendInt(location.street.number, to: &out)
        JSONWriter.append(",\"name\":", to: &out)
        JSONWriter.appendString(location.street.name, to: &out)
        JSONWriter.append("},\"city\":", to: &out)
        JSONWriter.appendString(location.city, to: &out)
        JSONWriter.append(",\"state\":", to: &out)
        JSONWriter.appendString(location.state, to: &out)
        JSONWriter.append(",\"country\":", to: &out)
        JSONWriter.appendString(location.country, to: &out)
        JSONWriter.append(",\"postcode\":", to: &out)
        switch location.postcode {
        case .number(let value): JSONWriter.appendInt(value, to: &out)
        case .text(let value): JSONWriter.appendString(value, to: &out)
        }
        if let coordinates = location.coordinates {
            JSONWriter.append(",\"coordinates\":{\"latitude\":", to: &out)
            JSONWriter.appendString(coordinates.latitude, to: &out)
            JSONWriter.append(",\"longitude\":", to: &out)
            JSONWriter.appendString(coordinates.longitude, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        if let timezone = location.timezone {
            JSONWriter.append(",\"timezone\":{\"offset\":", to: &out)
            JSONWriter.appendString(timezone.offset, to: &out)
            JSONWriter.append(",\"description\":", to: &out)
            JSONWriter.appendString(timezone.description, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        JSONWriter.append("},\"email\":", to: &out)
        JSONWriter.appendString(email, to: &out)
        JSONWriter.append(",\"login\":{\"uuid\":", to: &out)
        JSONWriter.appendString(login.uuid, to: &out)
        JSONWriter.append(",\"username\":", to: &out)
        JSONWriter.appendString(login.username, to: &out)
        JSONWriter.append(",\"password\":", to: &out)
        JSONWriter.appendString(login.password, to: &out)
        JSONWriter.append(",\"salt\":", to: &out)
        JSONWriter.appendString(login.salt, to: &out)
        JSONWriter.append(",\"md5\":", to: &out)
        JSONWriter.appendString(login.md5, to: &out)
        JSONWriter.append(",\"sha1\":", to: &out)
        JSONWriter.appendString(login.sha1, to: &out)
        JSONWriter.append(",\"sha256\":", to: &out)
        JSONWriter.appendString(login.sha256, to: &out)
        JSONWriter.append("},\"dob\":{\"date\":", to: &out)
        JSONWriter.appendString(dob.date, to: &out)
        JSONWriter.append(",\"age\":", to: &out)
        JSONWriter.appendInt(dob.age, to: &out)
        JSONWriter.append("},\"registered\":{\"date\":", to: &out)
        JSONWriter.appendString(registered.date, to: &out)
        JSONWriter.append(",\"age\":", to: &out)
        JSONWriter.appendInt(registered.age, to: &out)
        JSONWriter.append("},\"phone\":", to: &out)
        JSONWriter.appendString(phone, to: &out)
        JSONWriter.append(",\"cell\":", to: &out)
        JSONWriter.appendString(cell, to: &out)
        JSONWriter.append(",\"id\":{\"name\":", to: &out)
        JSONWriter.appendString(id.name, to: &out)
        JSONWriter.append(",\"value\":", to: &out)
        if let value = id.value {
            JSONWriter.appendString(value, to: &out)
        } else {
            JSONWriter.append("null", to: &out)
        }
        JSONWriter.append("},\"picture\":{\"large\":", to: &out)
        JSONWriter.appendString(picture.large, to: &out)
        JSONWriter.append(",\"medium\":", to: &out)
        JSONWriter.appendString(picture.medium, to: &out)
        JSONWriter.append(",\"thumbnail\":", to: &out)
        JSONWriter.appendString(picture.thumbnail, to: &out)
        JSONWriter.append("},\"nat\":", to: &out)
        JSONWriter.appendString(nat, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

extension RandomUserResponse {
    /// A whole randomuser.me 1.4 response body: `{"results": [...], "info": {"seed", "results", "page", "version"}}`,
    /// compact, as the API sends it with `format=json`.
    public static func apiJSONBytes(
        users: [RandomUserProfile],
        seed: String,
        page: Int,
        version: String = "1.4"
    ) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(users.count * 1100 + 96)
        JSONWriter.append("{\"results\":[", to: &out)
        for (index, user) in users.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            user.appendAPIJSON(to: &out)
        }
        JSONWriter.append("],\"info\":{\"seed\":", to: &out)
        JSONWriter.appendString(seed, to: &out)
        JSONWriter.append(",\"results\":", to: &out)
        JSONWriter.appendInt(users.count, to: &out)
        JSONWriter.append(",\"page\":", to: &out)
        JSONWriter.appendInt(page, to: &out)
        JSONWriter.append(",\"version\":", to: &out)
        JSONWriter.appendString(version, to: &out)
        JSONWriter.append("}}", to: &out)
        return out
    }
}
