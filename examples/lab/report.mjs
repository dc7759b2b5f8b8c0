// A small self-contained report writer: SVG line charts and an HTML page with no external
// scripts, styles or fonts. Not part of the library.
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** An SVG line chart: one polyline per series, axes with ticks, a legend. Non-finite points are skipped. */
export function lineChart({ title, xLabel = 'epoch', yLabel, series, width = 560, height = 320 }) {
  const m = { l: 56, r: 16, t: 28, b: 44 };
  const legendH = 16 * Math.ceil(series.length / 2);
  const H = height + legendH;
  const pts = series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]])).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (!pts.length) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const px = (x) => m.l + ((x - x0) / (x1 - x0)) * (width - m.l - m.r);
  const py = (y) => m.t + (1 - (y - y0) / (y1 - y0)) * (height - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="11">`];
  out.push(`<rect width="${width}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`);
  for (const t of niceTicks(y0, y1)) {
    out.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${py(t) + 4}" text-anchor="end">${esc(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, Math.min(10, x1 - x0))) {
    out.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${height - m.b}" y2="${height - m.b + 4}" stroke="#333"/>`);
    out.push(`<text x="${px(t)}" y="${height - m.b + 16}" text-anchor="middle">${esc(t)}</text>`);
  }
  out.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}" stroke="#333"/>`);
  out.push(`<text x="${(m.l + width - m.r) / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const p = s.x.map((x, i) => [x, s.y[i]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (p.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${p.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of p) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    const lx = m.l + (k % 2) * ((width - m.l) / 2);
    const ly = height + 4 + 16 * Math.floor(k / 2);
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="4" fill="${color}"/><text x="${lx + 16}" y="${ly + 6}">${esc(s.name)}${p.length < s.x.length ? ' (diverged)' : ''}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

// null marks a measurement that does not apply to that row (saturation of a ReLU, say).
const fmt = (v) => (v === null ? '<span class="na" title="not applicable">—</span>' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(4) : String(v)) : formulaHtml(String(v)));

/**
 * Typesets a formula written in the experiments' plain notation — `_x`, `_{…}` for subscripts,
 * `^x`, `^{…}` for superscripts, nestable (`e^{s_j}`) — as HTML: <sub>/<sup>, with Latin letters in
 * italics (the usual convention for variables) and the rest (operators, digits, Greek, words like
 * `log` or `with`) upright as written. Everything else is escaped.
 */
// Two-letter English words and abbreviations that are not products of variables.
const UPRIGHT_SHORT = new Set(['or', 'vs', 'ln', 'lr', 'in', 'at', 'of', 'on', 'to', 'by', 'is', 'as', 'an', 'if', 'no', 'ms']);

/** A run of Latin letters: a product of one-letter variables (`x`, `wx`) in italics; a word (log, max, He, BN, with) upright. */
function typesetWord(w) {
  if (w.length === 1 || (w.length === 2 && /^[a-z]+$/.test(w) && !UPRIGHT_SHORT.has(w))) return [...w].map((c) => `<i>${c}</i>`).join('');
  return esc(w);
}

export function formulaHtml(text) {
  let i = 0;
  const group = (stop) => {
    let out = '';
    while (i < text.length && text[i] !== stop) {
      const c = text[i];
      if ((c === '_' || c === '^') && i + 1 < text.length) {
        i++;
        let inner;
        if (text[i] === '{') {
          i++;
          inner = group('}');
          i++; // the closing brace
        } else {
          const m = /^[A-Za-z0-9]+/.exec(text.slice(i));
          const run = m === null ? text[i] : m[0];
          inner = /^[A-Za-z]$/.test(run) ? `<i>${run}</i>` : esc(run); // x_new: "new" is a label
          i += run.length;
        }
        out += c === '_' ? `<sub>${inner}</sub>` : `<sup>${inner}</sup>`;
        continue;
      }
      const word = /^[A-Za-z]+/.exec(text.slice(i));
      if (word !== null) {
        out += typesetWord(word[0]);
        i += word[0].length;
        continue;
      }
      out += esc(c);
      i++;
    }
    return out;
  };
  return group(undefined);
}

const htmlTable = (t) => `${t.title ? `<p class="caption">${esc(t.title)}</p>` : ''}<table><tr>${t.columns.map((c) => `<th>${formulaHtml(c)}</th>`).join('')}</tr>
  ${t.rows.map((row) => `<tr>${row.map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`).join('')}</table>`;

export function htmlReport({ meta, results }) {
  const sections = results.map((r) => `
<section id="${esc(r.id)}">
  <h2>${esc(r.title)}</h2>
  <p class="formula">${formulaHtml(r.formula)}</p>
  ${r.lines.map((l) => `<p>${esc(l)}</p>`).join('')}
  <div class="charts">${r.charts.map((c) => lineChart(c)).join('')}</div>
  ${[r.table, ...(r.moreTables ?? [])].map(htmlTable).join('')}
  <ul class="claims">${r.claims.map((c) => `<li class="${c.held ? 'held' : 'not'}">${c.held ? '✔ held' : '✘ did not hold'}: ${esc(c.text)}</li>`).join('')}</ul>
</section>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nabla — chapter 5 lab report</title>
<style>
body{font-family:sans-serif;max-width:1180px;margin:24px auto;padding:0 16px;color:#222}
h1{margin-bottom:4px} .meta{color:#666} section{border-top:1px solid #ddd;margin-top:28px}
.formula{font-family:'Cambria Math','STIX Two Math','Latin Modern Math',serif;font-size:1.15em} .formula sub,.formula sup{font-size:.72em} .na{color:#999} .charts{display:flex;flex-wrap:wrap;gap:12px}
table{border-collapse:collapse;margin:12px 0} td,th{border:1px solid #ccc;padding:3px 8px;text-align:right} td:first-child,th:first-child{text-align:left}
.caption{font-weight:bold;margin-bottom:0} .held{color:#1a7f37} .not{color:#b42318}
</style></head><body>
<h1>Chapter 5 lab: optimizing deep networks, measured with nabla</h1>
<p class="meta">${esc(meta.summary)}</p>
${sections}
</body></html>
`;
}
