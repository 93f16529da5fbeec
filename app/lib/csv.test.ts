import { describe, expect, it } from "vitest";
import { csvField, escapeFormula, parseCsv, readCsvTable, unescapeFormula, writeCsv } from "./csv";

const fieldsOf = (text: string) => {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.records.map((r) => r.fields);
};

describe("parseCsv", () => {
  it("splits records on CRLF, LF or CR and skips blank lines, without an empty record for the final newline", () => {
    expect(fieldsOf("a,b\r\nc,d\ne,f\rg,h\r\n\r\n")).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
      ["g", "h"],
    ]);
  });

  it("keeps commas, doubled quotes and line breaks inside a quoted field", () => {
    expect(fieldsOf('sku,note\r\n"KET,RED","He said ""hot""\r\nand left"\r\n')).toEqual([
      ["sku", "note"],
      ["KET,RED", 'He said "hot"\r\nand left'],
    ]);
  });

  it("keeps empty fields, leading and trailing, and a quoted empty field", () => {
    expect(fieldsOf(',a,\n"",x')).toEqual([
      ["", "a", ""],
      ["", "x"],
    ]);
  });

  it("numbers each record by the file line it starts on, counting the line breaks inside quotes", () => {
    const parsed = parseCsv('h\n"one\ntwo"\n\nthree\n');
    expect(parsed).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ["h"] },
        { line: 2, fields: ["one\ntwo"] },
        { line: 5, fields: ["three"] },
      ],
    });
  });

  it("drops Excel's byte order mark from the first field", () => {
    expect(fieldsOf("\uFEFFsku\nA")).toEqual([["sku"], ["A"]]);
  });

  it("refuses an unclosed quote, text after a closing quote and a bare quote mid-field, naming the line", () => {
    expect(parseCsv('a\n"open,b\nc')).toEqual({ ok: false, line: 2, message: "Line 2: a quoted field is never closed" });
    expect(parseCsv('a\n"x"y,b')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\nx"y')).toMatchObject({ ok: false, line: 2 });
  });
});

describe("writeCsv", () => {
  it("quotes only fields that need it, doubles quotes, ends every record with CRLF", () => {
    expect(
      writeCsv([
        ["sku", "note", "n"],
        ["KET-RED", 'a "b", c', 3],
        ["x", null, undefined],
      ]),
    ).toBe('sku,note,n\r\nKET-RED,"a ""b"", c",3\r\nx,,\r\n');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("round-trips through parseCsv unchanged", () => {
    const rows = [
      ["a", "b,c", '"q"', "line\r\nbreak", ""],
      ["1", "", " spaced ", "é", ","],
    ];
    expect(fieldsOf(writeCsv(rows))).toEqual(rows);
  });
});

describe("formula cells (OWASP CSV injection)", () => {
  it("given text cells starting with = + - @, a tab or a carriage return, when written, then each is quoted with a leading single quote so a spreadsheet shows it as text", () => {
    expect(writeCsv([["=1+1", "+SUM(A1)", "-clearance", "@cmd", "\tx", "\rx", "kitchen"]])).toBe(
      `"'=1+1","'+SUM(A1)","'-clearance","'@cmd","'\tx","'\rx",kitchen\r\n`,
    );
  });

  it("given negative and positive numbers, when written, then they stay numeric cells, unescaped", () => {
    expect(writeCsv([[-5, 2.5, 0, "-5"]])).toBe(`-5,2.5,0,"'-5"\r\n`);
  });

  it("given a semicolon in a text cell, when written, then the cell is quoted so a semicolon-separated spreadsheet cannot start a formula cell inside it", () => {
    expect(csvField("a;=1+1")).toBe('"a;=1+1"');
  });

  it("given escaped cells, when read back as a table, then each is exactly the text that was written, cells that merely start with a quote included", () => {
    const texts = ['=HYPERLINK("http://x")', "-clearance", "'=already quoted", "''+twice", "'plain quote", "it's", "@", ""];
    const table = readCsvTable(writeCsv([["sku", "channel_sku"], ...texts.map((t) => [t, "x"])]), { required: ["sku", "channel_sku"] });
    expect(table.ok && table.rows.map((r) => r.values.sku)).toEqual(texts);
    for (const text of texts) expect(unescapeFormula(escapeFormula(text))).toBe(text);
  });
});

describe("readCsvTable", () => {
  const columns = { required: ["sku", "channel_sku"], optional: ["external_id"] };

  it("keys each row by column name, matched without case or spaces, keeping its line", () => {
    expect(readCsvTable(" SKU ,Channel_SKU\nKET-RED,AMZ-1\nKET-2\n", columns)).toEqual({
      ok: true,
      rows: [
        { line: 2, values: { sku: "KET-RED", channel_sku: "AMZ-1" } },
        { line: 3, values: { sku: "KET-2", channel_sku: "" } },
      ],
    });
  });

  it("refuses a missing column, an unknown one and a repeated one on the header line", () => {
    const table = readCsvTable("sku,chanel_sku,sku\nA,B,C\n", columns);
    expect(table.ok).toBe(false);
    if (table.ok) return;
    expect(table.problems.map((p) => [p.line, p.field])).toEqual([
      [1, "chanel_sku"],
      [1, "channel_sku"],
      [1, "sku"],
    ]);
  });

  it("refuses a row with more fields than the header on its own line, and an empty file", () => {
    expect(readCsvTable("sku,channel_sku\nA,B\nA,B,C\n", columns)).toEqual({
      ok: false,
      problems: [{ line: 3, field: "row", message: "3 fields but the header names 2 columns" }],
    });
    expect(readCsvTable("", columns)).toMatchObject({ ok: false, problems: [{ line: 1, field: "file" }] });
  });
});
