/**
 * The status page's HTML shell: header, the problem banner, the login form and an empty main
 * area the script fills with panels (runtime/web/ui/). No inline script or style, so the CSP can
 * forbid both; the asset URLs carry the bundle's content hash so browsers may cache them for good.
 * `loggedIn: false` (a request without a valid session or token) marks the body so the script
 * shows the login form without first asking the API (which would answer 401).
 */
export function statusPageHtml(version: string, loggedIn: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Vigil</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/status.css?v=${version}">
<script defer src="/assets/status.js?v=${version}"></script>
</head>
<body${loggedIn ? '' : ' data-session="none"'}>
<header class="top">
  <div class="brand">
    <h1 id="device">Vigil</h1>
    <span id="overall" class="badge" data-state="loading">loading…</span>
    <span id="stream-state" class="stream" data-state="off" title="Live updates" hidden></span>
  </div>
  <div id="alarm" class="alarm" hidden></div>
  <div id="account" class="account" hidden></div>
</header>
<p id="problem" class="problem" role="alert" hidden></p>
<section id="login" class="login" aria-labelledby="login-title" hidden>
  <h2 id="login-title">Log in</h2>
  <form id="login-form" novalidate>
    <input type="text" name="username" value="admin" autocomplete="username" hidden>
    <label for="password">Admin password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby="login-help login-error">
    <button id="login-submit" type="submit">Log in</button>
    <p id="login-error" class="field-error" role="alert" hidden></p>
    <p id="login-help" class="hint">The password was printed once in the log at first start: <code>journalctl -u vigil | grep 'admin password generated'</code>.</p>
  </form>
</section>
<main id="panels" class="panels" hidden></main>
<noscript><p class="problem">The status page needs JavaScript.</p></noscript>
</body>
</html>
`;
}
