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
        let count = later.features.count
        // Moved, not copied: a copy would retain each feature's properties here and release them
        // when `later` goes, touching millions of objects twice for nothing.
        later.features.withUnsafeMutableBufferPointer { read in
            guard let start = read.baseAddress, count > 0 else { return }
            features.append(contentsOf: MovedFeatures(start: start, count: count, shift: base))
            // The slots are uninitialised now: features that own nothing go in, so that the array
            // is freed without releasing what moved out.
            start.initialize(repeating: GeoJSONFeature(index: 0, geometry: nil), count: count)
        }
    }

    func emptied() -> FeatureList { FeatureList() }

    mutating func reserveCapacity(_ count: Int) {
        if count > features.capacity { features.reserveCapacity(count) }
    }
}

/// The features of a buffer moved out one by one (each slot left uninitialised), their positions
/// shifted by `shift`.
private struct MovedFeatures: Sequence, IteratorProtocol {
    let start: UnsafeMutablePointer<GeoJSONFeature>
    let count: Int
    let shift: Int
    var position = 0

    var underestimatedCount: Int { count - position }

    mutating func next() -> GeoJSONFeature? {
        guard position < count else { return nil }
        var feature = (start + position).move()
        position += 1
        feature.index += shift
        return feature
    }
}
