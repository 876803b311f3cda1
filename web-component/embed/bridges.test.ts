import { describe, expect, it } from 'vitest';
import { detectBridge } from './bridges.ts';

describe('detectBridge', () => {
  it('detects React Native WebView and posts a JSON string', () => {
    const got: unknown[] = [];
    const b = detectBridge({ ReactNativeWebView: { postMessage: (s: string) => got.push(s) } });
    expect(b?.kind).toBe('react-native');
    b!.post({ type: 'x' });
    expect(got).toEqual(['{"type":"x"}']);
  });
  it('detects the iOS message handler and posts the object', () => {
    const got: unknown[] = [];
    const b = detectBridge({ webkit: { messageHandlers: { liveness: { postMessage: (m: unknown) => got.push(m) } } } });
    expect(b?.kind).toBe('ios');
    b!.post({ type: 'x' });
    expect(got).toEqual([{ type: 'x' }]);
  });
  it('detects the Android JS interface', () => {
    const got: unknown[] = [];
    const b = detectBridge({ LivenessAndroid: { postMessage: (s: string) => got.push(s) } });
    expect(b?.kind).toBe('android');
    b!.post({ type: 'y' });
    expect(got).toEqual(['{"type":"y"}']);
  });
  it('finds nothing in a plain browser, or with other message handlers only', () => {
    expect(detectBridge({})).toBeNull();
    expect(detectBridge({ webkit: { messageHandlers: { other: { postMessage() {} } } } })).toBeNull();
  });
});
