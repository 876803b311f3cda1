import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import type { ErrorCode, Locale } from '../../protocol/index.ts';
import { CaptureController, type CompleteDetail, type ErrorDetail, type ProgressDetail } from './capture-controller.ts';
import type { FlowConfig } from './capture-flow.ts';
import { expiryText, guidanceText, outcomeOf, outcomeText, resolveLocale, ui } from './i18n.ts';
import type { PipelineFactory } from './pipeline-port.ts';
import { styles } from './liveness-capture.styles.ts';
import { ASSET_META, assetUrls, type AssetUrls } from './asset-urls.ts';
import { packagedAssetBase } from './packaged-assets.ts';

/** Loads the real vision pipeline only when a capture starts (keeps workers and models out of the element bundle). */
const defaultPipeline: PipelineFactory = async (o) => (await import('./vision-adapter.ts')).createVisionPipeline(o);

/**
 * @tagname liveness-capture
 * @summary Face liveness capture: camera preview, one instruction at a time, the server-chosen
 * "move closer" step, signed capture upload to the edge verifier.
 *
 * @attr session - session token from the verifier (decoded, never verified, by the element)
 * @attr verifier - base URL of the edge verifier
 * @attr locale - `pt-BR` (default), `es` or `en`
 * @attr auto-start - start the camera as soon as the element is connected
 * @attr operation - operation label for integrators (the session token's `op` is authoritative)
 * @attr evidence-count - frames uploaded (3–16, default 8)
 * @attr asset-base - folder serving the package's `models/`, `wasm/` and `workers/` (default: the
 * `<meta name="liveness-kit-assets">` content, else the element package's own `assets/` folder)
 * @attr model-base - where models are served (default `<asset-base>models`, or `/models`)
 * @attr wasm-base - where the tfjs wasm files are served (default `<asset-base>wasm/`, or `/wasm/`)
 *
 * @event liveness-progress - `{state, phase, code, message, progress, checks}` on guidance changes
 * @event liveness-complete - `{verdict, sessionId, status, response?, code?, claims}`: the verifier's verdict
 * @event liveness-error - `{code, message, retryable}` with a stable protocol error code
 * @event liveness-cancel - the user (or `cancel()`) cancelled the capture
 *
 * @slot footer - content under the controls (e.g. a privacy notice)
 *
 * @csspart base - the component's wrapper
 * @csspart stage - the preview box
 * @csspart video - the mirrored camera preview
 * @csspart guide - the oval guide overlay (SVG)
 * @csspart progress - the progress track
 * @csspart progress-bar - the progress indicator
 * @csspart instruction - the guidance text (aria-live region)
 * @csspart controls - the button row
 * @csspart expiry - the session's countdown in its last minute
 * @csspart button - every button
 * @csspart start-button - the start button
 * @csspart retry-button - the try-again button
 * @csspart cancel-button - the cancel button
 *
 * @cssproperty --lc-accent - buttons and progress colour
 * @cssproperty --lc-accent-contrast - text on accent, idle oval stroke
 * @cssproperty --lc-ok - oval colour while checks hold
 * @cssproperty --lc-error - error text colour
 * @cssproperty --lc-fg - text colour
 * @cssproperty --lc-bg - background colour
 * @cssproperty --lc-mask - the dimmed area around the oval
 * @cssproperty --lc-radius - preview corner radius
 * @cssproperty --lc-max-width - maximum width of the element
 * @cssproperty --lc-font - font family
 * @cssproperty --lc-transition - transition timing (disabled under prefers-reduced-motion)
 * @cssproperty --lc-chrome - height kept for progress, instruction and buttons under the full-screen preview on phones (default 190px)
 */
export class LivenessCapture extends LitElement {
  static override styles = styles;
  static override properties = {
    session: { type: String },
    verifier: { type: String },
    locale: { type: String, reflect: true },
    autoStart: { type: Boolean, attribute: 'auto-start' },
    operation: { type: String },
    evidenceCount: { type: Number, attribute: 'evidence-count' },
    assetBase: { type: String, attribute: 'asset-base' },
    modelBase: { type: String, attribute: 'model-base' },
    wasmBase: { type: String, attribute: 'wasm-base' },
    config: { attribute: false },
    flowConfig: { attribute: false },
    jpegQuality: { attribute: false },
    pipelineFactory: { attribute: false },
    refuseVirtualCamera: { attribute: false },
  };

