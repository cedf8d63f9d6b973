#!/usr/bin/env node
// Re-wraps comment lines longer than the limit (default 120) in TypeScript and JavaScript files, which Prettier
// leaves alone: `//` comments and `/* */`, `/** */` blocks. Only comment text moves; code and strings are never
// touched. Comments are found with the TypeScript parser (never by guessing from the text), so `//` inside a string,
// a template literal or a regular expression is left as it is.
//
// - An own-line comment that is too long breaks at the last space that fits; the overflow joins the next line when
//   that line continues the same paragraph (same prefix, not a list item, a tag or an indented block), so a
//   paragraph is re-flowed only as far as needed.
// - A comment after code on the same line moves to its own line(s) above that line, at the line's indentation.
// - A one-line `/** ... */` that is too long becomes a block with ` * ` lines.
// - Directives (`eslint-disable`, `@ts-expect-error`, `prettier-ignore`, ...) and fenced code in comments stay.
//
// Usage: node scripts/wrapComments.js [--check] [--width 120] <file|folder>...   (folders: .ts/.js/.mjs/.cjs files,
// skipping node_modules, dist and dot-folders). --check lists what would change and exits 1 if anything would.
'use strict';
const fs = require('node:fs');
const ts = require('typescript');
const { parseRewriteArgs } = require('./rewriteArgs');

