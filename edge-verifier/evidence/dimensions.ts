import { KitError, type Evidence } from '../../protocol/index.ts';
import { readImageHeader } from '../../vision/image-header.ts';

/**
 * Every evidence frame is a JPEG whose header dimensions are the ones the capture token claims and
 * fit the pixel budget: read from the header, before the matcher would decode anything (a 25-MP
 * frame is refused here, not after it took gigabytes to decode).
 */
export function checkEvidenceDimensions(evidence: readonly Evidence[], frames: readonly Uint8Array[], maxPixels: number): void {
  frames.forEach((f, i) => {
    const h = readImageHeader(f);
    if (!h || h.format !== 'jpeg') throw new KitError('EVIDENCE_DIMENSIONS', `frame ${i} is not a JPEG with a readable header`);
    if (h.width * h.height > maxPixels) throw new KitError('EVIDENCE_DIMENSIONS', `frame ${i} is over ${maxPixels} pixels`);
    if (h.width !== evidence[i].w || h.height !== evidence[i].h) throw new KitError('EVIDENCE_DIMENSIONS', `frame ${i} dimensions differ from the signed evidence`);
  });
}