  /** session token from the verifier */
  declare session: string | null;
  /** base URL of the edge verifier */
  declare verifier: string | null;
  declare locale: string;
  declare autoStart: boolean;
  declare operation: string | null;
  /** total evidence frames (far, near, best + `seq`), 3–16 */
  declare evidenceCount: number;
  /** folder serving `models/`, `wasm/` and `workers/` (see the `asset-base` attribute) */
  declare assetBase: string | null;
  /** overrides `<asset-base>models` */
  declare modelBase: string | null;
  /** overrides `<asset-base>wasm/` */
  declare wasmBase: string | null;
  /** on-device check thresholds (the pipeline's config override; see web-component/config.ts) */
  declare config: Record<string, unknown> | undefined;
  /** timing of the capture flow: stable window, approach timeout, evidence spacing */
  declare flowConfig: Partial<FlowConfig>;
  /** JPEG quality of evidence frames, 0–1 */
  declare jpegQuality: number;
  /** replaces the vision pipeline (tests, custom models) */
  declare pipelineFactory: PipelineFactory;
  /** refuse cameras whose label names a virtual camera (default true) */
  declare refuseVirtualCamera: boolean;

  private readonly capture: CaptureController;

  constructor() {
    super();
    this.session = null;
    this.verifier = null;
    this.locale = 'pt-BR';
    this.autoStart = false;
    this.operation = null;
    this.evidenceCount = 8;
    this.assetBase = null;
    this.modelBase = null;
    this.wasmBase = null;
    this.config = undefined;
    this.flowConfig = {};
    this.jpegQuality = 0.85;
    this.pipelineFactory = defaultPipeline;
    this.refuseVirtualCamera = true;
    this.capture = new CaptureController(this);
  }

  /** The URLs the pipeline loads its workers, models and wasm from. */
  assets(): AssetUrls {
    const meta = document.querySelector<HTMLMetaElement>(`meta[name="${ASSET_META}"]`)?.content || null;
    return assetUrls({ assetBase: this.assetBase || meta || packagedAssetBase(), modelBase: this.modelBase || null, wasmBase: this.wasmBase || null }, document.baseURI);
  }

  /** Current capture state: idle, starting, capturing, uploading, complete, error, cancelled. */
  get state(): string {
    return this.capture.state;
  }

  /** Starts the camera and the capture. */
  start(): Promise<void> {
    return this.capture.start();
  }

  /** Cancels the capture (emits `liveness-cancel`). */
  cancel(): void {
    this.capture.cancel();
  }

  /** Starts again after an error or a cancel. */
  retry(): Promise<void> {
    return this.capture.retry();
  }