const DIRECTIVE = /eslint-|@ts-|prettier-ignore|istanbul |c8 |#!|@vite-ignore|webpackChunkName/;
/** Text that must start its own line: a list item, a tag, a table row or an indented (code) line. */
const BLOCK_START = /^(\s|[-*+•|>#]\s|\d+[.)]\s|@|```|$)/;

/** Whether a line may break at the space at `i`: not before a list marker or tag, not right after a tag's name. */
const breakable = (text, i) =>
  text[i] === ' ' && !BLOCK_START.test(text.slice(i + 1)) && !/(^|\s)@\w+$/.test(text.slice(0, i));

/** Every comment range in the file, from the parser's view of the trivia before each token. */
function commentRanges(sourceFile) {
  const text = sourceFile.text;
  const seen = new Map();
  const literals = [];
  const add = (ranges) => {
    for (const r of ranges ?? []) if (!seen.has(r.pos)) seen.set(r.pos, r);
  };
  const visit = (node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    if (node.kind >= ts.SyntaxKind.FirstLiteralToken && node.kind <= ts.SyntaxKind.LastTemplateToken) {
      literals.push([node.getStart(sourceFile), node.end]);
    }
    if (node.kind === ts.SyntaxKind.JsxText) literals.push([node.pos, node.end]);
    for (const child of node.getChildren(sourceFile)) visit(child);
  };
  visit(sourceFile);
  add(ts.getLeadingCommentRanges(text, sourceFile.endOfFileToken.pos));
  return { comments: [...seen.values()].sort((a, b) => a.pos - b.pos), literals };
}

/** Splits `text` into lines no longer than `room` where spaces allow; a word longer than `room` stays whole. */
function wrapWords(text, room) {
  const lines = [];
  let rest = text;
  while (rest.length > room) {
    let cut = -1;
    for (let i = Math.min(room, rest.length - 1); i > 0; i--) {
      if (breakable(rest, i) && !inCodeSpan(rest, i)) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      for (let i = Math.min(room, rest.length - 1); i > 0; i--) {
        if (breakable(rest, i)) {
          cut = i;
          break;
        }
      }
    }
    if (cut < 0) {
      const next = rest.indexOf(' ', room);
      if (next < 0) break;
      cut = next;
    }
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut + 1).trimStart();
  }
  lines.push(rest);
  return lines;
}

/** Whether position `i` sits inside a `code span` (an odd number of backticks before it). */
function inCodeSpan(text, i) {
  let ticks = 0;
  for (let j = 0; j < i; j++) if (text[j] === '`') ticks++;
  return ticks % 2 === 1;
}

/**
 * Re-wraps a run of comment lines that share one prefix (e.g. `  // ` or `   * `): each line over the limit breaks,
 * and its overflow joins the next line when that line continues the paragraph.
 */
function wrapRun(prefix, texts, width) {
  const room = width - prefix.length;
  if (room < 30) return texts;
  const out = [];
  let fence = false;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (/^\s*```/.test(text)) fence = !fence;
    if (fence || /^\s*```/.test(text) || text.length <= room || DIRECTIVE.test(text)) {
      out.push(text);
      continue;
    }
    const lines = wrapWords(text, room);
    const next = texts[i + 1];
    const carry = lines.length > 1 ? lines.pop() : null;
    out.push(...lines);
    if (carry === null) continue;
    if (next !== undefined && !BLOCK_START.test(next) && !/^\s*```/.test(next) && !DIRECTIVE.test(next) && !fence) {
      texts[i + 1] = `${carry} ${next}`;
    } else {
      out.push(carry);
    }
  }
  return out;
}

/** Returns the file's text with long comments re-wrapped (the same string when nothing is too long). */
function wrapComments(fileName, text, width = 120) {
  if (!text.split('\n').some((l) => l.length > width)) return text;
  const kind = /\.(c|m)?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const { comments, literals } = commentRanges(sourceFile);
  const inLiteral = (pos) => literals.some(([s, e]) => pos > s && pos < e);
  const lineStart = (pos) => text.lastIndexOf('\n', pos - 1) + 1;
  const lineEnd = (pos) => {
    const e = text.indexOf('\n', pos);
    return e < 0 ? text.length : e;
  };

  /** Edits as [start, end, replacement], applied back to front. */
  const edits = [];
  const singles = comments.filter((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia);
  const blocks = comments.filter((c) => c.kind === ts.SyntaxKind.MultiLineCommentTrivia);

  // `//` comments: runs of own-line comments with the same prefix, and trailing comments one at a time.
  for (let i = 0; i < singles.length; i++) {
    const c = singles[i];
    const start = lineStart(c.pos);
    const before = text.slice(start, c.pos);
    const body = text.slice(c.pos, c.end);
    const prefixMatch = /^\/\/+ ?/.exec(body);
    const marker = prefixMatch[0];
    if (/\S/.test(before)) {
      // A trailing comment: move it above its line when the line is too long because of it.
      if (lineEnd(c.pos) - start <= width || DIRECTIVE.test(body) || inLiteral(start)) continue;
      const indent = /^\s*/.exec(before)[0];
      const prefix = `${indent}${marker.trimEnd()} `;
      const lines = wrapRun(prefix, [body.slice(marker.length).trim()], width).map((t) => `${prefix}${t}`.trimEnd());
      edits.push([start, start, `${lines.join('\n')}\n`]);
      edits.push([before.trimEnd().length + start, c.end, '']);
      continue;
    }
    const prefix = `${before}${marker}`;
    const run = [c];
    while (i + 1 < singles.length) {
      const n = singles[i + 1];
      const nStart = lineStart(n.pos);
      const nPrefix = /^\/\/+ ?/.exec(text.slice(n.pos, n.end))[0];
      const adjacent = nStart === lineEnd(run[run.length - 1].pos) + 1;
      if (!adjacent || text.slice(nStart, n.pos) !== before || nPrefix !== marker) break;
      run.push(n);
      i++;
    }
    if (!run.some((r) => r.end - lineStart(r.pos) > width)) continue;
    const texts = run.map((r) => text.slice(r.pos + marker.length, r.end).trimEnd());
    const wrapped = wrapRun(prefix, texts, width).map((t) => `${prefix}${t}`.trimEnd());
    edits.push([start, run[run.length - 1].end, wrapped.join('\n')]);
  }

  // Block comments: ` * ` lines re-wrapped as runs; a long one-line `/** ... */` opened up into lines.
  for (const c of blocks) {
    const body = text.slice(c.pos, c.end);
    const start = lineStart(c.pos);
    const before = text.slice(start, c.pos);
    if (DIRECTIVE.test(body) && !body.includes('\n')) continue;
    if (!body.includes('\n')) {
      if (lineEnd(c.end) - start <= width || /\S/.test(text.slice(c.end, lineEnd(c.end)))) continue;
      if (/\S/.test(before)) continue;
      const open = body.startsWith('/**') ? '/**' : '/*';
      const inner = body.slice(open.length, -2).trim();
      const prefix = `${before} * `;
      const lines = wrapRun(prefix, [inner], width).map((t) => `${prefix}${t}`.trimEnd());
      edits.push([c.pos, c.end, `${open}\n${lines.join('\n')}\n${before} */`]);
      continue;
    }
    const lines = body.split('\n');
    const startLine = before + lines[0];
    if (!lines.some((l, k) => (k === 0 ? startLine : l).length > width)) continue;
    // Only the ` * ` form is re-wrapped; other block comments are left as they are.
    const starLines = lines.slice(1, -1);
    const star = /^(\s*\* ?)/;
    if (!starLines.every((l) => star.test(l) || l.trim() === '')) continue;
    const out = [];
    let firstText = null;
    if (/\S/.test(lines[0].replace(/^\/\*\*?/, ''))) firstText = lines[0].replace(/^\/\*\*?\s*/, '');
    const open = lines[0].startsWith('/**') ? '/**' : '/*';
    const indentStar = starLines.find((l) => star.test(l));
    const prefix = indentStar ? star.exec(indentStar)[1].replace(/\*$/, '* ') : `${before} * `;
    const texts = [];
    if (firstText !== null) texts.push(firstText);
    for (const l of starLines) texts.push(l.trim() === '' ? '' : l.replace(star, ''));
    const last = lines[lines.length - 1];
    const lastText = last
      .replace(/\s*\*\/$/, '')
      .replace(star, '')
      .trim();
    if (lastText) texts.push(lastText);
    // A run is the whole block; empty lines are paragraph breaks that BLOCK_START keeps.
    out.push(open);
    for (const t of wrapRun(prefix, texts, width)) out.push(`${prefix}${t}`.trimEnd());
    out.push(`${prefix.replace(/\* ?$/, '')}*/`);
    edits.push([c.pos, c.end, out.join('\n')]);
  }

  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let result = text;
  for (const [s, e, r] of edits) result = result.slice(0, s) + r + result.slice(e);
  return result;
}

function main(argv) {
  const args = parseRewriteArgs('wrapComments', argv);
  if (args.exitCode !== undefined) return args.exitCode;
  const { width, check, files } = args;
  let changed = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const wrapped = wrapComments(file, text, width);
    if (wrapped === text) continue;
    changed++;
    if (check) process.stdout.write(`${file}\n`);
    else fs.writeFileSync(file, wrapped);
  }
  process.stdout.write(`wrapComments: ${changed} of ${files.length} files ${check ? 'would change' : 'changed'}\n`);
  return check && changed > 0 ? 1 : 0;
}

module.exports = { wrapComments };
if (require.main === module) process.exitCode = main(process.argv.slice(2));
