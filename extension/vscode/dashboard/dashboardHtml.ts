import { randomBytes } from 'node:crypto';

export interface DashboardHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** webview URIs (asWebviewUri) of the bundle and its stylesheet. */
  scriptUri: string;
  styleUri: string;
  title?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The strict CSP: no network, scripts only with the nonce, styles and fonts only from the extension. */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function dashboardHtml(input: DashboardHtmlInput): string {
  const esc = escapeAttr;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(dashboardCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(input.styleUri)}">
<title>${esc(input.title ?? 'Loom Dashboard')}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${esc(input.nonce)}" src="${esc(input.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
