import { CameraSignal } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { cameraSignals, unusualSettings, virtualCameraMatch } from './camera-signals.ts';

describe('camera signals', () => {
  it('matches virtual and software cameras by label, case-insensitively', () => {
    const virtual = [
      'OBS Virtual Camera',
      'ManyCam Virtual Webcam',
      'Dummy video device (0x0000)',
      'v4l2loopback: OBS',
      'Snap Camera',
      'XSplit VCam',
      'CamTwist',
      'e2eSoft VCam',
      'Virtual Camera',
      'fake_device_0',
      'Camo',
    ];
    for (const label of virtual) expect(virtualCameraMatch(label), label).not.toBeNull();
    const physical = ['FaceTime HD Camera', 'Integrated Camera (04f2:b6dd)', 'Logitech BRIO (046d:085e)', 'HD Pro Webcam C920', 'Front Camera', 'camera2 1, facing front', ''];
    for (const label of physical) expect(virtualCameraMatch(label), label).toBeNull();
  });

  it('flags only settings a physical camera does not report', () => {
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 30, deviceId: 'abc', groupId: 'g' })).toEqual([]);
    expect(unusualSettings({ width: 640, height: 480, frameRate: 29.97, deviceId: 'abc' })).toEqual([]);
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 30 })).toEqual([{ code: 'no_device_id' }]);
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 1000, deviceId: 'abc' })).toEqual([{ code: 'frame_rate', fps: 1000 }]);
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 17.333, deviceId: 'abc' })).toEqual([{ code: 'frame_rate', fps: 17.33 }]);
    expect(unusualSettings({ width: 641, height: 479, frameRate: 30, deviceId: 'abc' })).toEqual([{ code: 'odd_size', width: 641, height: 479 }]);
  });

  it('raises the signals of a camera at the call start: none for an ordinary webcam', () => {
    expect(cameraSignals('HD Pro Webcam C920', { width: 1280, height: 720, frameRate: 30, deviceId: 'x' })).toEqual([]);
    expect(cameraSignals('OBS Virtual Camera', { width: 1280, height: 720, frameRate: 30 })).toEqual([
      { kind: 'virtual_camera', label: 'OBS Virtual Camera' },
      { kind: 'unusual_settings', settings: [{ code: 'no_device_id' }] },
    ]);
    // What the page sends is what the session accepts: codes and figures, never a sentence.
    for (const signal of cameraSignals(' OBS Virtual Camera ', { width: 641, height: 480, frameRate: 1000 })) expect(CameraSignal.parse(signal)).toEqual(signal);
  });
});
