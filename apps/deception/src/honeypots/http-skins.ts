// The HTTP honeypot's login pages (persona.extra.skin): a small-office router, a metrics dashboard
// and a build server. All markup is our own; none names or copies a real product.

export interface HttpSkin {
  readonly name: 'router' | 'dashboard' | 'ci';
  /** Server header when the persona's banner is empty. */
  readonly defaultServer: string;
  /** Where the form posts. */
  readonly loginPath: string;
  readonly usernameField: string;
  readonly passwordField: string;
  /** Status of a refused login (some products answer 401, others the form again with 200). */
  readonly failedStatus: number;
  page(hostname: string, failed: boolean): string;
}

/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function document(title: string, style: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const router: HttpSkin = {
  name: 'router',
  defaultServer: 'lighttpd/1.4.59',
  loginPath: '/login.cgi',
  usernameField: 'username',
  passwordField: 'password',
  failedStatus: 200,
  page: (hostname, failed) =>
    document(
      `${escapeHtml(hostname)} - Administration`,
      'body{font-family:Arial,sans-serif;background:#e9edf1;margin:0}.box{width:320px;margin:90px auto;background:#fff;border:1px solid #c4ccd4;padding:24px}h1{font-size:18px;color:#24507a}label{display:block;margin-top:12px;font-size:13px}input{width:100%;padding:6px;box-sizing:border-box}.err{color:#b00020;font-size:13px}button{margin-top:18px;padding:7px 18px}',
      `<div class="box">
<h1>Router Administration</h1>
<p>Device: ${escapeHtml(hostname)}</p>
${failed ? '<p class="err">Invalid credentials. Please try again.</p>' : ''}
<form method="post" action="/login.cgi">
<label for="username">User name</label><input id="username" name="username" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Log in</button>
</form>
<p style="font-size:11px;color:#777">Firmware 3.2.14 build 220913</p>
</div>`,
    ),
};

const dashboard: HttpSkin = {
  name: 'dashboard',
  defaultServer: 'nginx/1.18.0 (Ubuntu)',
  loginPath: '/login',
  usernameField: 'user',
  passwordField: 'password',
  failedStatus: 401,
  page: (hostname, failed) =>
    document(
      'Sign in - Dashboards',
      'body{font-family:Inter,Helvetica,Arial,sans-serif;background:#111217;color:#ccccdc;margin:0}.panel{max-width:360px;margin:120px auto;padding:32px}h2{font-weight:400}input{width:100%;padding:8px;margin:6px 0 14px;background:#0b0c0e;color:#ccccdc;border:1px solid #2c3235;box-sizing:border-box}button{width:100%;padding:9px;background:#3d71d9;color:#fff;border:0}.err{background:#5c1f24;padding:8px}',
      `<div class="panel">
<h2>Welcome to ${escapeHtml(hostname)}</h2>
${failed ? '<div class="err">Invalid credentials</div>' : ''}
<form method="post" action="/login">
<label for="user">Email or username</label><input id="user" name="user" autocomplete="username">
<label for="current-password">Password</label><input id="current-password" name="password" type="password">
<button type="submit">Log in</button>
</form>
</div>`,
    ),
};

const ci: HttpSkin = {
  name: 'ci',
  defaultServer: 'nginx/1.18.0 (Ubuntu)',
  loginPath: '/j_spring_security_check',
  usernameField: 'j_username',
  passwordField: 'j_password',
  failedStatus: 401,
  page: (hostname, failed) =>
    document(
      `Sign in [${escapeHtml(hostname)}]`,
      'body{font-family:system-ui,sans-serif;background:#f8f8f8;margin:0}.card{width:340px;margin:100px auto;background:#fff;border-radius:8px;padding:28px;box-shadow:0 1px 4px #0002}input{width:100%;padding:8px;margin:6px 0 12px;box-sizing:border-box}button{width:100%;padding:9px;background:#1d1d1f;color:#fff;border:0;border-radius:6px}.err{color:#c21c1c}',
      `<div class="card">
<h1>Sign in to ${escapeHtml(hostname)}</h1>
${failed ? '<p class="err">Invalid username or password</p>' : ''}
<form method="post" action="/j_spring_security_check" name="login">
<label for="j_username">Username</label><input id="j_username" name="j_username" autocomplete="username">
<label for="j_password">Password</label><input id="j_password" name="j_password" type="password">
<label><input type="checkbox" name="remember_me"> Keep me signed in</label>
<button type="submit" name="Submit">Sign in</button>
</form>
</div>`,
    ),
};

export const HTTP_SKINS: Readonly<Record<HttpSkin['name'], HttpSkin>> = { router, dashboard, ci };

/** The skin persona.extra.skin names; the router for none or an unknown name. */
export function skinOf(name: string | undefined): HttpSkin {
  return HTTP_SKINS[name as HttpSkin['name']] ?? router;
}
