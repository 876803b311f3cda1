import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, requireSystemTools } from './system.ts';

/** Flags every browser test uses (TOOLCHAIN.md): no sandbox as root, no GPU, no background traffic. */
export const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchOptions {
  /** y4m file fed to Chromium as the webcam */
  camera?: string;
  extraArgs?: string[];
}

/** Launches Debian Chromium headless via playwright-core, with the fake camera when given. */
export async function launchChromium(o: LaunchOptions = {}): Promise<Browser> {
  requireSystemTools();
  const args = [...BASE_FLAGS, ...(o.extraArgs ?? [])];
  if (o.camera) {
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${o.camera}`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}
