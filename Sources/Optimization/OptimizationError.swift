/// Why an optimisation problem (assignment, allocation, site selection, or the planning built on
/// them) was refused.
public enum OptimizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is malformed (a negative or non-finite weight or capacity, an index out of range, a
    /// duplicate id, lengths that do not match); the text says what.
    case invalidInput(String)
    /// The work asked for is beyond a named limit (a grid of too many cells); the message says
    /// which limit and what to change.
    case limitExceeded(String)

    /// "invalid planning input: …" for malformed input; the message itself for an exceeded limit.
    public var description: String {
        switch self {
        case .invalidInput(let why): return "invalid planning input: \(why)"
        case .limitExceeded(let why): return why
        }
    }
}

/// The old name of `OptimizationError`, from when the type lived with the planning code.
@available(*, deprecated, renamed: "OptimizationError")
public typealias PlanningError = OptimizationError
