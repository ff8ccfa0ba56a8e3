import { describe, expect, it } from 'vitest';
import { decodeClientFrame, MAX_FRAME_BYTES } from './client-frame.ts';

describe('decodeClientFrame', () => {
  it('accepts a decision frame and fills its defaults', () => {
    expect(decodeClientFrame(JSON.stringify({ type: 'decide', decision: 'approved' }))).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: [] },
    });
  });
  it('refuses binary, oversized, non-JSON and off-schema frames with their codes', () => {
    expect(decodeClientFrame(new ArrayBuffer(2))).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(decodeClientFrame('x'.repeat(MAX_FRAME_BYTES + 1))).toMatchObject({ ok: false, code: 'payload_too_large' });
    // Under the limit in UTF-16 units, over it in UTF-8 bytes.
    expect(decodeClientFrame('가'.repeat(Math.ceil(MAX_FRAME_BYTES / 3) + 1))).toMatchObject({ ok: false, code: 'payload_too_large' });
    expect(decodeClientFrame('{nope')).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(decodeClientFrame('{"type":"decide","decision":"rejected"}')).toMatchObject({ ok: false, code: 'validation_failed' });
  });
});
