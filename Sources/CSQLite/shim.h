// The system SQLite (GeoPackage files are SQLite databases).
#include <sqlite3.h>
