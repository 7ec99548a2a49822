/// Where `GeoJSONReader.read(buffer:into:)` puts a FeatureCollection's features, one at a time in
/// document order, as it reads them: a caller that turns each feature into a smaller value of its
/// own (a demand point) never holds the layer's features all at once. A sink is a value: the
/// reader fills one on each thread it reads with and joins them with `append`.
public protocol GeoJSONFeatureSink: Sendable {
    /// How many features it has taken: the position of the next one.
    var count: Int { get }
    /// Takes the next feature, whose `index` is `count`. `failed` says that the reader found an
    /// error in it (its message is among the read's issues).
    mutating func take(_ feature: consuming GeoJSONFeature, failed: Bool)
    /// Takes the features of `later`, which were read after this sink's own and numbered from 0:
    /// their positions (and anything that names them) shift by this sink's `count`.
    mutating func append(_ later: consuming Self)
    /// An empty sink of the same kind and settings.
    func emptied() -> Self
    /// Room for `count` features in all: the reader's estimate from the first features' size.
    mutating func reserveCapacity(_ count: Int)
}

extension GeoJSONFeatureSink {
    /// `sink.count`, read through an in-place access: reading `count` of a sink held in a class
    /// (the reader's threads keep theirs there) from generic code copies the whole sink first, and
    /// the reader asks once a feature.
    static func count(inPlace sink: inout Self) -> Int { sink.count }
}

extension GeoJSONLayer {
    /// Hands every feature to `sink`, in order, each moved out (an empty feature left in its
    /// place), `failed` where the layer has an error for it: what `GeoJSONReader.read(buffer:into:)`
    /// would have handed over while reading.
    public mutating func handOver<Sink: GeoJSONFeatureSink>(to sink: inout Sink) {
        let broken = Set(issues.filter { $0.severity == .error }.compactMap(\.featureIndex))
        sink.reserveCapacity(sink.count + features.count)
        features.withUnsafeMutableBufferPointer { features in
            for k in features.indices {
                var feature = GeoJSONFeature(index: 0, geometry: nil)
                swap(&feature, &features[k])
                let failed = broken.contains(feature.index)
                sink.take(feature, failed: failed)
            }
        }
    }
}

/// The sink that keeps every feature as it is: the features of a `GeoJSONLayer`.
struct FeatureList: GeoJSONFeatureSink {
    var features: [GeoJSONFeature] = []

    var count: Int { features.count }

    mutating func take(_ feature: consuming GeoJSONFeature, failed: Bool) {
        features.append(feature)
    }

    mutating func append(_ later: consuming FeatureList) {
        let base = features.count
        // Moved, not copied: a copy would retain each feature's properties here and release them
        // when `later` goes, touching millions of objects twice for nothing.
        features.append(movingFrom: &later.features, leaving: GeoJSONFeature(index: 0, geometry: nil)) { $0.index += base }
    }

    func emptied() -> FeatureList { FeatureList() }

    mutating func reserveCapacity(_ count: Int) {
        if count > features.capacity { features.reserveCapacity(count) }
    }
}

extension Array {
    /// Appends the elements of `other`, moved out of it rather than copied (a copy would retain
    /// what each holds here and release it when `other` goes), each changed by `adjust` on the
    /// way; `other` keeps its count, every slot holding `vacant`, which should own nothing (no
    /// string or array of its own), so that freeing `other` releases nothing that moved.
    /// Inlinable, so that a caller's element type is specialized (`RecordSink`'s demand points).
    @inlinable
    public mutating func append(movingFrom other: inout [Element], leaving vacant: Element, adjust: (inout Element) -> Void) {
        let n = other.count
        guard n > 0 else { return }
        reserveCapacity(count + n)
        other.withUnsafeMutableBufferPointer { slots in
            let start = slots.baseAddress!
            // Each slot moved out exactly once, then all filled again.
            for i in 0..<n {
                var element = (start + i).move()
                adjust(&element)
                append(consume element)
            }
            start.initialize(repeating: vacant, count: n)
        }
    }
}
