// config.json beside the console's files: `{"mode":"local"}` from `spotcheck serve` (sign in with a
// one-time link it prints), or on AWS `{"mode":"oidc", "authorize_url", "token_url", "client_id",
// "api", "public_site"}` written at deployment (docs/operations.md). `min_notice_minutes` is the
// server's minimum notice before a planned draw.
let current = { mode: 'local' };

export async function loadConfig() {
  try {
    const res = await fetch('config.json', { cache: 'no-cache' });
    if (res.ok) current = { ...current, ...(await res.json()) };
  } catch { /* the defaults */ }
  return current;
}

export const config = () => current;
