import { beforeAll, describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { createCenterNet } from '../../vision/centernet.ts';
import { nodeModelSource } from '../../vision/load-node.ts';
import type { ObjectDetector } from '../../vision/types.ts';
import { DEFAULT_CONFIG } from '../config.ts';
import { PhoneDebouncer, phoneCheck } from './phone.ts';

const frame = (clip: string): T.Rgb => T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];
let cn: ObjectDetector;

describe('phone check with CenterNet (COCO)', () => {
  beforeAll(async () => {
    await T.nodeDetectors(); // initialises tfjs wasm
    cn = await createCenterNet({ model: nodeModelSource(), minScore: 0.1 });
  });

  it.each(['d0', 'd3', 'd10', 'd14', 'd19'])('%s: clean frame passes; a tablet composited into it → PHONE_IN_FRAME', async (clip) => {
    const img = frame(clip);
    const clean = phoneCheck(await cn.detect(img), img.width, img.height, DEFAULT_CONFIG.phone);
    expect(clean.pass).toBe(true);
    const comp = await T.withTablet(img, 160, 300, 260);
    const objs = await cn.detect(comp);
    const r = phoneCheck(objs, img.width, img.height, DEFAULT_CONFIG.phone);
    expect(r, objs.map((o) => `${o.label} ${o.score.toFixed(2)}`).join(', ')).toMatchObject({ pass: false, code: 'PHONE_IN_FRAME' });
  });

  it('real photo fixture (spoof/real) passes', async () => {
    const img = await T.decode(T.fixture('spoof/real/sfas-T1.jpg'));
    expect(phoneCheck(await cn.detect(img), img.width, img.height, DEFAULT_CONFIG.phone).pass).toBe(true);
  });

  it('pure rules: labels, score, whole-frame boxes, not-run-yet', () => {
    const c = DEFAULT_CONFIG.phone;
    const o = (label: string, score: number, w = 100) => ({ label, score, classId: 0, box: { x: 0, y: 0, w, h: w } });
    expect(phoneCheck(null, 480, 480, c)).toEqual({ pass: true, value: 0 });
    expect(phoneCheck([o('person', 0.9)], 480, 480, c).pass).toBe(true);
    expect(phoneCheck([o('cell phone', 0.5)], 480, 480, c)).toEqual({ pass: false, value: 0.5, code: 'PHONE_IN_FRAME' });
    expect(phoneCheck([o('tv', 0.1)], 480, 480, c).pass).toBe(true);
    expect(phoneCheck([o('tv', 0.9, 470)], 480, 480, c).pass).toBe(true);
    expect(phoneCheck([o('cell phone', 0.9, 30)], 480, 480, c).pass).toBe(true); // earring-sized
  });

  it('counts a device held at the face, not a TV across the room, a remote on the desk or a pillar', () => {
    const c = DEFAULT_CONFIG.phone;
    // the boxes CenterNet found on bona fide clips (camera size), beside each clip's face box
    const det = (label: string, score: number, x: number, y: number, w: number, h: number) => ({ label, score, classId: 0, box: { x, y, w, h } });
    const mounishFace = { x: 333, y: 162, w: 232, h: 232 };
    expect(phoneCheck([det('tv', 0.35, 690, 157, 158, 198)], 854, 480, c, mounishFace).pass).toBe(true);
    const msuFace = { x: 270, y: 172, w: 242, h: 241 };
    expect(phoneCheck([det('tv', 0.34, 410, 25, 102, 62)], 722, 480, c, msuFace).pass).toBe(true); // a screen on the wall above: smaller than a held phone
    expect(phoneCheck([det('laptop', 0.22, 544, 345, 66, 57), det('tv', 0.19, 640, 400, 65, 52)], 722, 480, c, { x: 120, y: 100, w: 200, h: 200 }).pass).toBe(true);
    const kevinFace = { x: 51, y: 407, w: 380, h: 380 };
    expect(phoneCheck([det('cell phone', 0.18, 382, 287, 99, 320)], 480, 872, c, kevinFace).pass).toBe(true); // 1:3.2, a car pillar
    // a phone held up beside the face, and one covering it (a replay), count
    const face = { x: 150, y: 120, w: 200, h: 220 };
    expect(phoneCheck([det('cell phone', 0.3, 330, 200, 90, 170)], 480, 480, c, face)).toMatchObject({ pass: false, code: 'PHONE_IN_FRAME' });
    expect(phoneCheck([det('cell phone', 0.3, 120, 80, 260, 330)], 480, 480, c, face)).toMatchObject({ pass: false, code: 'PHONE_IN_FRAME' });
  });

  it('debouncer: fails only after confirmRuns consecutive failing runs', () => {
    const d = new PhoneDebouncer(DEFAULT_CONFIG.phone);
    const fail = { pass: false, value: 0.3, code: 'PHONE_IN_FRAME' };
    expect(d.update(fail).pass).toBe(true);
    expect(d.update({ pass: true, value: 0 }).pass).toBe(true);
    expect(d.update(fail).pass).toBe(true);
    expect(d.update(fail)).toEqual(fail);
  });
});
