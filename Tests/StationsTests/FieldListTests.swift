import Testing
import Stations

/// Lists written as text (a CSV cell, a GeoPackage column): every form gives the same items, with
/// empty and null items dropped.
@Suite struct FieldListTests {
    @Test("GDAL's JSON-array text, its (count:...) form and a split cell give the same items; empty, blank and null items are dropped, items trimmed")
    func listForms() {
        #expect(FieldValues.list(#"[ "rest", "water" ]"#) == ["rest", "water"])
        #expect(FieldValues.list(#"[ "rest", "", " water ", null ]"#) == ["rest", "water"])
        #expect(FieldValues.list("(2:rest,water)") == ["rest", "water"])
        #expect(FieldValues.list("rest; ;water") == ["rest", "water"])
        #expect(FieldValues.list("[]") == [])
    }
}
