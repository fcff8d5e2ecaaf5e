// Reads Parquet files with two readers that share no code with arrow-go or
// DuckDB, for the interop test of `stmotion analyze`
// (analyze_readers_test.go): parquet-wasm (the Rust parquet crate of
// arrow-rs, which polars and DataFusion build on, compiled to WebAssembly;
// its Arrow IPC output read with apache-arrow) and hyparquet (a parquet
// reader written in JavaScript, with hyparquet-compressors for zstd).
//
// stdin:  {"files": ["path", ...]}
// stdout: {"path": {"reader": {"rows": n, "columns": {"name": {"sha256": "hex", "head": ["v", ...]}}}
//                            or {"error": "text"}}}
//
// Every value is written in a canonical text form that the Go side
// (canonValue) produces too, and each column's values are hashed in row
// order: null; true/false; "i" and the decimal digits of a 64-bit integer
// (BigInt here); "f" and the decimal bits of the IEEE 754 binary64 of any
// other number (float64s, float32s, 32-bit and 8-bit integers and
// timestamps in ms, all exact in a binary64), "NaN" for NaN; "s" and a string; a list as
// "[v,v,...]". head holds the first values, to show what differs.
//
// The packages are loaded from the directory in STMOTION_NODE_MODULES
// (.ci/node_modules by default), as duckdb_query.mjs does.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = resolve(process.env.STMOTION_NODE_MODULES || '.ci/node_modules');
const require = createRequire(join(modules, 'noop.js'));
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const pw = await load('parquet-wasm/node');
const { tableFromIPC } = await load('apache-arrow');
const { parquetMetadata, parquetReadObjects, parquetSchema } = await load('hyparquet');
const { compressors } = await load('hyparquet-compressors');

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function canon(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return 'i' + BigInt.asIntN(64, v).toString();
    case 'number':
      if (Number.isNaN(v)) return 'NaN';
      f64[0] = v;
      return 'f' + u64[0].toString();
    case 'string':
      return 's' + v;
  }
  if (v instanceof Date) return canon(v.getTime());
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  if (ArrayBuffer.isView(v)) return '[' + Array.from(v, canon).join(',') + ']';
  if (typeof v.toArray === 'function') return canon(Array.from(v.toArray()));
  return 'o' + JSON.stringify(v);
}

// columnDigests hashes each column; get(name, i) returns row i's value,
// asTime(name) says whether the column is a timestamp (whose value may come
// as a Date, a number or a BigInt of milliseconds, by reader).
function columnDigests(names, rows, get, asTime) {
  const columns = {};
  for (const name of names) {
    const h = createHash('sha256');
    const head = [];
    const time = asTime(name);
    for (let i = 0; i < rows; i++) {
      let v = get(name, i);
      if (time && v !== null && v !== undefined) v = v instanceof Date ? v.getTime() : Number(v);
      const c = canon(v);
      h.update(c + '\n');
      if (head.length < 3) head.push(c);
    }
    columns[name] = { sha256: h.digest('hex'), head };
  }
  return { rows, columns };
}

function readWasm(bytes) {
  const table = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  const names = table.schema.fields.map((f) => f.name);
  const cols = Object.fromEntries(names.map((n) => [n, table.getChild(n)]));
  const times = new Set(table.schema.fields.filter((f) => String(f.type).startsWith('Timestamp')).map((f) => f.name));
  return columnDigests(names, table.numRows, (n, i) => cols[n].get(i), (n) => times.has(n));
}

async function readHyparquet(bytes) {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file);
  const fields = parquetSchema(metadata).children.map((c) => c.element);
  const names = fields.map((e) => e.name);
  const times = new Set(fields.filter((e) => e.logical_type?.type === 'TIMESTAMP' || String(e.converted_type).startsWith('TIMESTAMP')).map((e) => e.name));
  const rows = await parquetReadObjects({ file, metadata, compressors });
  return columnDigests(names, rows.length, (n, i) => rows[i][n], (n) => times.has(n));
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
for (const path of input.files) {
  const bytes = new Uint8Array(readFileSync(path));
  out[path] = {};
  for (const [reader, read] of [['parquet-wasm', readWasm], ['hyparquet', readHyparquet]]) {
    try {
      out[path][reader] = await read(bytes);
    } catch (e) {
      out[path][reader] = { error: String(e && e.stack ? e.stack : e) };
    }
  }
}
process.stdout.write(JSON.stringify(out));
