// A small RFC 4180 CSV reader and writer for the import/export screens: fields separated by
// commas, records by CRLF (a bare LF or CR is accepted too, as spreadsheets on every platform
// write one or the other), a field in double quotes may hold commas, line breaks and "" for a
// quote. Written here rather than taken from a package because the project adds no dependency
// for it, and because each record must keep the file line it starts on: import problems are
// reported by that line, which is what the merchant sees in their editor.

export interface CsvRecord {
  /** The 1-based line of the file this record starts on (a quoted line break moves later ones). */
  line: number;
  fields: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/** Every record of `text`; blank lines are skipped (a trailing newline is not an empty record). */
export function parseCsv(text: string): CsvParse {
  // Excel writes a byte order mark before UTF-8 CSV; it is not part of the first header.
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // Whether the current record has any content yet (a field separator counts).
  let started = false;

  const endRecord = () => {
    fields.push(field);
    if (started) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    started = false;
  };

  while (i < input.length) {
    const ch = input[i];
    if (ch === '"' && field === "") {
      // A quoted field: runs to the next lone quote.
      started = true;
      const openedOn = line;
      i++;
      for (;;) {
        if (i >= input.length) return { ok: false, line: openedOn, message: `Line ${openedOn}: a quoted field is never closed` };
        const c = input[i];
        if (c === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\r" || c === "\n") {
          line++;
          if (c === "\r" && input[i + 1] === "\n") {
            field += "\r\n";
            i += 2;
            continue;
          }
        }
        field += c;
        i++;
      }
      const next = input[i];
      if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
        return { ok: false, line, message: `Line ${line}: text after a closing quote; write a quote inside a quoted field as ""` };
      }
      continue;
    }
    if (ch === ",") {
      started = true;
      fields.push(field);
      field = "";
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && input[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (ch === '"') return { ok: false, line, message: `Line ${line}: a quote inside an unquoted field; put the field in quotes and double the quote` };
    started = true;
    field += ch;
    i++;
  }
  endRecord();
  return { ok: true, records };
}

// A text cell a spreadsheet would read as a formula (OWASP "CSV Injection"): one starting with
// = + - @, a tab or a carriage return (and NUL, which ASVS 1.2.10 adds). The writer puts a single
// quote before such a cell, so Excel, LibreOffice and Google Sheets show it as text; the reader
// takes that quote off again. A cell that already starts with quotes before such a character
// gets one more, so the reader's one quote off gives back exactly what was written: an export
// imports back unchanged. Numbers are written as numbers (a negative one stays -5), never escaped.
const FORMULA_START = /^'*[=+\-@\t\r\0]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r\0]/;

/** A text cell as it is safe to open in a spreadsheet (see FORMULA_START). */
export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text an escaped cell stood for; any other cell as it is. */
export function unescapeFormula(text: string): string {
  return ESCAPED_FORMULA.test(text) ? text.slice(1) : text;
}

/**
 * One field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, or a
 * semicolon (the separator Excel expects in some locales, where it would start a new cell). Text
 * that a spreadsheet would run as a formula is escaped, and quoted, as OWASP advises.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = escapeFormula(value);
  return text !== value || /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Records joined with CRLF, ending with one, as RFC 4180 asks. */
export function writeCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return rows.map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

export type CsvTable = { ok: true; rows: CsvRow[] } | { ok: false; problems: { line: number; field: string; message: string }[] };

/**
 * A CSV file with a header line, as rows keyed by column name, each cell as it was before
 * csvField escaped it (unescapeFormula). Column names are matched without
 * regard to case or surrounding spaces; `required` columns must all be present, and a column the
 * import does not know is refused (a typo would otherwise be silently ignored). A row with more
 * fields than the header is refused on its line.
 */
export function readCsvTable(text: string, columns: { required: readonly string[]; optional?: readonly string[] }): CsvTable {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, problems: [{ line: parsed.line, field: "file", message: parsed.message }] };
  const [header, ...body] = parsed.records;
  if (!header) return { ok: false, problems: [{ line: 1, field: "file", message: "The file is empty: the first line must name the columns" }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const known = new Set([...columns.required, ...(columns.optional ?? [])]);
  const problems: { line: number; field: string; message: string }[] = [];
  for (const name of names)
    if (!known.has(name))
      problems.push({ line: header.line, field: name || "(blank)", message: `Unknown column "${name}"; the columns are ${[...known].join(", ")}` });
  for (const name of columns.required) if (!names.includes(name)) problems.push({ line: header.line, field: name, message: `Missing column "${name}"` });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) problems.push({ line: header.line, field: name, message: `Column "${name}" appears twice` });
    seen.add(name);
  }
  if (problems.length > 0) return { ok: false, problems };
  const rows: CsvRow[] = [];
  for (const record of body) {
    if (record.fields.length > names.length) {
      problems.push({ line: record.line, field: "row", message: `${record.fields.length} fields but the header names ${names.length} columns` });
      continue;
    }
    const values: Record<string, string> = {};
    names.forEach((name, index) => (values[name] = unescapeFormula(record.fields[index] ?? "")));
    rows.push({ line: record.line, values });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}
