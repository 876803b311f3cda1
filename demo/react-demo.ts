// The React wrapper with real React and react-dom (what an integrator's React app does). The page
// gets a REGISTRATION session for a fresh subject from the demo backend (as the operation pages do); a test drives it through window.__react
// instead (mount with props, unmount), and reads the events the React handlers received.
import { createElement, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { CompleteDetail, ErrorDetail, ProgressDetail } from '../web-component/element/capture-controller.ts';
import { createLivenessCaptureComponent, type LivenessCaptureProps } from '../web-component/react/index.ts';
import * as React from 'react';
import { demoApi } from './app/api.ts';

const LivenessCapture = createLivenessCaptureComponent(React as never) as React.ComponentType<LivenessCaptureProps & { ref?: React.Ref<HTMLElement> }>;

interface ReactHarness {
  /** the React that rendered (its `version`) */
  version: string;
  events: { type: string; detail: unknown }[];
  mount(props: Partial<LivenessCaptureProps>): void;
  unmount(): void;
  element(): HTMLElement | null;
}

declare global {
  interface Window {
    __react?: ReactHarness;
  }
}

const out = document.querySelector('#result')!;
const events: ReactHarness['events'] = [];
let root: Root | null = null;
let ref: HTMLElement | null = null;

function App(props: Partial<LivenessCaptureProps>) {
  const [done, setDone] = useState<string | null>(null);
  return createElement(
    'div',
    null,
    createElement(LivenessCapture, {
      ...props,
      ref: (n: HTMLElement | null) => void (ref = n),
      onProgress: (e: CustomEvent<ProgressDetail>) => void events.push({ type: 'progress', detail: e.detail }),
      onComplete: (e: CustomEvent<CompleteDetail>) => {
        events.push({ type: 'complete', detail: e.detail });
        setDone(`status ${e.detail.status}`);
        out.textContent = JSON.stringify({ status: e.detail.status, response: e.detail.response, claims: e.detail.claims }, null, 2);
      },
      onError: (e: CustomEvent<ErrorDetail>) => {
        events.push({ type: 'error', detail: e.detail });
        out.textContent = `${e.detail.code}: ${e.detail.message}`;
      },
      onCancel: () => void events.push({ type: 'cancel', detail: null }),
    }),
    done ? createElement('p', { id: 'react-done' }, `React saw the verdict: ${done}`) : null,
  );
}

window.__react = {
  version: React.version,
  events,
  mount(props) {
    root ??= createRoot(document.querySelector('#root')!);
    root.render(createElement(App, props));
  },
  unmount() {
    root?.unmount();
    root = null;
  },
  element: () => ref,
};

// without a test driving it: a session from the demo backend, as capture.html does
if (!new URLSearchParams(location.search).has('test')) {
  demoApi
    .startSession({ operation: 'REGISTRATION', subject: `react-demo-${Date.now().toString(36)}` })
    .then((s) => window.__react!.mount({ session: s.token, verifier: s.verifier, locale: 'pt-BR' }))
    .catch((e: unknown) => (out.textContent = String(e)));
}
