/** The two cookies of a web session, read and written without a cookie library. */
export const SESSION_COOKIE = 'duban_session';
/** Readable by the page: the double-submit CSRF token it echoes in `X-CSRF-Token`. */
export const CSRF_COOKIE = 'duban_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed cookie is no cookie
    }
  }
  return out;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  /** Seconds; none makes a browser-session cookie; 0 deletes. */
  maxAge?: number;
}

export function cookie(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'SameSite=Strict',
    ...(o.httpOnly ? ['HttpOnly'] : []),
    ...(o.secure ? ['Secure'] : []),
    ...(o.maxAge !== undefined ? [`Max-Age=${o.maxAge}`] : []),
  ].join('; ');
}
