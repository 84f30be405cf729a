import CQLWire
import GRDB

/// One WHERE (or IF) relation, its values evaluated for the column's type.
struct CQLRestriction: Sendable {
    var column: CQLColumnDefinition
    var op: CQLRelation.Operator
    /// One value, or the candidates of IN.
    var values: [CQLValue]

    var isEqualityOrIn: Bool { op == .equal || op == .in }
    var isSlice: Bool { [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) }

    static func evaluate(
        _ relations: [CQLRelation],
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator,
        isCondition: Bool = false
    ) throws(CQLEngineError) -> [CQLRestriction] {
        var restrictions: [CQLRestriction] = []
        for relation in relations {
            let column = try table.requireColumn(relation.column)
            var values: [CQLValue]
            switch relation.op {
            case .in:
                if case .list(let terms) = relation.value {
                    values = []
                    for term in terms {
                        values.append(try evaluator.value(term, as: column.cqlType, receiver: column.name))
                    }
                } else {
                    let list = try evaluator.value(
                        relation.value,
                        as: .list(column.cqlType),
                        receiver: "in(\(column.name))"
                    )
                    switch list {
                    case .list(let elements), .set(let elements): values = elements
                    case .unset: throw CQLEngineError.invalid("Invalid unset value for column \(column.name)")
                    default: throw CQLEngineError.invalid("Invalid null value for IN restriction on \(column.name)")
                    }
                }
            case .contains:
                let element: CQLType
                switch column.cqlType {
                case .list(let type), .set(let type), .map(_, let type): element = type
                default: throw CQLEngineError.invalid("Cannot use CONTAINS on non-collection column \(column.name)")
                }
                values = [try evaluator.value(relation.value, as: element, receiver: column.name)]
            case .containsKey:
                guard case .map(let key, _) = column.cqlType else {
                    throw CQLEngineError.invalid("Cannot use CONTAINS KEY on non-map column \(column.name)")
                }
                values = [try evaluator.value(relation.value, as: key, receiver: column.name)]
            default:
                values = [try evaluator.value(relation.value, as: column.cqlType, receiver: column.name)]
            }
            for value in values {
                if case .unset = value { throw CQLEngineError.invalid("Invalid unset value for column \(column.name)") }
                if value.isNull && !isCondition {
                    throw CQLEngineError.invalid("Invalid null value in condition for column \(column.name)")
                }
            }
            if !isCondition && relation.op == .notEqual {
                throw CQLEngineError.invalid("Unsupported \"!=\" relation: \(column.name) != ...")
            }
            restrictions.append(CQLRestriction(column: column, op: relation.op, values: values))
        }
        return restrictions
    }

    /// Whether Cassandra would need ALLOW FILTERING for these restrictions (no secondary indexes here).
    /// CONTAINS / CONTAINS KEY.
    var isContainment: Bool { op == .contains || op == .containsKey }

    static func requiresFiltering(_ restrictions: [CQLRestriction], table: CQLTableDefinition) -> Bool {
        let byColumn = Dictionary(grouping: restrictions, by: { $0.column.name })
        var partitionRestricted = 0
        for column in table.partitionKey {
            guard let list = byColumn[column.name] else { continue }
            if list.contains(where: { !$0.isEqualityOrIn }) { return true }
            partitionRestricted += 1
        }
        if partitionRestricted > 0 && partitionRestricted < table.partitionKey.count { return true }
        let partitionFull = partitionRestricted == table.partitionKey.count
        var previousRestricted = true
        var sliced = false
        for column in table.clustering {
            guard let list = byColumn[column.name] else {
                previousRestricted = false
                continue
            }
            if !partitionFull || !previousRestricted || sliced { return true }
            if list.contains(where: { $0.op == .contains || $0.op == .containsKey }) { return true }
            if list.contains(where: \.isSlice) { sliced = true }
        }
        for restriction in restrictions where !restriction.column.isPrimaryKey { _ = restriction; return true }
        return false
    }

    /// Whether every partition key column is restricted by = or IN.
    static func partitionRestricted(_ restrictions: [CQLRestriction], table: CQLTableDefinition) -> Bool {
        table.partitionKey.allSatisfy { column in
            restrictions.contains { $0.column.name == column.name && $0.isEqualityOrIn }
        }
    }

    /// SQL for the restrictions, `AND`ed, with its arguments.
    static func sql(_ restrictions: [CQLRestriction]) throws(CQLEngineError) -> (String, [DatabaseValue]) {
        var parts: [String] = []
        var arguments: [DatabaseValue] = []
        for restriction in restrictions {
            let column = CQLSQL.quote(restriction.column.name)
            let type = restriction.column.cqlType
            switch restriction.op {
            case .in:
                if restriction.values.isEmpty {
                    parts.append("0")
                } else {
                    parts.append("\(column) IN (\(restriction.values.map { _ in "?" }.joined(separator: ", ")))")
                    for value in restriction.values {
                        arguments.append(try CQLSQLiteMapping.databaseValue(value, as: type))
                    }
                }
            case .contains, .containsKey:
                let elementType: CQLType
                let path: String
                switch (type, restriction.op) {
                case (.map(let key, _), .containsKey):
                    elementType = key
                    path = "json_extract(value, '$[0]')"
                case (.map(_, let value), _):
                    elementType = value
                    path = "json_extract(value, '$[1]')"
                case (.list(let element), _), (.set(let element), _):
                    elementType = element
                    path = "value"
                default:
                    throw CQLEngineError.invalid(
                        "Cannot use CONTAINS on non-collection column \(restriction.column.name)"
                    )
                }
                parts.append("EXISTS (SELECT 1 FROM json_each(\(column)) WHERE \(path) = ?)")
                arguments.append(try CQLSQLiteMapping.databaseValue(restriction.values[0], as: elementType))
            case .notEqual:
                throw CQLEngineError.invalid("Unsupported \"!=\" relation on \(restriction.column.name)")
            default:
                parts.append("\(column) \(restriction.op.rawValue) ?")
                arguments.append(try CQLSQLiteMapping.databaseValue(restriction.values[0], as: type))
            }
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), arguments)
    }

    /// In-memory check of one row (values by column name), for computed tables and LWT conditions.
    func matches(_ value: CQLValue) -> Bool {
        switch op {
        case .equal: return CQLValueOrder.compare(value, values[0]) == 0 && (!value.isNull || values[0].isNull)
        case .notEqual: return CQLValueOrder.compare(value, values[0]) != 0
        case .in: return values.contains { CQLValueOrder.compare(value, $0) == 0 }
        case .less: return !value.isNull && CQLValueOrder.compare(value, values[0]) < 0
        case .lessOrEqual: return !value.isNull && CQLValueOrder.compare(value, values[0]) <= 0
        case .greater: return !value.isNull && CQLValueOrder.compare(value, values[0]) > 0
        case .greaterOrEqual: return !value.isNull && CQLValueOrder.compare(value, values[0]) >= 0
        case .contains:
            switch value {
            case .list(let elements), .set(let elements):
                return elements.contains { CQLValueOrder.compare($0, values[0]) == 0 }
            case .map(let pairs): return pairs.contains { CQLValueOrder.compare($0.1, values[0]) == 0 }
            default: return false
            }
        case .containsKey:
            if case .map(let pairs) = value { return pairs.contains { CQLValueOrder.compare($0.0, values[0]) == 0 } }
            return false
        }
    }
}
