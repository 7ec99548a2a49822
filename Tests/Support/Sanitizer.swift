import Foundation

/// Whether the tests run under ThreadSanitizer (`scripts/sanitizers.sh thread` sets
/// `NUANXIN_SANITIZER=thread`). Tests of the two-thread solver hand work between threads thousands
/// of times a solve; under TSan, on a machine whose cores are all busy (CI runs the suite beside
/// it), every hand-over can wait a scheduler tick, so those tests run fewer cases there: enough to
/// run every path between the threads, not the whole spread of instances the normal run checks.
public let underThreadSanitizer = ProcessInfo.processInfo.environment["NUANXIN_SANITIZER"] == "thread"
