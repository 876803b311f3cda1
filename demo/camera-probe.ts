// Camera check page (camera.html): opens the front camera, draws frames and reports their size and
// mean luminance (BT.601). The browser tests compare it with the fixture clip fed as the webcam.
const video = document.getElementById('preview') as HTMLVideoElement;
const status = document.getElementById('camera-status')!;
const sizeEl = document.getElementById('frame-size')!;
const lumaEl = document.getElementById('luma')!;

export interface FrameProbe {
  width: number;
  height: number;
  luma: number;
  frames: number;
}

declare global {
  interface Window {
    __probe?: FrameProbe;
  }
}

function meanLuma(data: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return sum / (data.length / 4);
}

async function main(): Promise<void> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { min: 320 }, height: { min: 240 } } });
  } catch (e) {
    status.textContent = `Camera unavailable: ${(e as Error).name}`;
    return;
  }
  video.srcObject = stream;
  await video.play();
  status.textContent = 'Camera on';
  const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let frames = 0;
  const onFrame = (): void => {
    ctx.drawImage(video, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const luma = meanLuma(data);
    frames++;
    window.__probe = { width: canvas.width, height: canvas.height, luma, frames };
    sizeEl.textContent = `${canvas.width}×${canvas.height}`;
    lumaEl.textContent = luma.toFixed(1);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

void main();
