/**
 * The minimal status page: device, overall state and every service, refreshed from
 * `/api/v1/health`. The script is served separately so the CSP can forbid inline code.
 * (The full front end, bundled by build.ts, replaces this when the status-page issue lands.)
 */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil</title>
<link rel="stylesheet" href="/assets/status.css">
</head>
<body>
<header>
  <h1 id="device">Vigil</h1>
  <span id="overall" class="badge" data-state="loading">loading…</span>
</header>
<main>
  <p id="problem" class="problem" hidden></p>
  <section>
    <h2>Device</h2>
    <dl id="facts"></dl>
  </section>
  <section>
    <h2>Services</h2>
    <table>
      <thead><tr><th>Service</th><th>State</th><th>Detail</th></tr></thead>
      <tbody id="services"><tr><td colspan="3">waiting for the appliance…</td></tr></tbody>
    </table>
  </section>
</main>
<script src="/assets/status.js"></script>
</body>
</html>
`;

export const STATUS_PAGE_CSS = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
header { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
h1 { margin: 0; font-size: 1.5rem; }
.badge { padding: .2rem .7rem; border-radius: 1rem; font-weight: 600; background: #888; color: #fff; }
.badge[data-state="ok"], .badge[data-state="running"] { background: #1b7f3b; color: #fff; }
.badge[data-state="failed"] { background: #b3261e; color: #fff; }
.badge[data-state="starting"], .badge[data-state="stopping"] { background: #a86b00; }
.problem { background: #b3261e; color: #fff; padding: .6rem 1rem; border-radius: .4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #8884; vertical-align: top; }
td.detail { font-size: .85em; color: #666; word-break: break-word; }
`;
