import { describe, expect, it } from 'vitest';
import { KitError } from '../../protocol/index.ts';
import { embedQuery, parseEmbedParams, scrubToken } from './params.ts';

describe('parseEmbedParams', () => {
  it('reads every parameter with defaults', () => {
    const p = parseEmbedParams('?token=a.b.c&card=123&name=Ana&autoStart=true&url=https%3A%2F%2Fx.example%2Fr&details=%7B%22k%22%3A1%7D');
    expect(p).toMatchObject({ token: 'a.b.c', card: '123', name: 'Ana', autoStart: true, url: 'https://x.example/r', operation: 'VERIFICATION', details: { k: 1 } });
    expect(parseEmbedParams('').autoStart).toBe(false);
  });
  it('requires message for IMAGE_UPDATE', () => {
    expect(() => parseEmbedParams('?operation=IMAGE_UPDATE')).toThrow(KitError);
    expect(parseEmbedParams('?operation=IMAGE_UPDATE&message=new%20photo').operation).toBe('IMAGE_UPDATE');
    expect(parseEmbedParams('?operation=registration').operation).toBe('REGISTRATION');
  });
  it('rejects unknown operations and bad details', () => {
    expect(() => parseEmbedParams('?operation=DELETE')).toThrow(KitError);
    expect(() => parseEmbedParams('?details=%5B1%5D')).toThrow(/object/);
    expect(() => parseEmbedParams('?details=%7B')).toThrow(/JSON/);
    expect(() => parseEmbedParams(`?card=${'9'.repeat(200)}`)).toThrow(/too long/);
  });
  it('reads the fragment before the query', () => {
    const q = embedQuery({ search: '?token=q&card=1', hash: '#token=h' });
    expect(parseEmbedParams(q)).toMatchObject({ token: 'h', card: '1' });
    expect(embedQuery({ search: '', hash: '' })).toBe('?');
  });
  it('scrubs the token from a URL', () => {
    expect(scrubToken('https://p.example/iframe.html?token=a.b.c&card=1#x')).toBe('https://p.example/iframe.html?card=1#x');
    expect(scrubToken('https://p.example/iframe.html?card=1#token=a.b.c&locale=en')).toBe('https://p.example/iframe.html?card=1#locale=en');
    expect(scrubToken('https://p.example/iframe.html')).toBe('https://p.example/iframe.html');
  });
});
