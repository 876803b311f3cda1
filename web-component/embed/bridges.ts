/**
 * Web-view bridges: React Native WebView (`window.ReactNativeWebView.postMessage(string)`),
 * iOS WKWebView (`webkit.messageHandlers.liveness.postMessage(object)`) and an Android
 * `@JavascriptInterface` object (`window.LivenessAndroid.postMessage(string)`).
 */

export type BridgeKind = 'react-native' | 'ios' | 'android';

export interface Bridge {
  kind: BridgeKind;
  post(message: object): void;
}

/** Names the host apps register (documented in docs/integration.md). */
export const IOS_HANDLER = 'liveness';
export const ANDROID_INTERFACE = 'LivenessAndroid';

interface BridgeWindow {
  ReactNativeWebView?: { postMessage?: (s: string) => void };
  webkit?: { messageHandlers?: Record<string, { postMessage?: (m: unknown) => void } | undefined> };
  [ANDROID_INTERFACE]?: { postMessage?: (s: string) => void };
}

export function detectBridge(w: unknown): Bridge | null {
  const win = w as BridgeWindow;
  const rn = win.ReactNativeWebView;
  if (rn && typeof rn.postMessage === 'function') return { kind: 'react-native', post: (m) => rn.postMessage!(JSON.stringify(m)) };
  const ios = win.webkit?.messageHandlers?.[IOS_HANDLER];
  if (ios && typeof ios.postMessage === 'function') return { kind: 'ios', post: (m) => ios.postMessage!(m) };
  const android = win[ANDROID_INTERFACE];
  if (android && typeof android.postMessage === 'function') return { kind: 'android', post: (m) => android.postMessage!(JSON.stringify(m)) };
  return null;
}
