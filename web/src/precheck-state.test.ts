import { describe, expect, it } from 'vitest';
import { afterMediaRequest, canContinue, deviceOptions, INITIAL_PRECHECK, mediaConstraints, mediaProblemOf, type DeviceEntry } from './precheck-state.ts';

const named = (name: string) => Object.assign(new Error(name), { name });

describe('pre-call check states', () => {
  it('continues only when camera and microphone pass; a failed network check does not block', () => {
    expect(canContinue(INITIAL_PRECHECK)).toBe(false);
    expect(canContinue({ ...INITIAL_PRECHECK, camera: 'pass', microphone: 'pass' })).toBe(true);
    expect(canContinue({ ...INITIAL_PRECHECK, camera: 'pass', microphone: 'pass', network: 'fail' })).toBe(true);
    expect(canContinue({ ...INITIAL_PRECHECK, camera: 'pass', microphone: 'fail', network: 'pass' })).toBe(false);
    expect(canContinue({ ...INITIAL_PRECHECK, camera: 'fail', microphone: 'pass', network: 'pass' })).toBe(false);
  });

  it('explains a refused getUserMedia by its DOMException name', () => {
    expect(mediaProblemOf(named('NotAllowedError'))).toBe('denied');
    expect(mediaProblemOf(named('SecurityError'))).toBe('denied');
    expect(mediaProblemOf(named('NotFoundError'))).toBe('missing');
    expect(mediaProblemOf(named('OverconstrainedError'))).toBe('missing');
    expect(mediaProblemOf(named('NotReadableError'))).toBe('busy');
    expect(mediaProblemOf(named('TypeError'))).toBe('other');
    expect(mediaProblemOf('weird')).toBe('other');
    expect(mediaProblemOf(null)).toBe('other');
  });

  it('turns the browser’s answer into camera and microphone checks, keeping the network one', () => {
    const start = { ...INITIAL_PRECHECK, network: 'pass' as const };
    expect(afterMediaRequest(start, { error: named('NotAllowedError') })).toEqual({ camera: 'fail', microphone: 'fail', network: 'pass', mediaProblem: 'denied' });
    expect(afterMediaRequest(start, { audio: true, video: true })).toEqual({ camera: 'pass', microphone: 'pass', network: 'pass', mediaProblem: null });
    expect(afterMediaRequest(start, { audio: true, video: false })).toEqual({ camera: 'fail', microphone: 'pass', network: 'pass', mediaProblem: 'missing' });
  });
});

describe('device pickers', () => {
  const devices: DeviceEntry[] = [
    { deviceId: 'default', kind: 'audioinput', label: 'Default - Headset' },
    { deviceId: 'communications', kind: 'audioinput', label: 'Communications - Headset' },
    { deviceId: 'mic-a', kind: 'audioinput', label: 'Headset' },
    { deviceId: 'mic-b', kind: 'audioinput', label: '' },
    { deviceId: 'cam-front', kind: 'videoinput', label: 'Front camera' },
    { deviceId: 'cam-back', kind: 'videoinput', label: 'Back camera' },
    { deviceId: 'cam-back', kind: 'videoinput', label: 'Back camera' },
    { deviceId: 'spk', kind: 'audiooutput', label: 'Speaker' },
  ];
  const n = (i: number) => `Device ${i}`;

  it('lists real devices of the kind once, drops the default aliases and numbers unlabelled ones', () => {
    expect(deviceOptions(devices, 'audioinput', 'mic-a', n)).toEqual({
      options: [{ id: 'mic-a', label: 'Headset' }, { id: 'mic-b', label: 'Device 2' }],
      selected: 'mic-a',
    });
    expect(deviceOptions(devices, 'videoinput', 'cam-back', n)).toEqual({
      options: [{ id: 'cam-front', label: 'Front camera' }, { id: 'cam-back', label: 'Back camera' }],
      selected: 'cam-back',
    });
  });

  it('selects the first device when the one in use is unknown, and keeps aliases when nothing else exists', () => {
    expect(deviceOptions(devices, 'videoinput', 'gone', n).selected).toBe('cam-front');
    expect(deviceOptions(devices, 'videoinput', null, n).selected).toBe('cam-front');
    const onlyDefault = [{ deviceId: 'default', kind: 'audioinput', label: '' }];
    expect(deviceOptions(onlyDefault, 'audioinput', null, n)).toEqual({ options: [{ id: 'default', label: 'Device 1' }], selected: 'default' });
    // Before permission some browsers list devices with empty ids: nothing to pick.
    expect(deviceOptions([{ deviceId: '', kind: 'videoinput', label: '' }], 'videoinput', null, n)).toEqual({ options: [], selected: null });
  });

  it('asks for exactly the chosen devices, or any when none is chosen', () => {
    const hd = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } };
    expect(mediaConstraints({ cameraId: null, microphoneId: null })).toEqual({ audio: true, video: hd });
    expect(mediaConstraints({ cameraId: 'cam-back', microphoneId: 'mic-a' })).toEqual({
      audio: { deviceId: { exact: 'mic-a' } },
      video: { ...hd, deviceId: { exact: 'cam-back' } },
    });
    expect(mediaConstraints({ cameraId: null, microphoneId: null }, 'sd').video).toEqual({ width: { ideal: 640 }, height: { ideal: 480 } });
  });
});
