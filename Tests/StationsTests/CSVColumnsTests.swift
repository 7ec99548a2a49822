import Testing
@testable import Stations

@Suite("CSV header mapping: English and Chinese names, extras, duplicates")
struct CSVColumnsTests {
    @Test("Chinese headers map to the canonical columns and unknown headers become extras")
    func chineseHeaders() throws {
        let header = CSVRecord(line: 1, fields: ["编号", "驿站名称", "经度", "纬度", "站点类型", "座位数", "充电桩数", "服务项目", "所属区县", "营业时间", "运营方", "备注"])
        let map = try CSVColumnMap(header: header)
        let expected: [(CSVColumn, Int)] = [
            (.id, 0), (.name, 1), (.lon, 2), (.lat, 3), (.kind, 4), (.seats, 5), (.chargingPorts, 6),
            (.services, 7), (.district, 8), (.hours, 9), (.operator, 10),
        ]
        for (column, index) in expected { #expect(map.index(of: column) == index, "\(column)") }
        #expect(map.extras == [CSVColumnMap.Extra(name: "备注", index: 11)])
        #expect(map.index(of: .weight) == nil)
        #expect(map.width == 12)
    }

    @Test("English headers match case-insensitively with spaces trimmed and inner spaces or hyphens as underscores")
    func englishHeaders() throws {
        let map = try CSVColumnMap(header: CSVRecord(line: 1, fields: [" ID ", "Longitude", "LAT", "Charging Ports", "max-seats", "Name_EN", "Weight\u{3000}", "Notes "]))
        #expect(map.index(of: .id) == 0)
        #expect(map.index(of: .lon) == 1)
        #expect(map.index(of: .lat) == 2)
        #expect(map.index(of: .chargingPorts) == 3)
        #expect(map.index(of: .maxSeats) == 4)
        #expect(map.index(of: .nameEn) == 5)
        #expect(map.index(of: .weight) == 6)
        #expect(map.extras == [CSVColumnMap.Extra(name: "Notes", index: 7)])
    }

    @Test("every alias of every column maps back to that column")
    func everyAlias() {
        for column in CSVColumn.allCases {
            #expect(CSVColumn(header: column.rawValue) == column)
            for name in column.headerNames { #expect(CSVColumn(header: name) == column, "\(name)") }
        }
        #expect(CSVColumn(header: "lng") == .lon)
        #expect(CSVColumn(header: "序号") == .id)
        #expect(CSVColumn(header: "x") == nil)
    }

    @Test("two headers for the same column are an error naming both")
    func duplicateCanonicalColumn() throws {
        let error = #expect(throws: CSVError.self) {
            try CSVColumnMap(header: CSVRecord(line: 1, fields: ["id", "lon", "lat", "经度"]))
        }
        #expect(error?.reason == .duplicateColumn)
        #expect(error?.line == 1)
        #expect(error?.message.contains("\"lon\"") == true)
        #expect(error?.message.contains("\"经度\"") == true)
    }

    @Test("the same extra header twice is an error naming both")
    func duplicateExtraColumn() throws {
        let error = #expect(throws: CSVError.self) {
            try CSVColumnMap(header: CSVRecord(line: 3, fields: ["id", "备注", "name", "备注 "]))
        }
        #expect(error?.reason == .duplicateColumn)
        #expect(error?.line == 3)
        #expect(error?.message.contains("columns 2") == true)
        #expect(error?.message.contains("4") == true)
    }

    @Test("empty headers are listed as unnamed, not as extras")
    func unnamedColumns() throws {
        let map = try CSVColumnMap(header: CSVRecord(line: 1, fields: ["id", "", "lon", "lat", " "]))
        #expect(map.unnamed == [1, 4])
        #expect(map.extras.isEmpty)
        #expect(map.index(of: .lat) == 3)
    }

    @Test("values are looked up by column, nil when the column or the field is missing")
    func valuesByColumn() throws {
        let table = try CSVReader.parse(utf8("序号,经度,纬度\nq1,113.1,36.2\nq2,113.3\n"))
        let map = try CSVColumnMap(header: try #require(table.header))
        #expect(map.value(of: .id, in: table.rows[0]) == "q1")
        #expect(map.value(of: .lat, in: table.rows[0]) == "36.2")
        #expect(map.value(of: .lat, in: table.rows[1]) == nil)
        #expect(map.value(of: .name, in: table.rows[0]) == nil)
    }
}
