/// A JSON value that keeps object key order, so that what we read and write back is stable.
public enum JSONValue: Hashable, Sendable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number (always finite: the parser refuses NaN and infinities).
    case number(Double)
    /// An integer written with more digits than a `Double` holds exactly (beyond ±2^53, such as a
    /// 19-digit id), kept as its source text so that it is written back unchanged. Its
    /// `numberValue` is the nearest `Double`.
    case bigInteger(String)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, keys in order.
    case object(JSONObject)

    /// The member `key` of an object; nil when absent or when the value is not an object.
    public subscript(key: String) -> JSONValue? {
        if case let .object(o) = self { return o[key] }
        return nil
    }

    /// The string, when the value is one.
    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    /// The number, when the value is one (a big integer's nearest `Double`).
    public var numberValue: Double? {
        switch self {
        case let .number(n): return n
        case let .bigInteger(text): return Double(text)
        default: return nil
        }
    }
    /// A number as text, exactly as an id is shown: a big integer's digits as written, other
    /// numbers in their shortest form (`JSONValue.format(number:)`); nil when not a number.
    public var numberText: String? {
        switch self {
        case let .number(n): return JSONValue.format(number: n)
        case let .bigInteger(text): return text
        default: return nil
        }
    }
    /// The boolean, when the value is one.
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    /// The elements, when the value is an array.
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    /// The object, when the value is one.
    public var objectValue: JSONObject? { if case let .object(o) = self { return o }; return nil }
    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// The JSON type's name, for messages ("string", "number", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number, .bigInteger: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// A JSON object with its keys in input (or insertion) order.
///
/// The members live in one array, in order: a small object (the usual feature properties) costs one
/// allocation and is searched linearly. From `indexedCount` members on, a dictionary from key to
/// position is kept as well, so that an object with very many keys (hostile input) is still read
/// in linear time.
public struct JSONObject: Hashable, Sendable {
    private var members: [(key: String, value: JSONValue)] = []
    private var index: [String: Int]?
    static let indexedCount = 16

    /// An empty object.
    public init() {}

    /// An object with these members in this order; a repeated key keeps its first place and its last value.
    public init(_ pairs: [(String, JSONValue)]) {
        members.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// An object of members whose keys are known to be distinct, in this order.
    init(distinctMembers: [(key: String, value: JSONValue)]) {
        members = distinctMembers
        reindex()
    }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// Whether lookups go through the key index (from `indexedCount` members on) rather than a
    /// linear search: what keeps an object of very many keys linear to read (for the tests).
    var isIndexed: Bool { index != nil }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    /// The value of `key`, or nil. Setting a new key appends it; setting an existing one keeps its
    /// place; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let newValue {
                if let i = position(of: key) {
                    members[i].value = newValue
                } else {
                    members.append((key, newValue))
                    if index != nil {
                        index![key] = members.count - 1
                    } else if members.count > JSONObject.indexedCount {
                        reindex()
                    }
                }
            } else if let i = position(of: key) {
                members.remove(at: i)
                if index != nil { reindex() }
            }
        }
    }

    private mutating func reindex() {
        guard members.count > JSONObject.indexedCount else {
            index = nil
            return
        }
        var map: [String: Int] = [:]
        map.reserveCapacity(members.count)
        for (i, m) in members.enumerated() { map[m.key] = i }
        index = map
    }

    /// The members in order.
    public var pairs: [(key: String, value: JSONValue)] { members }
    /// The number of members.
    public var count: Int { members.count }
    /// True when the object has no member.
    public var isEmpty: Bool { members.isEmpty }

    /// Equal when the same keys come in the same order with equal values.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members in order, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for m in members {
            hasher.combine(m.key)
            hasher.combine(m.value)
        }
    }
}
