import Foundation
import Geo

/// What spreadsheets put in CSV files that plain parsers refuse: full-width digits and
/// punctuation from a Chinese input method (１１３．１１), thousands separators, decimal commas,
/// and workbooks saved under a .csv name.
public enum SpreadsheetText {
    /// A number as a spreadsheet writes it.
    public enum Number: Equatable, Sendable {
        /// A finite number.
        case number(Double)
        /// A comma used as the decimal point ("113,11"): refused, since "1,234" could mean either.
        case decimalComma(String)
        /// Not a number (empty text included).
        case notNumber
    }

    /// Full-width digits, point, minus, plus, comma and space (and U+2212 minus) as ASCII.
    public static func halfWidth(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            switch u.value {
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(u.value - 0xFF10 + 0x30)!)
            case 0xFF0E: out.append(".")
            case 0xFF0D, 0x2212: out.append("-")
            case 0xFF0B: out.append("+")
            case 0xFF0C: out.append(",")
            case 0x3000: out.append(" ")
            default: out.append(u)
            }
        }
        return String(out)
    }

    /// Reads a number: full-width characters normalised, surrounding spaces trimmed, and commas
    /// accepted only as thousands separators ("6,000", "1,234.5") when `grouping` is allowed.
    public static func number(_ text: String, grouping: Bool = true) -> Number {
        let t = halfWidth(text).trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return .notNumber }
        // Decimal only: `Double(_:)` would also read "0x10" as 16, and "nan" or "inf".
        if let n = CSVFormat.decimal(t) { return .number(n) }
        guard t.contains(",") else { return .notNumber }
        if grouping, isGrouped(t), let n = CSVFormat.decimal(t.replacingOccurrences(of: ",", with: "")) { return .number(n) }
        if t.filter({ $0 == "," }).count == 1, CSVFormat.decimal(t.replacingOccurrences(of: ",", with: ".")) != nil { return .decimalComma(t) }
        return .notNumber
    }

    /// "6,000", "-1,234,567.89": groups of three digits after the first comma.
    static func isGrouped(_ t: String) -> Bool {
        var body = Substring(t)
        if body.hasPrefix("-") || body.hasPrefix("+") { body = body.dropFirst() }
        let whole = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count > 1, (1...3).contains(groups[0].count) else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) } && groups.dropFirst().allSatisfy { $0.count == 3 }
    }

    /// What to do about a decimal comma.
    public static func decimalCommaAdvice(_ column: String, _ text: String) -> String {
        "\(column) \"\(text)\" has a decimal comma; write numbers with a decimal point (\(text.replacingOccurrences(of: ",", with: "."))): in Excel or WPS set the decimal separator to \".\" (or the region to China/English) and save as CSV UTF-8 again"
    }

    /// Refuses spreadsheet workbooks given as CSV, saying how to save them as CSV.
    public static func refuseWorkbook(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw GeoJSONDocumentError(message: "the file is an Excel/WPS workbook (.xlsx, a ZIP archive), not CSV: save it as CSV UTF-8 from Excel/WPS (File > Save As > CSV UTF-8 (Comma delimited) (*.csv)) and import that file")
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw GeoJSONDocumentError(message: "the file is an old Excel/WPS workbook (.xls), not CSV: save it as CSV UTF-8 from Excel/WPS (File > Save As > CSV UTF-8 (Comma delimited) (*.csv)) and import that file")
        }
    }
}
