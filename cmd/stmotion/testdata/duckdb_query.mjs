// Runs SQL queries with DuckDB (the @duckdb/node-api npm package) for the
// interop test of `stmotion analyze` (analyze_duckdb_test.go).
//
// stdin:  {"queries": {"name": "SQL", ...}}
// stdout: {"name": {"columns": [...], "types": [...], "rows": [[...], ...]}, ...}
//
// Values are JSON-safe: BIGINT and DECIMAL come as strings, DOUBLE as
// numbers, timestamps as text. The package is loaded from the directory in
// STMOTION_NODE_MODULES (.ci/node_modules by default), so it never needs to
// be installed next to this file.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const modules = resolve(process.env.STMOTION_NODE_MODULES || '.ci/node_modules');
const require = createRequire(join(modules, 'noop.js'));
const { DuckDBInstance } = require('@duckdb/node-api');

const input = JSON.parse(readFileSync(0, 'utf8'));
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const out = {};
for (const [name, sql] of Object.entries(input.queries)) {
  try {
    const r = await con.runAndReadAll(sql);
    out[name] = {
      columns: r.columnNames(),
      types: r.columnTypes().map((t) => t.toString()),
      rows: r.getRowsJson(),
    };
  } catch (e) {
    out[name] = { error: String(e && e.message ? e.message : e) };
  }
}
process.stdout.write(JSON.stringify(out));
