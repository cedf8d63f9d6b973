#!/usr/bin/env node
// Splits string literals and template literals that run a line past the limit (default 120) into concatenations
// at word boundaries: 'a b' becomes 'a ' + 'b', and `x ${y} z` becomes `x ` + `${y} z`, so every piece keeps its
// quotes, its escapes and its substitutions whole and the concatenation has the literal's value. Prettier then lays
// the pieces out (run it after this script). Literals are found with the TypeScript parser, never by guessing from
// the text; a cut falls only on a space inside the literal's text (not escaped, never inside `${...}`), so a URL or
// any word is never cut. Left alone: regular expressions, tagged templates, literals that are types, property
// names, module specifiers or `as const`, and literals whose content spans several lines (CSS, HTML, SQL).
//
// Usage: node scripts/wrapStrings.js [--check] [--width 120] <file|folder>...   (folders: .ts/.js/.mjs/.cjs files,
// skipping node_modules, dist and dot-folders). --check lists what would change and exits 1 if anything would.
'use strict';
const fs = require('node:fs');
const ts = require('typescript');
const { parseRewriteArgs } = require('./rewriteArgs');

const K = ts.SyntaxKind;
/** Shorter literals stay whole: cutting them gains little room and scatters a message into fragments. */
const MIN_SPLIT = 40;

const parse = (fileName, text) =>
  ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? 4 : undefined);

const isStringish = (node) =>
  node.kind === K.StringLiteral || node.kind === K.NoSubstitutionTemplateLiteral || node.kind === K.TemplateExpression;

/** Whether the literal sits where an expression of type string may replace it (not a type, a name or a specifier). */
function splittable(node) {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.kind) {
    case K.TaggedTemplateExpression:
    case K.LiteralType:
    case K.ImportDeclaration:
    case K.ExportDeclaration:
    case K.ExternalModuleReference:
    case K.ImportType:
    case K.EnumMember:
    case K.JsxAttribute:
    case K.ModuleDeclaration:
    case K.ExpressionStatement:
      return false;
    case K.AsExpression:
    case K.TypeAssertionExpression:
      return !(ts.isTypeReferenceNode(parent.type) && parent.type.getText() === 'const');
    default:
      return !('name' in parent && parent.name === node);
  }
}

/** Source offsets just after each space where the literal may be cut: in its text, not escaped, not in `${}`. */
function cutPoints(node, text) {
  const parts = [];
  if (node.kind === K.TemplateExpression) {
    parts.push([node.head.getStart() + 1, node.head.end - 2]);
    for (const span of node.templateSpans) {
      const lit = span.literal;
      parts.push([lit.getStart() + 1, lit.end - (lit.kind === K.TemplateTail ? 1 : 2)]);
    }
  } else {
    parts.push([node.getStart() + 1, node.end - 1]);
  }
  const cuts = [];
  for (const [from, to] of parts) {
    for (let i = from; i < to; i++) {
      if (text[i] === '\\') {
        i++;
        continue;
      }
      if (text[i] === ' ' && i + 1 < to) cuts.push(i + 1);
    }
    // Beside a substitution is a boundary too: `a:${b}` may become `a:` + `${b}`.
    if (node.kind === K.TemplateExpression) cuts.push(from, to);
  }
  const [first, last] = [node.getStart() + 1, node.end - 1];
  return [...new Set(cuts)].filter((c) => c > first && c < last).sort((a, b) => a - b);
}

/** The pieces of one literal, each at most `room` characters where its cut points allow. */
function pieces(node, text, room) {
  const start = node.getStart();
  const src = text.slice(start, node.end);
  const quote = src[0];
  const cuts = cutPoints(node, text).map((p) => p - start);
  const out = [];
  let from = 0;
  while (src.length - from + (from > 0 ? 1 : 0) > room) {
    const limit = from + room - (from > 0 ? 2 : 1);
    const fitting = cuts.filter((c) => c > from && c <= limit);
    const cut = fitting.length > 0 ? fitting[fitting.length - 1] : cuts.find((c) => c > limit);
    if (cut === undefined) break;
    out.push((from > 0 ? quote : '') + src.slice(from, cut) + quote);
    from = cut;
  }
  out.push((from > 0 ? quote : '') + src.slice(from));
  return out;
}

