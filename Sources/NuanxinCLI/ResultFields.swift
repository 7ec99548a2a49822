import Geo

/// The real-valued fields of each result (json and GeoJSON): written as `60.0` even when a run
/// gives a whole number, so that a field has one type in every run (GDAL and pandas type a
/// field by its values). Counts (seats, stations, rank) stay integers.
enum ResultFields {
    static let coverage: Set<String> = ["riders_per_seat", "demand_factor", "radius_m", "capacity", "pressure", "demand", "covered", "covered_pct", "served", "served_pct", "utilisation_pct", "nearest_demand"]
    static let gaps: Set<String> = ["radius_m", "cell_m", "merge_m", "min_demand", "uncovered_demand", "area_km2", "shown_demand", "centroid_lon", "centroid_lat"]
    static let proposals: Set<String> = ["radius_m", "demand", "covered_pct_before", "covered_pct_after", "upper_bound_pct", "best_pct", "gain", "spillover", "lon", "lat",
                                         "riders_per_seat", "min_spacing_m", "budget", "served_pct_before", "served_pct_after", "cost_total", "cost", "riders", "mean_distance_m"]
    static let hourly: Set<String> = ["riders_per_seat", "radius_m", "demand", "covered", "covered_pct", "served", "served_pct"]
    static let areas: Set<String> = ["distance_m", "rest", "parking", "charging", "meals", "riders_per_seat", "max_riders_per_seat", "max_riders_per_slot", "riders_per_rest_seat", "riders_per_parking_slot", "peak_riders", "riders"]
    static let load: Set<String> = ["riders_per_seat", "demand_factor", "radius_m", "capacity", "catchment", "assigned", "utilisation_pct", "pressure"]
    /// (The query's lon/lat are echoed as given.)
    static let stations: Set<String> = ["radius_m", "distance_m"]
    /// The query point's feature in GeoJSON: its coordinates as given, as reals.
    static let queryPoint: Set<String> = ["lon", "lat", "radius_m"]
}
