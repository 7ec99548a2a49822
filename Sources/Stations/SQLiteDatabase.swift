import CSQLite
import Foundation

/// An SQLite failure with SQLite's own message (`sqlite3_errmsg`) and result code.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's (extended) result code.
    public var code: Int32
    /// SQLite's message.
    public var message: String
    /// The same as `message`.
    public var description: String { message }

    /// Whether SQLite says the file is damaged or not a database at all.
    public var isCorruption: Bool { code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB }
}

/// One SQLite connection, owned by one thread at a time. The handle is closed exactly once, in
/// `deinit`; statements are finalized by `Statement`'s own `deinit` and never outlive their
/// database (each holds a strong reference to it).
final class SQLiteDatabase {
    fileprivate let handle: OpaquePointer

    /// Opens a file read-only (it must exist), or a new in-memory database when `path` is nil.
    init(readingFile path: String?) throws {
        let flags = path == nil ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY) : SQLITE_OPEN_READONLY
        handle = try SQLiteDatabase.open(path ?? ":memory:", flags)
    }

    /// Opens an existing file to change it in place, waiting up to `busySeconds` for another
    /// program's lock (QGIS keeps a GeoPackage open in WAL mode): changes go through SQLite's own
    /// journal, so a crash or another connection never sees half of them.
    init(updatingFile path: String, busySeconds: Int32 = 10) throws {
        handle = try SQLiteDatabase.open(path, SQLITE_OPEN_READWRITE)
        sqlite3_busy_timeout(handle, busySeconds * 1000)
    }

    /// A connection (`flags` plus no mutex, extended result codes on), or the error SQLite gives.
    private static func open(_ path: String, _ flags: Int32) throws -> OpaquePointer {
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: status, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
        return db
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ status: Int32) -> SQLiteError {
        SQLiteError(code: status, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw SQLiteError(code: status, message: text)
        }
    }

    func prepare(_ sql: String) throws -> Statement { try Statement(self, sql) }

    /// The whole database as the bytes of a file (`sqlite3_serialize`).
    func serialized() throws -> Data {
        var size: sqlite3_int64 = 0
        guard let bytes = sqlite3_serialize(handle, "main", &size, 0) else {
            throw SQLiteError(code: SQLITE_NOMEM, message: "cannot serialize the database (out of memory)")
        }
        defer { sqlite3_free(bytes) }
        return Data(bytes: bytes, count: Int(size))
    }

    /// One prepared statement.
    final class Statement {
        private let database: SQLiteDatabase
        private let pointer: OpaquePointer

        fileprivate init(_ database: SQLiteDatabase, _ sql: String) throws {
            var statement: OpaquePointer?
            let status = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
            guard status == SQLITE_OK, let statement else {
                let error = database.error(status)
                sqlite3_finalize(statement)
                throw error
            }
            self.database = database
            pointer = statement
        }

        deinit { sqlite3_finalize(pointer) }

        enum Value {
            case null, integer(Int64), real(Double), text(String), blob([UInt8])
        }

        func bind(_ values: [Value]) throws {
            sqlite3_reset(pointer)
            sqlite3_clear_bindings(pointer)
            // SQLITE_TRANSIENT: SQLite copies the bytes before bind returns.
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (i, value) in values.enumerated() {
                let at = Int32(i + 1)
                let status: Int32
                switch value {
                case .null: status = sqlite3_bind_null(pointer, at)
                case let .integer(n): status = sqlite3_bind_int64(pointer, at, n)
                case let .real(x): status = sqlite3_bind_double(pointer, at, x)
                case let .text(s): status = sqlite3_bind_text(pointer, at, s, -1, transient)
                case let .blob(b): status = b.withUnsafeBytes { sqlite3_bind_blob(pointer, at, $0.baseAddress, Int32($0.count), transient) }
                }
                if status != SQLITE_OK { throw database.error(status) }
            }
        }

        /// Runs a statement that returns no rows, with `values` bound.
        func run(_ values: [Value] = []) throws {
            try bind(values)
            let status = sqlite3_step(pointer)
            guard status == SQLITE_DONE || status == SQLITE_ROW else { throw database.error(status) }
            sqlite3_reset(pointer)
        }

        /// Steps to the next row; false at the end.
        func step() throws -> Bool {
            let status = sqlite3_step(pointer)
            if status == SQLITE_ROW { return true }
            if status == SQLITE_DONE { return false }
            throw database.error(status)
        }

        var columnCount: Int { Int(sqlite3_column_count(pointer)) }

        func columnName(_ i: Int) -> String { String(cString: sqlite3_column_name(pointer, Int32(i))) }

        func value(_ i: Int) -> Value {
            let at = Int32(i)
            switch sqlite3_column_type(pointer, at) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(pointer, at))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(pointer, at))
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(pointer, at))
                guard let text = sqlite3_column_text(pointer, at) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(pointer, at))
                guard count > 0, let raw = sqlite3_column_blob(pointer, at) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: raw, count: count)))
            default: return .null
            }
        }

        func text(_ i: Int) -> String? { if case let .text(s) = value(i) { return s }; return nil }
        func integer(_ i: Int) -> Int64? {
            switch value(i) {
            case let .integer(n): return n
            case let .real(x) where x == x.rounded() && abs(x) < 9e15: return Int64(x)
            default: return nil
            }
        }
    }
}

extension SQLiteDatabase {
    /// A name as an SQL identifier in double quotes.
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