/** Splits the literals that reach past `width` on their line; returns the new text (unchanged if none). */
function wrapStrings(fileName, text, width = 120) {
  const sourceFile = parse(fileName, text);
  const lineOf = (pos) => sourceFile.getLineAndCharacterOfPosition(pos).line;
  const lineStarts = sourceFile.getLineStarts();
  const lineText = (line) => text.slice(lineStarts[line], lineStarts[line + 1] ?? text.length).replace(/\r?\n$/, '');
  const edits = [];
  const visit = (node) => {
    if (isStringish(node)) {
      const start = node.getStart();
      const line = lineOf(start);
      const src = text.slice(start, node.end);
      if (src.length >= MIN_SPLIT && !src.includes('\n') && lineText(line).length > width && splittable(node)) {
        const indent = lineText(line).match(/^\s*/)[0].length;
        let parts = pieces(node, text, width - indent - 10);
        const half = Math.ceil(src.length / 2) + 2;
        if (parts.length === 1 && src.length >= 2 * MIN_SPLIT) parts = pieces(node, text, half);
        if (parts.length > 1) {
          const joined = parts.join(' + ');
          const bare = node.parent.kind === K.BinaryExpression && node.parent.operatorToken.kind === K.PlusToken;
          edits.push([start, node.end, bare ? joined : `(${joined})`]);
          return;
        }
      }
    }
    for (const child of node.getChildren(sourceFile)) visit(child);
  };
  visit(sourceFile);
  let result = text;
  for (const [s, e, r] of edits.reverse()) result = result.slice(0, s) + r + result.slice(e);
  return result;
}

/**
 * The string values a file spells out: every run of adjacent string or template literals in a `+` chain, joined
 * (a substitution counts as `${}`: the literals inside it are values of their own). Splitting a literal keeps
 * this list, so it checks the splits.
 */
function literalValues(fileName, text) {
  const sourceFile = parse(fileName, text);
  const values = [];
  const leaves = (node, out) => {
    if (node.kind === K.ParenthesizedExpression) return leaves(node.expression, out);
    if (node.kind === K.BinaryExpression && node.operatorToken.kind === K.PlusToken) {
      leaves(node.left, out);
      leaves(node.right, out);
    } else out.push(node);
    return out;
  };
  const value = (node) => {
    if (node.kind !== K.TemplateExpression) return node.text;
    return node.head.text + node.templateSpans.map((s) => `\${}${s.literal.text}`).join('');
  };
  const visit = (node) => {
    const chain = leaves(node, []);
    if (chain.length > 1 || isStringish(node)) {
      let run = null;
      for (const leaf of chain) {
        if (isStringish(leaf)) run = (run ?? '') + value(leaf);
        else {
          if (run !== null) values.push(run);
          run = null;
          visit(leaf);
        }
      }
      if (run !== null) values.push(run);
      for (const leaf of chain) if (leaf.kind === K.TemplateExpression) leaf.templateSpans.forEach((s) => visit(s));
      return;
    }
    for (const child of node.getChildren(sourceFile)) visit(child);
  };
  visit(sourceFile);
  return values;
}

function main(argv) {
  const args = parseRewriteArgs('wrapStrings', argv);
  if (args.exitCode !== undefined) return args.exitCode;
  const { width, check, files } = args;
  let changed = 0;
  let refused = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const wrapped = wrapStrings(file, text, width);
    if (wrapped === text) continue;
    if (JSON.stringify(literalValues(file, wrapped)) !== JSON.stringify(literalValues(file, text))) {
      process.stderr.write(`wrapStrings: ${file}: splitting would change a string's value; file left as it is\n`);
      refused++;
      continue;
    }
    changed++;
    if (check) process.stdout.write(`${file}\n`);
    else fs.writeFileSync(file, wrapped);
  }
  process.stdout.write(`wrapStrings: ${changed} of ${files.length} files ${check ? 'would change' : 'changed'}\n`);
  return refused > 0 || (check && changed > 0) ? 1 : 0;
}

module.exports = { wrapStrings, literalValues };
if (require.main === module) process.exitCode = main(process.argv.slice(2));
