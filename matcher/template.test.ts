import { describe, expect, it } from 'vitest';
import { cosine, fromTemplate, toTemplate } from './template.ts';

const M = { model: 'm', version: '1', dims: 4 };

describe('templates', () => {
  it('round-trips and normalises', () => {
    const t = toTemplate(M, Float32Array.from([3, 0, 4, 0]));
    const v = fromTemplate(t, M);
    expect(Array.from(v)).toEqual([0.6000000238418579, 0, 0.800000011920929, 0]);
    expect(cosine(v, v)).toBeCloseTo(1, 6);
  });
  it('never compares another model, and rejects malformed payloads', () => {
    const t = toTemplate(M, Float32Array.from([1, 0, 0, 0]));
    expect(() => fromTemplate(t, { ...M, version: '2' })).toThrow(expect.objectContaining({ code: 'TEMPLATE_MODEL_MISMATCH' }));
    expect(() => fromTemplate({ ...t, data: new Uint8Array(3) }, M)).toThrow(expect.objectContaining({ code: 'SCHEMA_VIOLATION' }));
    expect(() => fromTemplate({ ...t, data: new Uint8Array(16) }, M)).toThrow(expect.objectContaining({ code: 'SCHEMA_VIOLATION' }));
    const nan = toTemplate(M, Float32Array.from([NaN, 0, 0, 0]));
    expect(() => fromTemplate(nan, M)).toThrow(expect.objectContaining({ code: 'SCHEMA_VIOLATION' }));
  });
  it('accepts int8 templates', () => {
    const v = fromTemplate({ ...M, dtype: 'i8', data: new Uint8Array([127, 0, 0, 0]) }, M);
    expect(v[0]).toBeCloseTo(1, 6);
  });
});
