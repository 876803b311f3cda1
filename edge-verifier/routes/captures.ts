import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import * as v from 'valibot';
import { CBOR_MEDIA_TYPE, CaptureUploadSchema, KitError, MAX_CAPTURE_BODY_BYTES, decodeStrict } from '../../protocol/index.ts';
import { processCapture } from '../flow/process-capture.ts';
import { backgroundFor, type Services } from '../services.ts';

/**
 * `POST /v1/captures` (browser, CORS for the integrators' origins): CBOR body
 * `{token, session, frames}`, size-limited before decoding.
 */
export function captureRoutes(s: Services): Hono {
  const app = new Hono();
  const allowed = new Set(s.config.integrators.flatMap((i) => i.origins));
  app.use(
    '/v1/captures',
    cors({
      // preflight cannot know the session yet: allow any integrator origin here, and check the
      // session's own origin list once the session token is verified
      origin: (o) => (allowed.has(o) ? o : null),
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['content-type'],
      maxAge: 600,
    }),
  );
  app.post(
    '/v1/captures',
    bodyLimit({
      maxSize: MAX_CAPTURE_BODY_BYTES,
      onError: () => {
        throw new KitError('BODY_TOO_LARGE', `capture body over ${MAX_CAPTURE_BODY_BYTES} bytes`);
      },
    }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (type !== CBOR_MEDIA_TYPE) throw new KitError('UNSUPPORTED_MEDIA_TYPE', `send ${CBOR_MEDIA_TYPE}`);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const parsed = v.safeParse(CaptureUploadSchema, decodeStrict(bytes, MAX_CAPTURE_BODY_BYTES));
      if (!parsed.success) throw new KitError('SCHEMA_VIOLATION', 'capture upload violates the schema');
      const result = await processCapture(s, parsed.output, c.req.header('origin'), backgroundFor(c, s));
      return c.json(result);
    },
  );
  return app;
}
