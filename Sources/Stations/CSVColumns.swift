/// The columns that station, demand and candidate CSV files may have, named as the layers'
/// properties. Each accepts the English name and the headers Chinese spreadsheets usually use.
public enum CSVColumn: String, CaseIterable, Sendable {
    /// The id, name, longitude and latitude (degrees, WGS84), station kind and seats.
    case id, name, lon, lat, kind, seats
    /// Charging ports.
    case chargingPorts = "charging_ports"
    /// Services, the district and opening hours.
    case services, district, hours
    case `operator`
    /// Demand weight in riders.
    case weight
    /// The most seats a candidate site can hold.
    case maxSeats = "max_seats"
    /// The English name.
    case nameEn = "name_en"

    /// The header names that mean this column, in normalized form (see `normalizedHeader(_:)`).
    public var headerNames: [String] {
        switch self {
        case .id: return ["id", "编号", "序号"]
        case .name: return ["name", "名称", "站点名称", "驿站名称"]
        case .lon: return ["lon", "lng", "longitude", "经度"]
        case .lat: return ["lat", "latitude", "纬度"]
        case .kind: return ["kind", "type", "类型", "站点类型"]
        case .seats: return ["seats", "座位数", "座位"]
        case .chargingPorts: return ["charging_ports", "充电口", "充电桩数"]
        case .services: return ["services", "服务", "服务项目"]
        case .district: return ["district", "区县", "所属区县"]
        case .hours: return ["hours", "开放时间", "营业时间"]
        case .operator: return ["operator", "运营单位", "运营方"]
        case .weight: return ["weight", "需求", "权重"]
        case .maxSeats: return ["max_seats", "最大座位数"]
        case .nameEn: return ["name_en", "英文名称"]
        }
    }

    private static let byHeaderName: [String: CSVColumn] = {
        var table: [String: CSVColumn] = [:]
        for column in allCases {
            for name in column.headerNames { table[name] = column }
        }
        return table
    }()

    /// The column a header name means ("经度", " Longitude ", "Charging Ports"), or nil.
    public init?(header: String) {
        guard let column = Self.byHeaderName[Self.normalizedHeader(header)] else { return nil }
        self = column
    }

    /// A header name with surrounding white space (ASCII, ideographic, stray BOMs) trimmed, in
    /// lower case, and with inner runs of spaces and hyphens turned into one underscore.
    public static func normalizedHeader(_ header: String) -> String {
        var result = ""
        var pendingSeparator = false
        for scalar in trimmingPadding(header).unicodeScalars {
            if scalar == " " || scalar == "-" || scalar == "\u{3000}" {
                pendingSeparator = true
                continue
            }
            if pendingSeparator { result.append("_"); pendingSeparator = false }
            result.unicodeScalars.append(scalar)
        }
        return result.lowercased()
    }

    /// `text` without surrounding white space or byte order marks.
    static func trimmingPadding(_ text: String) -> String {
        let isPadding = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || scalar == "\u{FEFF}" }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPadding($0) }),
              let last = scalars.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(scalars[first ... last])
    }
}

/// Where each column of a CSV header is: known columns by `CSVColumn`, other named columns as
/// extra properties, in header order.
public struct CSVColumnMap: Equatable, Sendable {
    /// A column whose header is not one of `CSVColumn`; its values become extra properties.
    public struct Extra: Equatable, Sendable {
        /// The header as written, trimmed.
        public var name: String
        /// The 0-based position of the column.
        public var index: Int
    }

    /// The number of fields in the header.
    public let width: Int
    /// The extra columns, in header order.
    public let extras: [Extra]
    /// 0-based positions of columns with an empty header (spreadsheets often add some at the end);
    /// the caller decides whether values there deserve a warning.
    public let unnamed: [Int]
    private let positions: [CSVColumn: Int]

    /// Maps a header record. Two headers meaning the same column ("lon" and "经度", or the same
    /// name twice) are a `.duplicateColumn` error on the header's line naming both.
    public init(header: CSVRecord) throws(CSVError) {
        var positions: [CSVColumn: Int] = [:]
        var extras: [Extra] = []
        var extraByKey: [String: Int] = [:]
        var unnamed: [Int] = []
        for (index, raw) in header.fields.enumerated() {
            let key = CSVColumn.normalizedHeader(raw)
            if key.isEmpty { unnamed.append(index); continue }
            let previous: Int?
            if let column = CSVColumn(header: raw) {
                previous = positions[column]
                if previous == nil { positions[column] = index }
            } else {
                previous = extraByKey[key]
                if previous == nil {
                    extraByKey[key] = index
                    extras.append(Extra(name: CSVColumn.trimmingPadding(raw), index: index))
                }
            }
            if let previous {
                let meaning = CSVColumn(header: raw).map { " both mean \"\($0.rawValue)\"" } ?? " are the same column"
                throw CSVError(
                    .duplicateColumn, line: header.line,
                    message: "columns \(previous + 1) (\"\(CSVColumn.trimmingPadding(header.fields[previous]))\") and \(index + 1) (\"\(CSVColumn.trimmingPadding(raw))\")\(meaning); keep one of them"
                )
            }
        }
        width = header.fields.count
        self.positions = positions
        self.extras = extras
        self.unnamed = unnamed
    }

    /// The 0-based position of `column`, or nil when the header does not have it.
    public func index(of column: CSVColumn) -> Int? { positions[column] }

    /// The field of `record` in `column`, or nil when the header lacks the column or the record is
    /// shorter than the header.
    public func value(of column: CSVColumn, in record: CSVRecord) -> String? {
        guard let index = positions[column], index < record.fields.count else { return nil }
        return record.fields[index]
    }
}
