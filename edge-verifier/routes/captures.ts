import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import * as v from 'valibot';
import { CBOR_MEDIA_TYPE, CaptureUploadSchema, KitError, MAX_CAPTURE_BODY_BYTES, MAX_FRAME_BYTES, decodeStrict } from '../../protocol/index.ts';
import { processCapture } from '../flow/process-capture.ts';
import type { Services } from '../services.ts';

/** CBOR items a capture upload may hold: {token, session, frames: [≤ 16 frames]} is under 30. */
const MAX_CAPTURE_ITEMS = 256;

/**
 * `POST /v1/captures` (browser, CORS for the integrators' origins): CBOR body
 * `{token, session, frames}`, size-limited before decoding.
 */
export function captureRoutes(s: Services): Hono {
  const app = new Hono();
  app.use(
    '/v1/captures',
    cors({
      // preflight cannot know the session yet: allow any integrator origin here, and check the
      // session's own origin list once the session token is verified
      origin: async (o) => ((await s.integrators.all()).some((i) => i.origins.includes(o)) ? o : null),
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
      // a browser always names its origin on a cross-origin POST: one that does not (a stripped
      // header) is refused rather than let through unchecked; server-side callers send no Sec-Fetch-*
      if (!c.req.header('origin') && c.req.header('sec-fetch-site')) throw new KitError('ORIGIN_NOT_ALLOWED', 'browser uploads must carry an Origin header');
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (type !== CBOR_MEDIA_TYPE) throw new KitError('UNSUPPORTED_MEDIA_TYPE', `send ${CBOR_MEDIA_TYPE}`);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      // bodyLimit counts the bytes as they stream in; the item limit stops an amplification bomb before decoding
      const body = decodeStrict(bytes, { maxBytes: MAX_CAPTURE_BODY_BYTES, maxItems: MAX_CAPTURE_ITEMS, maxFieldBytes: MAX_FRAME_BYTES });
      const parsed = v.safeParse(CaptureUploadSchema, body);
      if (!parsed.success) throw new KitError('SCHEMA_VIOLATION', 'capture upload violates the schema');
      const result = await processCapture(s, parsed.output, c.req.header('origin'));
      return c.json(result);
    },
  );
  return app;
}
