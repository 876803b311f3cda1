/**
 * React wrapper for <liveness-capture>, with no dependency on react: pass your `React` in.
 *
 *   import React from 'react';
 *   import { createLivenessCaptureComponent } from '@liveness-kit/react';
 *   const LivenessCapture = createLivenessCaptureComponent(React);
 *   <LivenessCapture session={token} verifier={url} onComplete={(e) => send(e.detail.verdict)} />
 *
 * Attributes are set as properties on the element, events are bound with addEventListener
 * (React 18 does not forward custom events), and the ref reaches the element.
 */
import type { CompleteDetail, ErrorDetail, ProgressDetail } from '../element/capture-controller.ts';
import type { FlowConfig } from '../element/capture-flow.ts';
import { defineLivenessCapture, LivenessCapture } from '../element/liveness-capture.ts';
import type { PipelineFactory } from '../element/pipeline-port.ts';

/** The part of React this wrapper uses (structural, so any React 17–19 fits). */
export interface ReactLike {
  createElement(type: string, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
  forwardRef<T, P>(render: (props: P, ref: unknown) => unknown): unknown;
  useRef<T>(initial: T | null): { current: T | null };
  useEffect(effect: () => void | (() => void), deps?: unknown[]): void;
  useLayoutEffect(effect: () => void | (() => void), deps?: unknown[]): void;
}

export interface LivenessCaptureProps {
  session?: string;
  verifier?: string;
  locale?: 'pt-BR' | 'es' | 'en';
  autoStart?: boolean;
  operation?: string;
  evidenceCount?: number;
  assetBase?: string;
  modelBase?: string;
  wasmBase?: string;
  config?: Record<string, unknown>;
  flowConfig?: Partial<FlowConfig>;
  jpegQuality?: number;
  pipelineFactory?: PipelineFactory;
  refuseVirtualCamera?: boolean;
  className?: string;
  style?: Record<string, string | number>;
  onProgress?: (e: CustomEvent<ProgressDetail>) => void;
  onComplete?: (e: CustomEvent<CompleteDetail>) => void;
  onError?: (e: CustomEvent<ErrorDetail>) => void;
  onCancel?: (e: CustomEvent<Record<string, never>>) => void;
  children?: unknown;
}

const EVENTS = {
  onProgress: 'liveness-progress',
  onComplete: 'liveness-complete',
  onError: 'liveness-error',
  onCancel: 'liveness-cancel',
} as const;

/** Every property the element declares, so each element option is a React prop of the same name. */
export const PROPS = Object.keys(LivenessCapture.properties) as (keyof LivenessCapture & keyof LivenessCaptureProps)[];
// does not compile when the element gains an option the React props do not name
type ElementOption = keyof typeof LivenessCapture.properties;
const everyOption: ElementOption extends keyof LivenessCaptureProps ? true : never = true;
void everyOption;

export function createLivenessCaptureComponent(React: ReactLike): unknown {
  defineLivenessCapture();
  return React.forwardRef<LivenessCapture, LivenessCaptureProps>((props, ref) => {
    const el = React.useRef<LivenessCapture>(null);
    React.useLayoutEffect(() => {
      const node = el.current;
      if (!node) return;
      for (const k of PROPS) if (props[k] !== undefined) (node as unknown as Record<string, unknown>)[k] = props[k];
    });
    React.useEffect(() => {
      const node = el.current;
      if (!node) return;
      const off: (() => void)[] = [];
      for (const [prop, name] of Object.entries(EVENTS)) {
        const handler = props[prop as keyof typeof EVENTS] as ((e: Event) => void) | undefined;
        if (!handler) continue;
        node.addEventListener(name, handler);
        off.push(() => node.removeEventListener(name, handler));
      }
      return () => off.forEach((f) => f());
    }, [props.onProgress, props.onComplete, props.onError, props.onCancel]);
    const setRef = (node: LivenessCapture | null) => {
      el.current = node;
      if (typeof ref === 'function') ref(node);
      else if (ref && typeof ref === 'object') (ref as { current: unknown }).current = node;
    };
    return React.createElement('liveness-capture', { ref: setRef, className: props.className, style: props.style }, props.children);
  });
}
