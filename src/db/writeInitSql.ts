// Regenerates init.sql (mounted by docker compose) from the migrations: `bun run src/db/writeInitSql.ts`.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderInitSql } from "./migrate.ts";

writeFileSync(join(import.meta.dir, "..", "..", "init.sql"), renderInitSql());
