import { css } from 'lit';

/** Styles of <liveness-capture>; every colour and size comes from a custom property with a default. */
export const styles = css`
  :host {
    --lc-accent: #0b57d0;
    --lc-accent-contrast: #ffffff;
    --lc-ok: #0a7a32;
    --lc-error: #b3261e;
    --lc-fg: #1b1b1f;
    --lc-bg: #ffffff;
    --lc-mask: rgba(0, 0, 0, 0.55);
    --lc-radius: 12px;
    --lc-max-width: 480px;
    --lc-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --lc-transition: 300ms ease;
    /* vertical space the progress, instruction and buttons need under a full-screen preview */
    --lc-chrome: 190px;
    display: block;
    max-width: var(--lc-max-width);
    color: var(--lc-fg);
    background: var(--lc-bg);
    font-family: var(--lc-font);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .stage {
    position: relative;
    width: 100%;
    aspect-ratio: 3 / 4;
    overflow: hidden;
    border-radius: var(--lc-radius);
    background: #000;
  }
  video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
    /* a selfie view: people expect a mirror */
    transform: scaleX(-1);
  }
  svg.guide {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    pointer-events: none;
  }
  .guide .mask {
    fill: var(--lc-mask);
  }
  .guide .oval,
  .guide .mask {
    transition: d var(--lc-transition), rx var(--lc-transition), ry var(--lc-transition);
  }
  .guide .oval {
    fill: none;
    stroke: var(--lc-accent-contrast);
    stroke-width: 0.8;
    transition: stroke var(--lc-transition), rx var(--lc-transition), ry var(--lc-transition);
  }
  .guide .oval.ok {
    stroke: var(--lc-ok);
    stroke-width: 1.2;
  }
  .guide .turn-arrow {
    fill: none;
    stroke: var(--lc-ok);
    stroke-width: 1.6;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .progress {
    height: 8px;
    border-radius: 4px;
    background: #d9d9de;
    overflow: hidden;
  }
  .progress-bar {
    height: 100%;
    background: var(--lc-accent);
    transition: width var(--lc-transition);
  }
  .instruction {
    margin: 0;
    min-height: 3em;
    font-size: 1.1rem;
    line-height: 1.4;
    text-align: center;
  }
  .instruction.error {
    color: var(--lc-error);
  }
  .expiry {
    margin: 0;
    font-size: 0.95rem;
    text-align: center;
  }
  /* the result replaces the preview: no black box once the camera is off */
  .finished .stage,
  .finished .progress {
    display: none;
  }
  /* phones (portrait or landscape): a running capture takes the whole viewport, and the preview
     shrinks (keeping the camera's aspect, so the oval stays where the face is) until the
     progress, the instruction and the buttons fit under it without scrolling */
  @media (max-width: 600px), (max-height: 500px) {
    .base.active {
      position: fixed;
      inset: 0;
      z-index: 2147483000;
      box-sizing: border-box;
      padding: 12px;
      gap: 8px;
      overflow-y: auto;
      justify-content: center;
      background: var(--lc-bg);
    }
    .base.active .stage {
      flex: 0 0 auto;
      width: min(100%, calc((100dvh - var(--lc-chrome, 190px)) * var(--lc-ar, 0.75)));
      margin-inline: auto;
    }
    .base.active .instruction {
      min-height: 2.8em;
    }
  }
  .controls {
    display: flex;
    gap: 8px;
    justify-content: center;
    flex-wrap: wrap;
  }
  button {
    font: inherit;
    min-height: 44px;
    min-width: 44px;
    padding: 0 20px;
    border-radius: 22px;
    border: 2px solid var(--lc-accent);
    background: var(--lc-accent);
    color: var(--lc-accent-contrast);
    cursor: pointer;
  }
  button.secondary {
    background: var(--lc-bg);
    color: var(--lc-accent);
  }
  button:focus-visible {
    outline: 3px solid var(--lc-fg);
    outline-offset: 2px;
  }
  @media (prefers-reduced-motion: reduce) {
    .progress-bar,
    .guide .oval,
    .guide .mask {
      transition: none;
    }
  }
`;
