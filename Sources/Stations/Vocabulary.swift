/// The kinds of station a dataset may list. Unknown kinds are errors, never silently dropped.
public enum StationKind: String, CaseIterable, Codable, Sendable {
    /// A 暖"新"驿站 (warm station) for new-economy workers ("warm_station").
    case warmStation = "warm_station"
    /// A trade-union station for outdoor workers ("union_station").
    case unionStation = "union_station"
    /// A rider station or riders' home ("rider_station").
    case riderStation = "rider_station"
    /// A party and public service centre ("service_center").
    case serviceCenter = "service_center"
    /// A charging or battery-swap point ("charging_point"); offers no rest by default.
    case chargingPoint = "charging_point"
    /// A partner shop or venue that welcomes riders ("partner_venue"); offers no rest by default.
    case partnerVenue = "partner_venue"

    /// Whether a station of this kind offers rest by default: every kind except charging points
    /// and partner venues.
    public var offersRest: Bool {
        switch self {
        case .chargingPoint, .partnerVenue: return false
        default: return true
        }
    }

    /// The codes of every kind, comma-separated, for messages.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The services a station may offer. Unknown services are errors.
public enum StationService: String, CaseIterable, Codable, Sendable {
    /// A place to rest ("rest") and drinking water ("water").
    case rest, water
    /// Hot meals ("hot_meal").
    case hotMeal = "hot_meal"
    /// A microwave ("microwave") and charging ("charging").
    case microwave, charging
    /// Battery swapping ("battery_swap").
    case batterySwap = "battery_swap"
    /// Umbrellas, a restroom, a shower, reading, fitness and haircuts.
    case umbrella, restroom, shower, reading, fitness, haircut
    /// Health checks ("health_check").
    case healthCheck = "health_check"
    /// Counselling ("counseling").
    case counseling
    /// Legal aid ("legal_aid").
    case legalAid = "legal_aid"
    /// Skills training ("training").
    case training
    /// First aid ("first_aid").
    case firstAid = "first_aid"
    /// Wi-Fi ("wifi").
    case wifi

    /// The codes of every service, comma-separated, for messages.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Kinds of division in `districts.geojson`: zones may overlap districts and counties.
public enum DivisionKind: String, CaseIterable, Codable, Sendable {
    /// A county-level district, a county, or a development zone.
    case district, county, zone

    /// The codes of every division kind, comma-separated, for messages.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

// MARK: - Chinese words

/// The words Chinese data uses for station kinds and services. Layers and CSV files may write a
/// kind or service either as its English code or as one of these words; the dataset keeps the
/// English code. The first word of each list is the usual one and is the one messages show.
public enum Vocabulary {
    /// The Chinese words for each station kind, the usual one first.
    public static let kindWords: [StationKind: [String]] = [
        .warmStation: ["暖新驿站", "暖心驿站"],
        .unionStation: ["工会驿站", "户外劳动者服务站点", "户外劳动者服务站", "工会户外劳动者服务站点"],
        .riderStation: ["骑手驿站", "骑手之家", "小哥驿站"],
        .serviceCenter: ["党群服务中心", "党群服务站", "新就业群体服务中心"],
        .chargingPoint: ["充电桩", "充电站", "换电站", "换电柜"],
        .partnerVenue: ["爱心商户", "爱心商家", "暖新商户"],
    ]

    /// The Chinese words for each service, the usual one first.
    public static let serviceWords: [StationService: [String]] = [
        .rest: ["休息", "临时休息", "休息室"],
        .water: ["饮水", "喝水", "热水"],
        .hotMeal: ["热饭", "热餐", "用餐", "就餐"],
        .microwave: ["微波炉"],
        .charging: ["充电", "应急充电"],
        .batterySwap: ["换电"],
        .umbrella: ["雨伞", "共享雨伞", "借伞"],
        .restroom: ["卫生间", "厕所", "如厕"],
        .shower: ["淋浴", "洗浴", "浴室"],
        .reading: ["阅读", "书屋", "读书角", "图书"],
        .fitness: ["健身"],
        .haircut: ["理发"],
        .healthCheck: ["体检", "健康检查", "义诊"],
        .counseling: ["心理咨询", "心理疏导"],
        .legalAid: ["法律援助", "法律咨询", "法律维权"],
        .training: ["培训", "技能培训", "讲堂"],
        .firstAid: ["急救", "医药箱", "应急药箱"],
        .wifi: ["无线网络", "无线上网", "免费上网"],
    ]

    private static let kindByWord: [String: StationKind] = table(kindWords, StationKind.allCases)
    private static let serviceByWord: [String: StationService] = table(serviceWords, StationService.allCases)

    private static func table<T: RawRepresentable & Hashable>(_ words: [T: [String]], _ all: [T]) -> [String: T] where T.RawValue == String {
        var out: [String: T] = [:]
        for value in all {
            out[value.rawValue] = value
            for w in words[value] ?? [] { out[normalized(w)] = value }
        }
        return out
    }

    /// A word as looked up: without surrounding white space or quotation marks around single
    /// characters (暖"新"驿站, 暖“新”驿站 and 暖新驿站 are one word), English in lower case.
    static func normalized(_ word: String) -> String {
        String(word.trimmingWhitespace().filter { !quoteMarks.contains($0) }).lowercased()
    }

    private static let quoteMarks: Set<Character> = ["\"", "'", "“", "”", "‘", "’", "「", "」", "『", "』"]

    /// The kind a code or Chinese word means, or nil. A code as written (the usual case, 100,000
    /// times in a large layer) is found without normalising: a code is its own normal form.
    public static func kind(_ word: String) -> StationKind? { StationKind(rawValue: word) ?? kindByWord[normalized(word)] }

    /// The service a code or Chinese word means, or nil (a code as written without normalising).
    public static func service(_ word: String) -> StationService? { StationService(rawValue: word) ?? serviceByWord[normalized(word)] }

    /// "warm_station (暖新驿站, 暖心驿站), union_station (…)" for messages.
    public static var knownKinds: String { known(StationKind.allCases, kindWords) }
    /// The same for services: each code with its Chinese words, for messages.
    public static var knownServices: String { known(StationService.allCases, serviceWords) }

    private static func known<T: RawRepresentable & Hashable>(_ all: [T], _ words: [T: [String]]) -> String where T.RawValue == String {
        all.map { "\($0.rawValue) (\((words[$0] ?? []).joined(separator: ", ")))" }.joined(separator: ", ")
    }
}

extension StationKind {
    /// The usual Chinese word for the kind.
    public var chineseName: String { Vocabulary.kindWords[self]![0] }
}

extension StationService {
    /// The usual Chinese word for the service.
    public var chineseName: String { Vocabulary.serviceWords[self]![0] }
}
