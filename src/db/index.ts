// The database module's public surface.

export { openDatabase, DatabaseUnavailableError, type Database, type Queryable, type OpenDatabaseOptions } from "./database.ts";