  /** Shows an error (aria-live) and emits `liveness-error`; the capture does not start. */
  showError(code: ErrorCode): void {
    this.capture.failWith(code);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.autoStart) queueMicrotask(() => void this.capture.start());
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('autoStart') && this.autoStart && this.isConnected && this.capture.state === 'idle' && this.session) void this.capture.start();
  }

  /** @internal for the controller */
  async videoElement(): Promise<HTMLVideoElement> {
    await this.updateComplete;
    return this.renderRoot.querySelector('video')!;
  }

  /** @internal */
  message(code: ErrorCode | string): string {
    return guidanceText(this.lang_, code);
  }

  private get lang_(): Locale {
    return resolveLocale(this.locale);
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  /** @internal */
  emitProgress(d: ProgressDetail): void {
    this.emit('liveness-progress', d);
  }
  /** @internal */
  emitComplete(d: CompleteDetail): void {
    this.emit('liveness-complete', d);
  }
  /** @internal */
  emitError(d: ErrorDetail): void {
    this.emit('liveness-error', d);
  }
  /** @internal */
  emitCancel(): void {
    this.emit('liveness-cancel', {});
  }

  private text(): { msg: string; error: boolean } {
    const c = this.capture;
    const l = this.lang_;
    switch (c.state) {
      case 'idle':
        return { msg: ui(l, 'ready'), error: false };
      case 'starting':
        return { msg: ui(l, 'starting'), error: false };
      case 'uploading':
        return { msg: ui(l, 'uploading'), error: false };
      case 'complete':
        return { msg: outcomeText(l, c.outcome ? outcomeOf(c.outcome) : 'failed'), error: false };
      case 'cancelled':
        return { msg: guidanceText(l, 'CANCELLED'), error: false };
      case 'error':
        return { msg: c.error?.message ?? guidanceText(l, 'INTERNAL'), error: true };
      default:
        return { msg: guidanceText(l, c.view.code), error: false };
    }
  }

  private guide() {
    const oval = this.capture.claims?.challenge.oval ?? { cx: 0.5, cy: 0.46, w: 0.5, h: 0.65 };
    // the preview is mirrored, the oval is given in camera coordinates
    const cx = (1 - oval.cx) * 100;
    const cy = oval.cy * 100;
    let rx = (oval.w * 100) / 2;
    let ry = (oval.h * 100) / 2;
    const view = this.capture.view;
    const capturing = this.capture.state === 'capturing';
    const ok = capturing && (view.code === 'HOLD_STILL' || view.code === 'MOVE_CLOSER_STEP' || view.code === 'TURN_LEFT' || view.code === 'TURN_RIGHT');
    // the approach step shows its goal: the oval grows to the size the face must reach (and stays
    // grown for the head turn that follows it)
    if (capturing && (view.phase === 'approach' || view.phase === 'turn')) {
      const g = Math.min(this.capture.claims?.challenge.approach.minScaleGain ?? 1, 1 / oval.w, 1 / oval.h);
      rx *= g;
      ry *= g;
    }
    const hole = `M0 0H100V100H0Z M${cx - rx} ${cy} a${rx} ${ry} 0 1 0 ${2 * rx} 0 a${rx} ${ry} 0 1 0 ${-2 * rx} 0Z`;
    // the head turn: an arrow beside the oval on the asked side (the preview is a mirror, so the
    // person's own left is the screen's left)
    const side = capturing && view.phase === 'turn' ? (this.capture.claims?.challenge.turn ?? null) : null;
    const arrow = side ? turnArrow(side === 'left' ? Math.max(4, cx - rx - 4) : Math.min(96, cx + rx + 4), cy, side === 'left' ? -1 : 1) : null;
    return svg`<path class="mask" fill-rule="evenodd" d=${hole}></path>
      <ellipse class="oval ${ok ? 'ok' : ''}" cx=${cx} cy=${cy} rx=${rx} ry=${ry}></ellipse>
      ${arrow ? svg`<path class="turn-arrow" data-side=${side} d=${arrow}></path>` : nothing}`;
  }

  protected override render() {
    const c = this.capture;
    const l = this.lang_;
    const { msg, error } = this.text();
    const pct = Math.round((c.state === 'complete' || c.state === 'uploading' ? 1 : c.state === 'capturing' ? c.view.progress : 0) * 100);
    const canStart = c.state === 'idle';
    const canRetry = (c.state === 'error' && (c.error?.retryable ?? true)) || c.state === 'cancelled';
    const canCancel = c.busy;
    const left = c.busy ? c.remainingS : null;
    const outcome = c.state === 'complete' && c.outcome ? outcomeOf(c.outcome) : '';
    // while a capture runs, small screens get the whole viewport (see the styles' media query)
    return html`
      <div part="base" class="base ${c.busy ? 'active' : ''} ${c.state === 'complete' ? 'finished' : ''}" lang=${l}>
        <div part="stage" class="stage" style=${c.aspect ? `aspect-ratio:${c.aspect};--lc-ar:${c.aspectRatio}` : ''}>
          <video part="video" autoplay muted playsinline aria-label=${ui(l, 'preview')}></video>
          <svg part="guide" class="guide" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">${this.guide()}</svg>
        </div>
        <div part="progress" class="progress" role="progressbar" aria-label=${ui(l, 'progress')} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
          <div part="progress-bar" class="progress-bar" style="width:${pct}%"></div>
        </div>
        <p part="instruction" class="instruction ${error ? 'error' : ''}" role="status" aria-live="polite" aria-atomic="true" data-code=${c.state === 'capturing' ? c.view.code : c.state === 'error' ? (c.error?.code ?? '') : ''} data-outcome=${outcome}>${msg}</p>
        ${left !== null && left <= 60 ? html`<p part="expiry" class="expiry">${expiryText(l, left)}</p>` : nothing}
        <div part="controls" class="controls">
          ${canStart ? html`<button part="button start-button" type="button" @click=${() => this.start()}>${ui(l, 'start')}</button>` : nothing}
          ${canRetry ? html`<button part="button retry-button" type="button" @click=${() => this.retry()}>${ui(l, 'retry')}</button>` : nothing}
          ${canCancel ? html`<button part="button cancel-button" class="secondary" type="button" @click=${() => this.cancel()}>${ui(l, 'cancel')}</button>` : nothing}
        </div>
        <slot name="footer"></slot>
      </div>
    `;
  }
}

/** An arrow (svg path, viewBox units) with its tip at (x, y), pointing left (dir −1) or right (1). */
function turnArrow(x: number, y: number, dir: -1 | 1): string {
  const len = 8;
  const head = 4;
  return `M${x - dir * len} ${y}H${x} M${x - dir * head} ${y - head}L${x} ${y}L${x - dir * head} ${y + head}`;
}

/** Registers `<liveness-capture>` (idempotent). */
export function defineLivenessCapture(tag = 'liveness-capture'): void {
  if (!customElements.get(tag)) customElements.define(tag, tag === 'liveness-capture' ? LivenessCapture : class extends LivenessCapture {});
}

declare global {
  interface HTMLElementTagNameMap {
    'liveness-capture': LivenessCapture;
  }
}
