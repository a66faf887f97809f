// xlsx.mjs — reads an .xlsx the server produced back into rows of cell texts (shared and
// inline strings resolved), with the system's unzip: the file is checked as Excel would see it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const unesc = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const colOf = (ref) => [...ref.replace(/\d+/g, '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

/** Rows of the first worksheet as arrays of strings. */
export function xlsxRows(bytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-xlsx-'));
  const f = path.join(dir, 'book.xlsx');
  fs.writeFileSync(f, bytes);
  const unz = (part) => execFileSync('unzip', ['-p', f, part], { maxBuffer: 256 << 20 }).toString('utf8');
  let sharedXml = '';
  try { sharedXml = unz('xl/sharedStrings.xml'); } catch { /* no shared strings */ }
  const shared = [...sharedXml.matchAll(/<si>(.*?)<\/si>/gs)]
    .map((m) => [...m[1].matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => unesc(t[1])).join(''));
  const rows = [...unz('xl/worksheets/sheet1.xml').matchAll(/<row[^>]*>(.*?)<\/row>/gs)].map((r) => {
    const cells = [];
    for (const c of r[1].matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const attrs = c[2], inner = c[3] || '';
      const v = /<v>([^<]*)<\/v>/.exec(inner)?.[1];
      const text = /t="s"/.test(attrs) ? shared[Number(v)]
        : /t="inlineStr"/.test(attrs) ? unesc([...inner.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => t[1]).join(''))
          : v !== undefined ? unesc(v) : '';
      cells[colOf(c[1])] = text;
    }
    return Array.from(cells, (x) => x ?? '');
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}
