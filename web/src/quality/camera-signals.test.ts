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
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 30, deviceId: 'abc', groupId: 'g' })).toBeNull();
    expect(unusualSettings({ width: 640, height: 480, frameRate: 29.97, deviceId: 'abc' })).toBeNull();
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 30 })).toBe('no deviceId');
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 1000, deviceId: 'abc' })).toBe('frame rate 1000');
    expect(unusualSettings({ width: 1280, height: 720, frameRate: 17.3, deviceId: 'abc' })).toBe('frame rate 17.3');
    expect(unusualSettings({ width: 641, height: 479, frameRate: 30, deviceId: 'abc' })).toBe('odd size 641x479');
  });

  it('raises the signals of a camera at the call start: none for an ordinary webcam', () => {
    expect(cameraSignals('HD Pro Webcam C920', { width: 1280, height: 720, frameRate: 30, deviceId: 'x' })).toEqual([]);
    expect(cameraSignals('OBS Virtual Camera', { width: 1280, height: 720, frameRate: 30 })).toEqual([
      { kind: 'virtual_camera', detail: 'OBS Virtual Camera' },
      { kind: 'unusual_settings', detail: 'no deviceId' },
    ]);
  });
});
