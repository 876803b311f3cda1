import { Hono } from 'hono';
import type { Services } from '../services.ts';

/** `GET /.well-known/jwks.json`: the verifier's published public keys (next, current, previous). */
export function jwksRoutes(s: Services): Hono {
  const app = new Hono();
  app.get('/.well-known/jwks.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    // public keys: the hosted iframe page (another origin) verifies session tokens with them
    c.header('access-control-allow-origin', '*');
    return c.json(s.keys.jwks(s.now()));
  });
  return app;
}
