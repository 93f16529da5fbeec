#!/usr/bin/env node
// Prints the largest source files and functions of the app and the workers (tests left out):
// the figures a reshaping is measured by (docs/decisions, issue closing notes).
//   node scripts/largest-code.mjs [count=5] [git revision, default the work tree]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import ts from "typescript";

const count = Number(process.argv[2] ?? 5);
const revision = process.argv[3];
const git = (...args) => execFileSync("git", args, { encoding: "utf8", maxBuffer: 64 << 20 });
const files = (revision ? git("ls-tree", "-r", "--name-only", revision, "app", "workers") : git("ls-files", "app", "workers"))
  .split("\n")
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith(".d.ts"))
  // In the work tree: a tracked file deleted and not yet committed is gone.
  .filter((f) => revision || existsSync(f));
const read = (file) => (revision ? git("show", `${revision}:${file}`) : readFileSync(file, "utf8"));

const fileSizes = [];
const functionSizes = [];
for (const file of files) {
  const text = read(file);
  fileSizes.push({ name: file, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0) });
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lineOf = (pos) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node) => {
    const isFunction = ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node);
    if (isFunction && node.body) {
      let name = node.name?.getText(source);
      if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText(source);
      if (!name && ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText(source);
      if (name) functionSizes.push({ name: `${name} (${file})`, lines: lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
const top = (rows) => rows.sort((a, b) => b.lines - a.lines).slice(0, count);
console.log(`${revision ?? "work tree"}: ${files.length} files, ${fileSizes.reduce((s, f) => s + f.lines, 0)} lines`);
console.log("largest files:");
for (const f of top(fileSizes)) console.log(`  ${String(f.lines).padStart(5)}  ${f.name}`);
console.log("largest functions:");
for (const f of top(functionSizes)) console.log(`  ${String(f.lines).padStart(5)}  ${f.name}`);
