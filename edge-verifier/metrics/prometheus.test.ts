import { describe, expect, it } from 'vitest';
import { MAX_REASON_LABELS, VerifierMetrics } from './prometheus.ts';

const series = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name + '{'));

describe('VerifierMetrics', () => {
  it('counts a capture by operation and status, its reasons, band and liveness', async () => {
    const m = new VerifierMetrics();
    m.capture({ op: 'VERIFICATION', status: 3, reasons: ['CAMERA_VIRTUAL', 'CAMERA_VIRTUAL'], band: 'APPROVE', live: true });
    m.capture({ op: 'VERIFICATION', status: 'retry', reasons: ['FACE_NOT_LIVE'], live: false });
    const t = await m.render();
    expect(t).toContain('verifier_captures_total{operation="VERIFICATION",status="3"} 1');
    expect(t).toContain('verifier_captures_total{operation="VERIFICATION",status="retry"} 1');
    expect(t).toContain('verifier_capture_reasons_total{reason="CAMERA_VIRTUAL"} 1');
    expect(t).toContain('verifier_match_band_total{band="APPROVE"} 1');
    expect(t).toContain('verifier_liveness_total{kind="capture",result="not_live"} 1');
  });

  it('never lets a reason label grow without bound or carry a non-code string', async () => {
    const m = new VerifierMetrics();
    for (let i = 0; i < MAX_REASON_LABELS + 100; i++) m.capture({ op: 'REGISTRATION', status: 5, reasons: [`REASON_${i}`] });
    m.capture({ op: 'REGISTRATION', status: 5, reasons: ['alice@example.com', 'person-123', 'x'.repeat(80)] });
    const reasons = series(await m.render(), 'verifier_capture_reasons_total');
    expect(reasons).toHaveLength(MAX_REASON_LABELS + 1);
    expect(reasons).toContain('verifier_capture_reasons_total{reason="other"} 103');
  });

  it('labels unknown methods "other" and odd statuses 0', async () => {
    const m = new VerifierMetrics();
    m.request('unmatched', 'PROPFIND', 404, 0.01);
    m.request('/v1/sessions', 'POST', 9999, 0.01);
    const t = await m.render();
    expect(t).toContain('verifier_http_requests_total{method="other",route="unmatched",status="404"} 1');
    expect(t).toContain('verifier_http_requests_total{method="POST",route="/v1/sessions",status="0"} 1');
    expect(t).not.toContain('nodejs_active_handles_total');
  });
});
