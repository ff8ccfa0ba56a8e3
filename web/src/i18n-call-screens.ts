/*
 * Strings of the call screens' own controls (the agent's zoom, the end screen's way back to the
 * queue), merged into the one dictionary in i18n.ts. Same keys in both locales.
 */
export const callScreenStrings = {
  ko: {
    'zoom.group': '고객 영상 확대',
    'zoom.in': '확대',
    'zoom.out': '축소',
    'zoom.reset': '원래 크기로 ({percent}%)',
    'zoom.resetName': '원래 크기로, 현재',
    'zoom.video': '고객 영상. 확대 +, 축소 -, 원래 크기 0, 확대한 상태에서 화살표 키로 이동',
    'end.backToQueue': '대기열로 돌아가기',
    'demo.offHeading': '은행에서 받은 링크가 필요합니다',
    'call.cardFrame': '신분증을 테두리 안에 맞춰 주세요',
    'call.documentView': '내 카메라 화면 (신분증 촬영)',
  },
  en: {
    'zoom.group': "Zoom the customer's video",
    'zoom.in': 'Zoom in',
    'zoom.out': 'Zoom out',
    'zoom.reset': 'Reset zoom ({percent}%)',
    'zoom.resetName': 'Reset zoom, now',
    'zoom.video': "Customer's video. + zooms in, - zooms out, 0 resets, arrow keys move the picture while zoomed",
    'end.backToQueue': 'Back to the queue',
    'demo.offHeading': 'You need the link from your bank',
    'call.cardFrame': 'Fit your ID card inside the frame',
    'call.documentView': 'Your camera (ID card)',
  },
} as const;
