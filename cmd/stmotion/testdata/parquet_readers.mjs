// Reads Parquet files with two readers that share no code with arrow-go or
// DuckDB, for the interop test of `stmotion analyze`
// (analyze_readers_test.go): parquet-wasm (the Rust parquet crate of
// arrow-rs, which polars and DataFusion build on, compiled to WebAssembly;
// its Arrow IPC output read with apache-arrow) and hyparquet (a parquet
// reader written in JavaScript, with hyparquet-compressors for zstd); and
// Arrow IPC files (--format arrow) with apache-arrow, its zstd buffers
// decompressed by fzstd (hyparquet-compressors' own zstd decoder).
//
// stdin:  {"files": ["path", ...], "arrow": ["path", ...]}
// stdout: {"path": {"reader": {"rows": n, "columns": {"name": {"sha256": "hex", "head": ["v", ...]}},
//                              "schema": {"nullable": ["path", ...], "lists": {"name": "element name"},
//                                         "dictionaries": {"name": ["value", ...]}}}
//                            or {"error": "text"}}}
//
// schema is what the reader makes of the file's schema: the fields (at
// any depth, as dotted paths) it takes for nullable (for hyparquet, the
// OPTIONAL schema elements), each list column's element field name, and
// (Arrow readers) each dictionary column's dictionary, as a reader such as
// pandas gets it (its categories).
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
const arrow = await load('apache-arrow');
const fzstd = createRequire(require.resolve('hyparquet-compressors'))('fzstd');
// fzstd may return a view at an offset apache-arrow cannot take for
// 8-byte values: copy it.
arrow.compressionRegistry.set(arrow.CompressionType.ZSTD, { encode: null, decode: (b) => fzstd.decompress(b).slice() });

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

// arrowSchema reports an apache-arrow table's schema (see schema above).
function arrowSchema(table) {
  const nullable = [];
  const lists = {};
  const dictionaries = {};
  const walk = (f, path) => {
    if (f.nullable) nullable.push(path);
    if (arrow.DataType.isList(f.type)) lists[path] = f.type.children[0].name;
    for (const c of f.type.children || []) walk(c, path + '.' + c.name);
  };
  for (const f of table.schema.fields) {
    walk(f, f.name);
    if (arrow.DataType.isDictionary(f.type)) {
      const d = table.getChild(f.name).data[0]?.dictionary;
      dictionaries[f.name] = d ? Array.from(d.toArray()) : [];
    }
  }
  return { nullable, lists, dictionaries };
}

function readTable(table) {
  const names = table.schema.fields.map((f) => f.name);
  const cols = Object.fromEntries(names.map((n) => [n, table.getChild(n)]));
  const times = new Set(table.schema.fields.filter((f) => String(f.type).startsWith('Timestamp')).map((f) => f.name));
  const res = columnDigests(names, table.numRows, (n, i) => cols[n].get(i), (n) => times.has(n));
  res.schema = arrowSchema(table);
  return res;
}

function readWasm(bytes) {
  return readTable(tableFromIPC(pw.readParquet(bytes).intoIPCStream()));
}

function readArrow(bytes) {
  return readTable(arrow.tableFromIPC(bytes));
}

async function readHyparquet(bytes) {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file);
  const fields = parquetSchema(metadata).children.map((c) => c.element);
  const names = fields.map((e) => e.name);
  const times = new Set(fields.filter((e) => e.logical_type?.type === 'TIMESTAMP' || String(e.converted_type).startsWith('TIMESTAMP')).map((e) => e.name));
  const rows = await parquetReadObjects({ file, metadata, compressors });
  const res = columnDigests(names, rows.length, (n, i) => rows[i][n], (n) => times.has(n));
  const nullable = [];
  const lists = {};
  const walk = (node, path) => {
    const e = node.element;
    if (e.repetition_type === 'OPTIONAL') nullable.push(path);
    if (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') lists[path] = node.children[0].children[0].element.name;
    for (const c of node.children) walk(c, path + '.' + c.element.name);
  };
  for (const c of parquetSchema(metadata).children) walk(c, c.element.name);
  res.schema = { nullable, lists, dictionaries: {} };
  return res;
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
const readers = (path) => (path.endsWith('.arrow') ? [['apache-arrow', readArrow]] : [['parquet-wasm', readWasm], ['hyparquet', readHyparquet]]);
for (const path of [...input.files, ...(input.arrow || [])]) {
  const bytes = new Uint8Array(readFileSync(path));
  out[path] = {};
  for (const [reader, read] of readers(path)) {
    try {
      out[path][reader] = await read(bytes);
    } catch (e) {
      out[path][reader] = { error: String(e && e.stack ? e.stack : e) };
    }
  }
}
process.stdout.write(JSON.stringify(out));
