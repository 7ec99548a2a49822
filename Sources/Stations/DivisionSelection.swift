/// Choosing divisions by id or name, as the `--district` options of the planning commands do.
public struct UnknownDivision: Error, Sendable, CustomStringConvertible {
    /// What was asked for.
    public var wanted: String
    /// "id name" of every division of the dataset, in layer order.
    public var known: [String]

    /// "wanted: no such district (known: id name, ...)".
    public var description: String { "\(wanted): no such district (known: \(known.joined(separator: ", ")))" }
}

extension Dataset {
    /// Indices of the divisions matching each of `wanted` (id, name, or English name in any case),
    /// each once, in the order asked; nil when `wanted` is empty (every division).
    public func divisionIndices(matching wanted: [String]) throws(UnknownDivision) -> [Int]? {
        guard !wanted.isEmpty else { return nil }
        var out: [Int] = []
        for name in wanted {
            guard let i = districts.firstIndex(where: { $0.id == name || $0.name == name || $0.nameEN?.lowercased() == name.lowercased() }) else {
                throw UnknownDivision(wanted: name, known: districts.map { "\($0.id) \($0.name)" })
            }
            if !out.contains(i) { out.append(i) }
        }
        return out
    }
}
