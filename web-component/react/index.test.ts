import { describe, expect, it } from 'vitest';
import { createLivenessCaptureComponent, type ReactLike } from './index.ts';

/** A just-enough React: forwardRef returns the render function, effects run after the render (commit). */
function fakeReact() {
  const created: { type: string; props: Record<string, unknown> }[] = [];
  const effects: (() => void)[] = [];
  const React: ReactLike = {
    createElement: (type, props) => {
      created.push({ type, props: props ?? {} });
      return { type, props };
    },
    forwardRef: (render) => render,
    useRef: <T,>(initial: T | null) => ({ current: initial }),
    useEffect: (fx) => void effects.push(() => void fx()),
    useLayoutEffect: (fx) => void effects.unshift(() => void fx()),
  };
  return { React, created, commit: () => effects.splice(0).forEach((f) => f()) };
}

describe('React wrapper', () => {
  it('renders <liveness-capture>, sets props as properties and binds events', () => {
    const { React, created, commit } = fakeReact();
    const render = createLivenessCaptureComponent(React) as (props: Record<string, unknown>, ref: unknown) => unknown;
    const node = {
      props: {} as Record<string, unknown>,
      listeners: [] as string[],
      addEventListener(name: string) {
        this.listeners.push(name);
      },
      removeEventListener() {},
    };
    const ref: { current: unknown } = { current: null };
    // the ref callback runs when React attaches the node; here before effects, as React does
    const origCreate = React.createElement;
    React.createElement = (type, props, ...children) => {
      (props!.ref as (n: unknown) => void)(new Proxy(node, { set: (t, k, v) => ((t.props[String(k)] = v), true) }));
      return origCreate(type, props, ...children);
    };
    render({ session: 'tok', verifier: 'https://v.example', autoStart: true, onComplete: () => {}, onError: () => {} }, ref);
    commit();
    expect(created[0].type).toBe('liveness-capture');
    expect(ref.current).not.toBeNull();
    expect(node.props).toMatchObject({ session: 'tok', verifier: 'https://v.example', autoStart: true });
    expect(node.listeners.sort()).toEqual(['liveness-complete', 'liveness-error']);
  });
});
