import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeStrict, encodeCbor, encodeCborFloat } from '../../protocol/index.ts';

/**
 * A small real HTTP matcher for tests (127.0.0.1, CBOR). Behaviour is chosen by a marker inside
 * the frame bytes (see fakeJpeg): SPOOF → liveness 10; NOMATCH → score −80 / no candidates;
 * REVIEW → score 20; RECAP → score 0; DUP → identify finds `someone-else`; NOFACE → 400 NO_FACE;
 * DOWN → 503; SWAP → the frames show two people; NOCHALLENGE → the challenge is not met.
 * Otherwise: liveness 95, the last frame chosen to match, verify +80, identify `person-1` at +85
 * (ids in the namespace of the gallery asked, `tenant.<integrator>` → `<integrator>:person-1`).
 * GET /persons/{id} finds only ids containing EXISTS.
 */
export interface FakeMatcher {
  url: string;
  calls: { method: string; path: string }[];
  /** answer 503 to everything while true */
  down: boolean;
  close(): Promise<void>;
}

function has(frames: Uint8Array[], marker: string): boolean {
  const m = Buffer.from(marker);
  return frames.some((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).includes(m));
}

export async function startFakeMatcher(opts: { delayMs?: number; constant?: boolean } = {}): Promise<FakeMatcher> {
  const state: FakeMatcher = { url: '', calls: [], down: false, close: async () => undefined };
  const constLiveness = encodeCbor({ liveness: 95, live: true, reasons: [], signals: { moire: 0.1 }, bestFrame: 0, sameSubject: true, challengeMet: true });
  const constVerify = encodeCborFloat(80);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const bytes = body === null ? new Uint8Array(0) : body instanceof Uint8Array ? body : encodeCbor(body);
        res.writeHead(status, { ...(bytes.byteLength ? { 'content-type': 'application/cbor' } : {}), 'content-length': bytes.byteLength, ...headers });
        res.end(bytes);
      };
      const path = (req.url ?? '').split('?')[0];
      if (!opts.constant) state.calls.push({ method: req.method ?? '', path });
      const answer = () => {
        // the bench's hot calls answer without decoding; the rest (the duplicate check's /identify) as below
        if (opts.constant && path === '/liveness') return send(200, constLiveness);
        if (opts.constant && path.endsWith('/verify')) return send(200, constVerify);
        if (state.down) return send(503, { code: 'NOT_READY', message: 'down' });
        if (req.method === 'GET' && /^\/persons\/[^/]+$/.test(path)) {
          return path.includes('EXISTS') ? send(200, { images: [], galleries: [], metadata: {} }) : send(404, null);
        }
        if (req.method === 'DELETE' && /^\/persons\/[^/]+$/.test(path)) return send(204, null);
        let body: Record<string, unknown>;
        try {
          body = decodeStrict(new Uint8Array(Buffer.concat(chunks))) as Record<string, unknown>;
        } catch {
          return send(400, { code: 'MALFORMED_BODY', message: 'bad cbor' });
        }
        const frames = (body.frames ?? body.images ?? (body.image ? [body.image] : [])) as Uint8Array[];
        if (has(frames, 'DOWN')) return send(503, { code: 'NOT_READY', message: 'down' });
        if (has(frames, 'NOFACE')) return send(400, { code: 'NO_FACE', message: 'no face' });
        if (req.method === 'POST' && path === '/liveness') {
          const spoof = has(frames, 'SPOOF');
          const swap = has(frames, 'SWAP');
          // most frames turned away: nobody else seen, but the identity cannot be bound (FACE_NOT_FRONTAL)
          const turned = has(frames, 'TURNED');
          const noChallenge = has(frames, 'NOCHALLENGE');
          const reasons = [...(swap ? ['IDENTITY_MISMATCH'] : []), ...(turned ? ['FACE_NOT_FRONTAL'] : []), ...(spoof ? ['PAD_MOIRE'] : []), ...(noChallenge ? ['CHALLENGE_APPROACH'] : [])];
          return send(200, {
            liveness: spoof ? 10 : swap ? 0 : 95, live: !spoof && !swap && !turned && !noChallenge, reasons, signals: { moire: spoof ? 0.9 : 0.1 },
            bestFrame: frames.length - 1, sameSubject: !swap && !turned, challengeMet: !noChallenge,
          });
        }
        if (req.method === 'POST' && /^\/persons\/[^/]+\/verify$/.test(path)) {
          const score = has(frames, 'NOMATCH') ? -80 : has(frames, 'REVIEW') ? 20 : has(frames, 'RECAP') ? 0 : 80;
          return send(200, encodeCborFloat(score));
        }
        if (req.method === 'POST' && path === '/identify') {
          const gallery = Array.isArray(body.galleries) ? body.galleries[0] : body.gallery;
          const ns = typeof gallery === 'string' && gallery.startsWith('tenant.') ? `${gallery.slice(7)}:` : '';
          const c = (id: string, similarity: number, score: number) => ({ id: ns + id, score, similarity });
          const list = (matches: unknown[]) => send(200, matches, { coverage: '1' });
          if (has(frames, 'NOMATCH')) return list([]);
          if (has(frames, 'DUP')) return list([c('someone-else', 0.95, 90)]);
          if (has(frames, 'REVIEW')) return list([c('person-1', 0.6, 20)]);
          if (has(frames, 'ENROL')) return list([]);
          return list([c('person-1', 0.95, 85), c('person-2', 0.4, -30), { id: 'other-tenant:person-9', score: 99, similarity: 0.99 }]);
        }
        if (req.method === 'PUT' && /^\/persons\/[^/]+$/.test(path)) return send(201, { id: path.split('/')[2] });
        return send(400, { code: 'NOT_FOUND', message: 'no route' });
      };
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return state;
}
