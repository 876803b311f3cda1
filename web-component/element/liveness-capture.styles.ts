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
    --lc-transition: 200ms ease;
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
  .guide .oval {
    fill: none;
    stroke: var(--lc-accent-contrast);
    stroke-width: 0.8;
    transition: stroke var(--lc-transition);
  }
  .guide .oval.ok {
    stroke: var(--lc-ok);
    stroke-width: 1.2;
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
    .guide .oval {
      transition: none;
    }
  }
`;
