import { describe, expect, it } from 'vitest';
import { assetUrls } from './asset-urls.ts';

const PAGE = 'https://shop.example/checkout/page.html';

describe('assetUrls', () => {
  it('without an asset base: the repository layout, absolute, bundler workers', () => {
    expect(assetUrls({ assetBase: null, modelBase: null, wasmBase: null }, PAGE)).toEqual({ modelBase: 'https://shop.example/models', wasmBase: 'https://shop.example/wasm/' });
  });

  it('an asset base holds models/, wasm/ and workers/, resolved against the page', () => {
    expect(assetUrls({ assetBase: '/liveness-kit', modelBase: null, wasmBase: null }, PAGE)).toEqual({
      modelBase: 'https://shop.example/liveness-kit/models',
      wasmBase: 'https://shop.example/liveness-kit/wasm/',
      workerBase: 'https://shop.example/liveness-kit/workers/',
    });
    expect(assetUrls({ assetBase: 'kit/', modelBase: null, wasmBase: null }, PAGE).workerBase).toBe('https://shop.example/checkout/kit/workers/');
  });

  it('model-base and wasm-base override their part only', () => {
    const u = assetUrls({ assetBase: 'https://cdn.shop.example/lk/', modelBase: '/my-models/', wasmBase: '/my-wasm' }, PAGE);
    expect(u).toEqual({ modelBase: 'https://shop.example/my-models', wasmBase: 'https://shop.example/my-wasm/', workerBase: 'https://cdn.shop.example/lk/workers/' });
  });
});
