/*
 * Strings of the agent's quality gate and camera risk flags (issue 15). Merged into the one
 * dictionary in i18n.ts; same keys in both locales.
 */
export const qualityStrings = {
  ko: {
    'quality.heading': '영상 품질 · 카메라 신호',
    'quality.green': '영상 품질: 기준 충족',
    'quality.red': '영상 품질 기준 미달: {causes}. 품질이 회복될 때까지 승인할 수 없습니다.',
    'quality.waiting': '영상 품질: 측정 중',
    'quality.cause.resolution': '해상도가 낮음',
    'quality.cause.frame_rate': '프레임 수가 낮음',
    'quality.cause.freezes': '영상이 자주 멈춤',
    'quality.cause.brightness': '너무 어두움',
    'quality.cause.sharpness': '초점이 흐림',
    'quality.abort': '품질 불량으로 중단',
    'quality.flags.none': '카메라 위험 신호 없음',
    'quality.flags.hint': '위험 신호는 참고용이며 차단하지 않습니다.',
    'quality.flag.virtual_camera': '가상/소프트웨어 카메라',
    'quality.flag.unusual_settings': '실제 카메라에서 보기 드문 설정',
    'quality.flag.page_hidden': '고객 화면이 숨겨짐',
    'quality.flag.window_blur': '고객 창이 포커스를 잃음',
    'quality.flag.camera_changed': '통화 중 카메라 변경',
  },
  en: {
    'quality.heading': 'Video quality and camera signals',
    'quality.green': 'Video quality: meets the gate',
    'quality.red': 'Video quality below the gate: {causes}. No approval until it recovers.',
    'quality.waiting': 'Video quality: measuring',
    'quality.cause.resolution': 'resolution too low',
    'quality.cause.frame_rate': 'frame rate too low',
    'quality.cause.freezes': 'video freezes',
    'quality.cause.brightness': 'too dark',
    'quality.cause.sharpness': 'out of focus',
    'quality.abort': 'Abort: poor quality',
    'quality.flags.none': 'No camera risk flags',
    'quality.flags.hint': 'Risk flags are signals for you, never a block.',
    'quality.flag.virtual_camera': 'Virtual or software camera',
    'quality.flag.unusual_settings': 'Settings a physical camera rarely reports',
    'quality.flag.page_hidden': "The customer's page was hidden",
    'quality.flag.window_blur': "The customer's window lost focus",
    'quality.flag.camera_changed': 'Camera changed during the call',
  },
} as const;
