/**
 * Everything sign-in needs, built over the token store's Redis connection and key
 * prefix, so the HTTP layer and the demo get the same stores from `rt.tokens`.
 */
import { AccountStore } from './accounts.js';
import { SessionStore } from './sessions.js';
import { SignInGuard } from './sign-in-guard.js';
import type { TokenStore } from './tokens.js';

export interface Auth {
  tokens: TokenStore;
  sessions: SessionStore;
  accounts: AccountStore;
  guard: SignInGuard;
}

const cache = new WeakMap<TokenStore, Auth>();

export function authOf(tokens: TokenStore): Auth {
  let auth = cache.get(tokens);
  if (!auth) {
    auth = {
      tokens,
      sessions: new SessionStore(tokens.redis, tokens.auth),
      accounts: new AccountStore(tokens.redis, tokens.auth),
      guard: new SignInGuard(tokens.redis, tokens.auth),
    };
    cache.set(tokens, auth);
  }
  return auth;
}
