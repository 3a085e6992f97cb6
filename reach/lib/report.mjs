// The report: one markdown table per library (setup, transport reached, time to the first
// event, lost, duplicated, notes), written to target/reach/report.md and, with --update-docs,
// between the markers of docs/deployment.md.

import fs from 'node:fs';

export const BEGIN = '<!-- reach:begin -->';
export const END = '<!-- reach:end -->';

function cell(text) {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(rows, withCheck) {
  const head = ['setup', 'transport reached', 'first event (ms)', 'lost', 'duplicated', 'notes'];
  if (withCheck) head.push('check');
  const out = [`| ${head.join(' | ')} |`, `|${head.map((h) => (/ms|lost|dup/.test(h) ? '---:' : '---')).join('|')}|`];
  for (const r of rows) {
    const cells = [r.setup, r.transport, r.firstEventMs ?? '—', r.lost ?? '—', r.duplicated ?? '—', r.notes];
    if (withCheck) cells.push(r.ok ? 'pass' : `**FAIL**: ${r.reasons.join('; ')}`);
    out.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return out.join('\n');
}

/**
 * The markdown of the whole report (what goes between the markers).
 * @param {object} o
 * @param {object[]} o.libs   [{lib, title, version, unavailable, rows}]
 * @param {object} o.meta     {date, machine, command, nginx, chromium, seconds}
 */
export function renderReport({ libs, meta }) {
  const parts = [
    `Measured ${meta.date} with ${meta.nginx} and Chromium ${meta.chromium} on ${meta.machine}, ` +
      `by \`${meta.command}\` (the whole suite took ${meta.seconds} s). Each run sends 1..6 seven seconds ` +
      'apart (at least 35 s of mostly idle session; every gap outlasts the idle-5s timeout); "first event" is the time from `start()` to the first ' +
      'echo received, connection set-up included; "lost" counts numbers sent but never echoed, "duplicated" ' +
      'the extra copies. Tramline rows are checked (0 lost, 0 duplicated, the expected transport); the ' +
      "others are recorded as they came. Regenerate with `node reach/run.mjs --update-docs`.",
  ];
  for (const l of libs) {
    parts.push(`#### ${l.title}${l.version ? ` (${l.version})` : ''}`);
    if (l.unavailable) {
      parts.push(`| setup | transport reached |\n|---|---|\n| all | ${cell(l.unavailable)} |`);
    } else {
      parts.push(table(l.rows, l.checked));
    }
  }
  return parts.join('\n\n');
}

/** Replaces the text between the markers of `file`; throws when they are missing. */
export function updateDocs(file, markdown) {
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${BEGIN} ... ${END} section`);
  const next = `${text.slice(0, a + BEGIN.length)}\n${markdown}\n${text.slice(b)}`;
  fs.writeFileSync(file, next);
}
