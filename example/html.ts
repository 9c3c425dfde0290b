import { escapeHtml } from '../src/common/escape-html.js';

export { escapeHtml };

/** A whole page in the example's plain style. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}
code,pre{background:#f4f4f4;padding:.1rem .3rem}</style></head>
<body>${body}</body></html>`;
}
