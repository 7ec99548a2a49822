import Foundation

/// An exclusive lock on a dataset folder for a whole read–merge–write (`import`): an `flock` on
/// `.nuanxin.lock` in the folder. Two processes changing one dataset then take turns and never
/// lose each other's features. Readers take no lock: every write is an atomic rename, so they see
/// the old file or the new one, whole.
public enum DatasetLock {
    /// The lock file's name inside the dataset folder.
    public static let fileName = ".nuanxin.lock"

    /// The lock file could not be opened or locked.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The lock file's path.
        public var path: String
        /// The operating system's reason (strerror).
        public var reason: String
        /// "cannot lock the dataset: path: reason".
        public var description: String { "cannot lock the dataset: \(path): \(reason)" }
    }

    /// Runs `body` holding the folder's lock, waiting for another holder to finish first. A folder
    /// that does not exist is not locked (`body` then finds no dataset there).
    public static func exclusive<T>(_ folder: String, _ body: () throws -> T) throws -> T {
        let path = (folder as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            // No folder: there is nothing to protect, and loading will name what is missing (66).
            if errno == ENOENT || errno == ENOTDIR { return try body() }
            throw Failure(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
