import Foundation

/// Locale-free number and text formatting with fixed decimals, so the same data gives the same bytes.
enum Fmt {
    /// `v` with exactly `decimals` decimals (no "-0").
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (abs(v) * scale).rounded()
        let negative = v < 0 && r != 0
        guard r < 9e15 else { return String(v) }
        let n = Int64(r)
        let p = Int64(scale)
        var s = "\(n / p)"
        if decimals > 0 {
            let frac = String(n % p)
            s += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return negative ? "-" + s : s
    }

    /// A whole number with thousands separators: 12,345.
    static func int(_ v: Double) -> String {
        let s = fixed(v, 0)
        let negative = s.hasPrefix("-")
        let digits = Array(negative ? s.dropFirst() : Substring(s))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return negative ? "-" + out : out
    }

    static func pct(_ v: Double) -> String { fixed(v, 1) + "%" }

    /// Pixel coordinates: one decimal.
    static func px(_ v: Double) -> String { fixed(v, 1) }

    /// Text for XML and HTML content and attributes.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters are not allowed in XML 1.0.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    /// Rough rendered width of `s` at `fontSize`: CJK characters are square, others about 0.58 em.
    static func textWidth(_ s: String, fontSize: Double) -> Double {
        var w = 0.0
        for u in s.unicodeScalars {
            w += (u.value >= 0x2E80 && u.value <= 0xFFEF) ? fontSize : fontSize * 0.58
        }
        return w
    }
}
