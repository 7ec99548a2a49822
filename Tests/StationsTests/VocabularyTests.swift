import Stations
import Testing

@Suite("Chinese words for kinds and services")
struct VocabularyTests {
    @Test("every kind and service has Chinese words, and each word means one thing")
    func complete() {
        for kind in StationKind.allCases {
            #expect(!(Vocabulary.kindWords[kind] ?? []).isEmpty, "\(kind)")
            #expect(Vocabulary.kind(kind.rawValue) == kind)
            for word in Vocabulary.kindWords[kind]! { #expect(Vocabulary.kind(word) == kind, "\(word)") }
        }
        for service in StationService.allCases {
            #expect(!(Vocabulary.serviceWords[service] ?? []).isEmpty, "\(service)")
            #expect(Vocabulary.service(service.rawValue) == service)
            for word in Vocabulary.serviceWords[service]! { #expect(Vocabulary.service(word) == service, "\(word)") }
        }
        let kindWords = Vocabulary.kindWords.values.flatMap { $0 }
        #expect(Set(kindWords).count == kindWords.count)
        let serviceWords = Vocabulary.serviceWords.values.flatMap { $0 }
        #expect(Set(serviceWords).count == serviceWords.count)
    }

    @Test("the words of the article", arguments: [
        ("暖新驿站", "warm_station"), ("暖\"新\"驿站", "warm_station"), ("暖“新”驿站", "warm_station"), ("工会驿站", "union_station"),
        ("骑手驿站", "rider_station"), ("党群服务中心", "service_center"), ("充电桩", "charging_point"), ("爱心商户", "partner_venue"),
        (" Warm_Station ", "warm_station"),
    ])
    func kinds(_ word: String, _ code: String) {
        #expect(Vocabulary.kind(word)?.rawValue == code)
    }

    @Test("service words", arguments: [
        ("休息", "rest"), ("饮水", "water"), ("热饭", "hot_meal"), ("充电", "charging"), ("换电", "battery_swap"),
        ("雨伞", "umbrella"), ("卫生间", "restroom"), ("理发", "haircut"), ("法律援助", "legal_aid"), ("培训", "training"),
        ("急救", "first_aid"), ("心理咨询", "counseling"), ("体检", "health_check"),
    ])
    func services(_ word: String, _ code: String) {
        #expect(Vocabulary.service(word)?.rawValue == code)
    }

    @Test("unknown words are nil, and the lists of known ones name both languages")
    func unknown() {
        #expect(Vocabulary.kind("驿站") == nil)
        #expect(Vocabulary.kind("") == nil)
        #expect(Vocabulary.service("按摩") == nil)
        #expect(Vocabulary.knownKinds.contains("warm_station (暖新驿站"))
        #expect(Vocabulary.knownServices.contains("rest (休息"))
        #expect(StationKind.serviceCenter.chineseName == "党群服务中心")
        #expect(StationService.hotMeal.chineseName == "热饭")
    }
}
